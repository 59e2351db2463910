/**
 * The built package must be runtime-neutral (architecture.md): no Node built-ins, no `ws`.
 * Builds with tsup first when dist is missing or older than the sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkg, 'dist');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const path = join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }, 0);
}

beforeAll(() => {
  const entry = join(dist, 'index.mjs');
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(pkg, 'src'))) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: pkg, stdio: 'pipe' });
  }
}, 120_000);

describe('dist imports nothing from Node or ws', () => {
  const forbidden = new Set(['ws', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const specifiers = (code: string) =>
    [
      ...code.matchAll(/(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|\bimport\s+)["']([^"']+)["']/g),
    ].map((m) => m[1]!);

  it('scans every built module', () => {
    const files = readdirSync(dist).filter((f) => f.endsWith('.mjs') || f.endsWith('.cjs'));
    expect(files.sort()).toEqual(['index.cjs', 'index.mjs']);
    for (const file of files) {
      const code = readFileSync(join(dist, file), 'utf8');
      const bad = specifiers(code).filter((s) => forbidden.has(s) || s.startsWith('node:'));
      expect(bad, file).toEqual([]);
      // the only runtime dependency is valibot
      expect([...new Set(specifiers(code).filter((s) => !s.startsWith('.')))], file).toEqual([
        'valibot',
      ]);
    }
  });
});
