// The process logger: pino JSON lines with secrets redacted by path, so a token,
// password, cookie or Authorization header never reaches a log line.
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'client_secret',
  '*.client_secret',
  'webhook_secret',
  '*.webhook_secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** A logger for `role`; to stdout unless a destination is given (tests collect lines). */
export function createLogger(opts: {
  level: string;
  role?: string;
  destination?: DestinationStream;
}): Logger {
  const options = {
    level: opts.level,
    base: opts.role ? { role: opts.role } : {},
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
