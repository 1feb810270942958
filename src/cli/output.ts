// How operator commands end: results on stdout (aligned text or JSON), failures on stderr
// as `error: <description>` with one line per detail, and exit code 1.
import type { Command } from 'commander';

/** A failure to report to the operator (no stack trace). */
export class CliError extends Error {
  readonly code: string | undefined;
  readonly details: string[];

  constructor(message: string, opts: { code?: string | undefined; details?: string[] } = {}) {
    super(message);
    this.name = 'CliError';
    this.code = opts.code;
    this.details = opts.details ?? [];
  }
}

/** Writes one line (or lines) to stdout. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a value as indented JSON to stdout. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Runs a command's action; a CliError becomes `error: …` on stderr and exit code 1. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      const lines = [`error: ${err.message}`, ...err.details.map((d) => `  ${d}`)];
      process.stderr.write(`${lines.join('\n')}\n`);
      process.exitCode = 1;
    }
  };
}

/** Adds the options every admin command shares: `--admin-url` and `--json`. */
export function adminOptions(cmd: Command): Command {
  return cmd
    .option(
      '--admin-url <url>',
      'admin API base URL (default: http://127.0.0.1:$ADMIN_PORT, port 9090)',
    )
    .option('--json', 'print the API answer as JSON');
}
