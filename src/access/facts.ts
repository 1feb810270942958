// The input of the access policy and the facts every rule reads, derived once from it.
import type { AppManifest } from '../apps/types.ts';
import { minimal, type ScopeCatalogue } from '../scopes/index.ts';
import type { Installation } from '../store/types.ts';
import { type Ledger, ledgerOf } from './ledger.ts';
import { leastMode, neededScopes } from './task-scopes.ts';
import type { AccessMode, DataFlow, RemediationTask } from './types.ts';

/** Everything one access decision depends on; plain data, nothing is fetched. */
export interface PolicyInput {
  task: RemediationTask;
  /** The manifest of `task.app`; undefined for an unknown app. */
  manifest: AppManifest | undefined;
  catalogue: ScopeCatalogue;
  /** Providers scopegate has an access path for (compared case-insensitively). */
  providers: readonly string[];
  /** Operator-approved data flows, of any app. */
  dataFlows: readonly DataFlow[];
  /** Every installation of (task.app, the report's site), live and revoked, in any order. */
  installations: readonly Installation[];
}

export interface Facts {
  input: PolicyInput;
  task: RemediationTask;
  /** minimal(task.required_scopes). */
  required: string[];
  /** What the task can be done with: `required`, with reads only for an inspection. */
  needed: string[];
  mode: AccessMode;
  /** The manifest when it is the task's app's, else undefined. */
  manifest: AppManifest | undefined;
  ledger: Ledger;
}

export function factsOf(input: PolicyInput): Facts {
  const { task } = input;
  const needed = neededScopes(task);
  return {
    input,
    task,
    required: minimal(task.required_scopes),
    needed,
    mode: leastMode(task, needed),
    manifest: input.manifest?.uuid === task.app ? input.manifest : undefined,
    ledger: ledgerOf(input.installations, task.app),
  };
}
