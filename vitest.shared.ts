/**
 * Shared vitest settings: sources are read through the `@voxwire/source` export condition, so
 * tests never wait for a build; each package writes its results for the root summary.
 */
import type { ViteUserConfig } from 'vitest/config';

export const sourceConditions = ['@voxwire/source'];

export function packageTest(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return {
    resolve: { conditions: [...sourceConditions, 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: [...sourceConditions, 'node', 'import', 'default'] } },
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
      // a ceiling, not a measurement: property tests share two cores with the other packages' runs
      testTimeout: 30_000,
      typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
      ...overrides,
    },
  };
}
