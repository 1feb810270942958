// Every fault scenario prints its measurements as one `FAULTS {json}` line, before its
// assertions, so a failing run still shows what was measured; the reporter collects them.

export const FIGURES_PREFIX = 'FAULTS ';

/** Prints the scenario's figures as one JSON line prefixed `FAULTS `. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`${FIGURES_PREFIX}${JSON.stringify({ scenario, ...figures })}`);
}
