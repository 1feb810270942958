// The request id of an answer: the client's `x-request-id` when well-formed (so a trace
// spans systems), else a new one. Every listener echoes it and logs it.
import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
