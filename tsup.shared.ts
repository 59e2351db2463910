/**
 * One tsup configuration for every published package: dual ESM + CJS with declarations,
 * workspace dependencies kept external (never bundled, so `instanceof` and brands stay single).
 */
import type { Options } from 'tsup';

export function packageBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    splitting: false,
    outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' }),
    tsconfig: 'tsconfig.build.json',
  };
}
