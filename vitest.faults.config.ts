// The fault and load suite (npm run test:faults): one file per scenario, each in its own
// forked worker with its own Redis; long timeouts, and the scenarios' figures at the end.
import { defineConfig } from 'vitest/config';
import FiguresReporter from './test/faults/support/reporter.ts';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    // The load and receiver-outage scenarios mostly wait; three workers keep the short
    // scenarios running beside them without starving the 2-core CI machine.
    maxWorkers: 3,
    fileParallelism: true,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    allowOnly: false,
    reporters: ['default', new FiguresReporter()],
  },
});
