import { defineConfig } from 'tsup';

/**
 * One build: the CLI bundles the workspace packages from their sources (the `@voxwire/source`
 * condition, as the playground does), so `pnpm --filter @voxwire/phone-bridge start` works on a
 * fresh clone without building every package first; `ws` stays external (its optional native
 * add-ons must not be bundled).
 */
export default defineConfig({
  entry: { main: 'src/main.ts' },
  outDir: 'dist',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outExtension: () => ({ js: '.mjs' }),
  noExternal: [/^@voxwire\//],
  external: ['ws'],
  esbuildOptions: (options) => {
    options.conditions = ['@voxwire/source', ...(options.conditions ?? [])];
  },
  sourcemap: true,
  clean: true,
  splitting: false,
  dts: false,
});
