import { defineConfig } from 'vitest/config';
import { packageTest } from '../../vitest.shared.ts';

// the fault suite's report is assembled once every file has run; `--expose-gc` lets the
// simulated hour (test/fault-suite-long.test.ts) collect garbage before each heap reading, so its
// heap bound measures what the engine retains rather than what the collector has not reached yet
export default defineConfig(
  packageTest({ globalSetup: ['./test/fault-report.global.ts'], execArgv: ['--expose-gc'] }),
);
