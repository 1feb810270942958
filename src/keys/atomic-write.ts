// Writes a key file so that a reader (an auth server or gateway watching KEYS_DIR) sees
// either the old or the new content, never a torn one: temp file in the same directory,
// fsync, rename. Key files are private to their owner (0600) whatever the umask.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const KEY_FILE_MODE = 0o600;

/** Replaces `path` with `data` atomically, mode 0600. */
export function writeFileAtomic(path: string, data: string): void {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const fd = openSync(temp, 'wx', KEY_FILE_MODE);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
