/**
 * The built `dist` of core must stay runtime-neutral: no `node:*` built-in, no `ws`, nothing but
 * relative chunks and declared runtime dependencies. Run after `pnpm exec tsup`; skipped (loudly) when no
 * build exists yet, since typecheck and tests read sources.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = join(import.meta.dirname, '..', 'dist');
const files = existsSync(dist) ? readdirSync(dist).filter((f) => /\.(mjs|cjs|js)$/.test(f)) : [];
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
const DEPS = Object.keys(pkg.dependencies ?? {});
const NODE = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function specifiers(code: string): string[] {
  const out: string[] = [];
  for (const re of [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s*["']([^"']+)["']/gm,
  ]) {
    for (const m of code.matchAll(re)) out.push(m[1] as string);
  }
  return out;
}

describe.skipIf(files.length === 0)('built dist', () => {
  it.each(files)('%s imports nothing from Node or ws', (file) => {
    const imported = specifiers(readFileSync(join(dist, file), 'utf8'));
    for (const spec of imported) {
      expect(NODE.has(spec), `${file} imports ${spec}`).toBe(false);
      expect(spec === 'ws' || spec.startsWith('ws/'), `${file} imports ${spec}`).toBe(false);
      // anything else must be a declared runtime dependency (kept external, never bundled)
      const declared = DEPS.some((d) => spec === d || spec.startsWith(`${d}/`));
      expect(spec.startsWith('.') || declared, `${file} imports ${spec}`).toBe(true);
    }
  });
});
