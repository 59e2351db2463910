import { defineConfig } from 'vitest/config';
import { packageTest } from '../../vitest.shared.ts';

// The browser test starts a real server and a real Chromium: give it room on a shared 2-core box.
export default defineConfig(packageTest({ testTimeout: 60_000, hookTimeout: 60_000 }));
