// The access mode an approved scope set amounts to on its own (without a remediation
// task): any write scope acts directly (connected), reads only are read-only.
import { parseScope } from '../scopes/index.ts';
import type { AccessMode } from '../store/types.ts';

export function accessModeOf(scopes: Iterable<string>): AccessMode {
  let mode: AccessMode = 'ticket-only';
  for (const s of scopes) {
    const action = parseScope(s)?.action;
    if (action === 'write') return 'connected';
    if (action === 'read') mode = 'read-only';
  }
  return mode;
}
