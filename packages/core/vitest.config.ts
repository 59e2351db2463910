import { defineConfig } from 'vitest/config';
import { packageTest } from '../../vitest.shared.ts';

// the fault suite's report is assembled once every file has run
export default defineConfig(packageTest({ globalSetup: ['./test/fault-report.global.ts'] }));
