import { defineConfig } from 'vitest/config';
import { packageTest } from '../../vitest.shared.ts';

export default defineConfig(packageTest());
