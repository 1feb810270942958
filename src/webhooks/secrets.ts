// Webhook secrets for signing: unsealed from StoredApp.webhookSecrets (newest first) and
// memoized by sealed value, so a rotation (a new sealed value) is picked up at once.
import { unseal } from '../keys/seal.ts';

const MAX_ENTRIES = 10_000;

/** Unseals sealed secrets, remembering each sealed value's plaintext in this process. */
export function secretOpener(sealingKey: Buffer): (sealed: readonly string[]) => string[] {
  const opened = new Map<string, string>();
  return (sealed) =>
    sealed.map((value) => {
      let plain = opened.get(value);
      if (plain === undefined) {
        plain = unseal(value, sealingKey);
        if (opened.size >= MAX_ENTRIES) opened.clear();
        opened.set(value, plain);
      }
      return plain;
    });
}
