// A vitest reporter for the fault suite: gathers the `FAULTS {json}` lines the scenarios
// print and shows them together after the run, one line each, in scenario order.
import type { UserConsoleLog } from 'vitest';
import type { Reporter } from 'vitest/node';
import { FIGURES_PREFIX } from './figures.ts';

export default class FiguresReporter implements Reporter {
  private readonly lines: string[] = [];

  onUserConsoleLog(log: UserConsoleLog): void {
    if (log.type !== 'stdout') return;
    for (const line of log.content.split('\n')) {
      if (line.startsWith(FIGURES_PREFIX)) this.lines.push(line.trim());
    }
  }

  onTestRunEnd(): void {
    const sorted = [...this.lines].sort();
    const out = process.stdout;
    out.write(`\nFault and load figures (${sorted.length} scenarios reported):\n`);
    for (const line of sorted) out.write(`${line}\n`);
    out.write('\n');
  }
}
