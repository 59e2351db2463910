/**
 * The open enums' known names (editor completion only: any string is accepted) cover every name
 * the `openai` package's realtime types list, and the transcription models protocol.md §4.3
 * cites from the current spec that the package does not list yet.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KNOWN_MODELS, KNOWN_TRANSCRIPTION_MODELS, KNOWN_VOICES } from '../src/index.js';

const require = createRequire(import.meta.url);
const dts = readFileSync(
  require.resolve('openai/resources/realtime/realtime').replace(/\.[mc]?js$/, '.d.ts'),
  'utf8',
);

/** The quoted names of every `field?: (string & {}) | 'a' | 'b'` union that names `marker`. */
function namesOf(field: string, marker: string): Set<string> {
  const names = new Set<string>();
  for (const line of dts.split('\n')) {
    const m = new RegExp(`^\\s*${field}\\?: (.+);$`).exec(line);
    if (!m?.[1]?.includes(`'${marker}'`)) continue;
    for (const q of m[1].matchAll(/'([^']+)'/g)) names.add(q[1]!);
  }
  return names;
}

describe('known names', () => {
  it('list every realtime model the openai package names', () => {
    const models = namesOf('model', 'gpt-realtime');
    expect(models.size).toBeGreaterThan(10);
    expect([...models].filter((m) => !(KNOWN_MODELS as readonly string[]).includes(m))).toEqual([]);
  });

  it('list every transcription model the openai package and the spec name', () => {
    const models = namesOf('model', 'whisper-1');
    // SPEC-HEAD's enum (protocol.md §4.3), ahead of the package
    for (const m of ['gpt-transcribe', 'gpt-live-transcribe']) models.add(m);
    expect(models.size).toBeGreaterThan(5);
    const known = KNOWN_TRANSCRIPTION_MODELS as readonly string[];
    expect([...models].filter((m) => !known.includes(m))).toEqual([]);
  });

  it('list every voice the openai package names', () => {
    const voices = namesOf('voice', 'alloy');
    expect(voices.size).toBeGreaterThan(5);
    const known = KNOWN_VOICES as readonly string[];
    expect([...voices].filter((m) => !known.includes(m))).toEqual([]);
  });
});
