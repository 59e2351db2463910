/** The README's export list, read from the README itself, against what the package exports. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import * as protocol from '../src/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

// the bullet "GA nested shapes (schema `XSchema` and type `X`): `A`, `B` (+ `C`), …"
function nestedShapes(): string[] {
  const start = readme.indexOf('- **GA nested shapes**');
  const end = readme.indexOf('\n- **', start + 1);
  const bullet = readme.slice(readme.indexOf(':', start) + 1, end);
  return [...bullet.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!);
}

describe('the README export list', () => {
  it('names shapes the package exports a schema for, each as `XSchema`', () => {
    const names = nestedShapes();
    expect(names.length).toBeGreaterThan(30);
    const missing = names.filter(
      (name) => (protocol as Record<string, unknown>)[`${name}Schema`] === undefined,
    );
    expect(missing).toEqual([]);
  });

  it('a content part schema accepts the parts of each role and refuses what is none', () => {
    const { ContentPartSchema } = protocol;
    for (const part of [
      { type: 'input_text', text: 'hi' },
      { type: 'output_audio', transcript: 'hello' },
      { type: 'input_audio', transcript: null },
    ])
      expect(v.safeParse(ContentPartSchema, part).success, part.type).toBe(true);
    expect(v.safeParse(ContentPartSchema, { type: 'input_text', text: 3 }).success).toBe(false);
  });
});
