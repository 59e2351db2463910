import { defineConfig } from 'tsup';
import type { Options } from 'tsup';

/**
 * Two builds. The server bundles the workspace packages from their sources (the `@voxwire/source`
 * condition), so `pnpm playground` works on a fresh clone without building every package first;
 * `ws` stays external (its optional native add-ons must not be bundled). The page is plain ES
 * modules for the browser: one file per entry, no shared chunks (AudioWorklet modules must be
 * self-contained), no network at run time.
 */
const source: Options['esbuildOptions'] = (options) => {
  options.conditions = ['@voxwire/source', ...(options.conditions ?? [])];
};

export const serverBuild: Options = {
  name: 'server',
  entry: { main: 'src/server/main.ts' },
  outDir: 'dist/server',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outExtension: () => ({ js: '.mjs' }),
  noExternal: [/^@voxwire\//],
  external: ['ws'],
  esbuildOptions: source,
  sourcemap: true,
  clean: true,
  splitting: false,
  dts: false,
};

export const pageBuild: Options = {
  name: 'page',
  entry: {
    app: 'src/page/main.ts',
    'capture-worklet': 'src/page/worklets/capture-worklet.ts',
    'playback-worklet': 'src/page/worklets/playback-worklet.ts',
  },
  outDir: 'dist/public',
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  outExtension: () => ({ js: '.js' }),
  noExternal: [/.*/],
  esbuildOptions: source,
  sourcemap: true,
  clean: true,
  splitting: false,
  dts: false,
};

export default defineConfig([serverBuild, pageBuild]);
