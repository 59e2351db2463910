/** Loads the golden fixtures: `test/fixtures/<dialect>/<direction>/<event.type>[--variant].json`. */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface Fixture {
  /** File name, for test titles. */
  name: string;
  /** The event type the file name announces. */
  type: string;
  /** The frame as it travels on the wire (compact JSON). */
  frame: string;
  /** The parsed frame. */
  json: Record<string, unknown>;
}

export function loadFixtures(dialect: 'ga' | 'beta', direction: 'client' | 'server'): Fixture[] {
  const dir = join(root, dialect, direction);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const json = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
      return {
        name,
        type: name.replace(/\.json$/, '').replace(/--.*$/, ''),
        frame: JSON.stringify(json),
        json,
      };
    });
}

/** Sorts every `modalities` array (beta order carries no meaning) for comparisons. */
export function normalizeModalities(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeModalities);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === 'modalities' && Array.isArray(v) ? [...(v as string[])].sort() : normalizeModalities(v);
  }
  return out;
}
