// Notices a rotation of KEYS_DIR/jwks.json in a running process: fs.watch on the directory
// (an atomic rename replaces the file, and Kubernetes swaps a symlinked directory) for
// speed, a periodic check for file systems where watching is silent. A file that does not
// parse is reported and ignored: the keys in use stay until a valid set appears.
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { JWKS_FILE, parseSigningKeys, type SigningKey } from './jwks-file.ts';

/** How often the file is re-read when no watch event came. */
const KEY_POLL_MS = 2_000;

/** The signing keys of KEYS_DIR as they change. */
export interface SigningKeyWatch {
  /** The current private keys, newest (signing) first. */
  readonly keys: readonly SigningKey[];
  /** Calls `listener` with each new valid key set. */
  onChange(listener: (keys: readonly SigningKey[]) => void): void;
  /** Re-reads the file now; true when the key set changed. */
  check(): boolean;
  close(): void;
}

export interface WatchOptions {
  /** The keys already loaded (changes are reported relative to these). */
  initial: readonly SigningKey[];
  pollMs?: number;
  /** A file that cannot be read or parsed; reported once per distinct content. */
  onError?: (err: unknown) => void;
}

export function watchSigningKeys(dir: string, opts: WatchOptions): SigningKeyWatch {
  const path = join(dir, JWKS_FILE);
  const listeners: ((keys: readonly SigningKey[]) => void)[] = [];
  let keys = opts.initial;
  let current = JSON.stringify(keys);
  let lastText: string | undefined;
  let lastBad: string | undefined;
  let debounce: NodeJS.Timeout | undefined;

  function check(): boolean {
    let text: string;
    let next: SigningKey[];
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      report('unreadable', err);
      return false;
    }
    if (text === lastText) return false;
    lastText = text;
    try {
      next = parseSigningKeys(text, path);
    } catch (err) {
      report(text, err);
      return false;
    }
    lastBad = undefined;
    const serialized = JSON.stringify(next);
    if (serialized === current) return false;
    current = serialized;
    keys = next;
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (err) {
        opts.onError?.(err);
      }
    }
    return true;
  }

  function report(what: string, err: unknown): void {
    if (what === lastBad) return;
    lastBad = what;
    opts.onError?.(err);
  }

  // Events come in bursts (temp file written, renamed): one check after they settle.
  const soon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(check, 20);
    debounce.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, soon);
    watcher.on('error', () => watcher?.close());
  } catch {
    // Watching is unsupported here; the periodic check still picks changes up.
  }
  const poll = setInterval(check, opts.pollMs ?? KEY_POLL_MS);
  poll.unref();

  return {
    get keys() {
      return keys;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    check,
    close() {
      clearInterval(poll);
      clearTimeout(debounce);
      watcher?.close();
    },
  };
}
