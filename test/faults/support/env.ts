// Durations and sizes of the fault suite from the environment, so a developer can run a
// short version (FAULTS_RECEIVER_DOWN_MS=10000 FAULTS_LOAD_SECONDS=20) of the same tests.

/** A positive number from `name`, or `fallback` when unset; anything else is an error. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
}
