// What a remediation task needs and the least access mode that does it (rule 1 of the
// access policy). Inspections (diagnostic, retest) never need writes: each write a task
// names is narrowed to the read of its resource.
import { isWriteScope, minimal, readScopeOf } from '../scopes/index.ts';
import { accessModeOf } from './mode.ts';
import type { AccessMode, RemediationTask, TaskKind } from './types.ts';

/** Task kinds that only look: evidence, code and config are inspected, never changed. */
const INSPECTION_KINDS: readonly TaskKind[] = ['diagnostic', 'retest'];

export function isInspection(task: RemediationTask): boolean {
  return INSPECTION_KINDS.includes(task.kind);
}

/** The write scopes an inspection names, which it never needs. */
export function inspectionWrites(task: RemediationTask): string[] {
  return isInspection(task) ? minimal(task.required_scopes).filter(isWriteScope) : [];
}

/** What the task can be done with, minimal: its required scopes, reads only for an inspection. */
export function neededScopes(task: RemediationTask): string[] {
  const required = minimal(task.required_scopes);
  return isInspection(task) ? minimal(required.map(readScopeOf)) : required;
}

/** true when the task says, in words, why its writes cannot be staged for review. */
function hasLiveWriteReason(task: RemediationTask): boolean {
  const reason = task.needs_live_write?.reason;
  return typeof reason === 'string' && reason.trim() !== '';
}

/**
 * The least mode that completes the task with `needed`: nothing → ticket-only, reads →
 * read-only, writes → review-only (staged proposals the merchant approves), and
 * connected only when the task gives a reason why staging cannot work.
 */
export function leastMode(task: RemediationTask, needed: readonly string[]): AccessMode {
  const mode = accessModeOf(needed);
  return mode === 'connected' && !hasLiveWriteReason(task) ? 'review-only' : mode;
}
