// Reading untrusted JSON values (request bodies, config files, manifests): one test for
// "a plain object" and one safe field read, used by every input check.

/** true for a JSON object: not null, not an array. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field of a raw value when it is an object, else undefined. */
export function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}
