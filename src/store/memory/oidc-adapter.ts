// oidc-provider records in memory: one expiring map shared by every model, secondary
// indexes (session uid, user code) and one grant → record-keys index across models.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { GRANT_BOUND_MODELS } from '../oidc-models.ts';
import { deadline, ExpiringMap } from './expiring-map.ts';

interface OidcRecord {
  payload: AdapterPayload;
  /** Epoch seconds when consumed. */
  consumed?: number;
}

/** Returns the adapter factory; all adapters it makes share the same records. */
export function createMemoryOidc(): (model: string) => Adapter {
  const records = new ExpiringMap<OidcRecord>();
  const uids = new ExpiringMap<string>();
  const userCodes = new ExpiringMap<string>();
  const grants = new ExpiringMap<Set<string>>();
  const adapters = new Map<string, Adapter>();

  const read = (key: string): AdapterPayload | undefined => {
    const record = records.get(key);
    if (!record) return undefined;
    const payload = structuredClone(record.payload);
    if (record.consumed !== undefined) payload.consumed = record.consumed;
    return payload;
  };

  const indexUnderGrant = (grantId: string, key: string, expiresAt: number | undefined) => {
    const members = grants.get(grantId);
    if (!members) {
      grants.set(grantId, new Set([key]), expiresAt);
      return;
    }
    members.add(key);
    const current = grants.expiresAt(grantId);
    const longest =
      current === undefined || expiresAt === undefined ? undefined : Math.max(current, expiresAt);
    grants.set(grantId, members, longest);
  };

  const make = (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        const expiresAt = deadline(expiresIn);
        records.set(key, { payload: structuredClone(payload) }, expiresAt);
        if (payload.uid) uids.set(keyOf(payload.uid), id, expiresAt);
        if (payload.userCode) userCodes.set(keyOf(payload.userCode), id, expiresAt);
        if (payload.grantId && GRANT_BOUND_MODELS.has(model)) {
          indexUnderGrant(payload.grantId, key, expiresAt);
        }
      },
      async find(id) {
        return read(keyOf(id));
      },
      async findByUid(uid) {
        const id = uids.get(keyOf(uid));
        return id === undefined ? undefined : read(keyOf(id));
      },
      async findByUserCode(userCode) {
        const id = userCodes.get(keyOf(userCode));
        return id === undefined ? undefined : read(keyOf(id));
      },
      async consume(id) {
        const record = records.get(keyOf(id));
        if (record) record.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        records.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of grants.get(grantId) ?? []) records.delete(key);
        grants.delete(grantId);
      },
    };
  };

  return (model) => {
    let adapter = adapters.get(model);
    if (!adapter) {
      adapter = make(model);
      adapters.set(model, adapter);
    }
    return adapter;
  };
}
