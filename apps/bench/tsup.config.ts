import { defineConfig } from 'tsup';

// The bench is an app, not a library: ESM only, no declarations. Every dependency stays external
// so each client process loads the peers (and voxwire's built dist) exactly as a user would,
// which is what the import-cost workload measures.
export default defineConfig({
  entry: {
    run: 'src/run.ts',
    server: 'src/server/main.ts',
    worker: 'src/worker/main.ts',
    'receive-cost': 'src/receive-cost.ts',
  },
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  target: 'es2022',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
  dts: false,
  skipNodeModulesBundle: true,
});
