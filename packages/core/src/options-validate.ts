/**
 * Validation of session options: bad input gets a clear `INVALID_ARGUMENT` error naming the
 * option, before anything reaches the wire (where the server would reject the whole update).
 * @module
 */
import { closestName } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';
import type { SessionOptionsInput } from './options.js';

const FORMATS = new Set(['pcm16', 'g711_ulaw', 'g711_alaw']);
const MODALITIES = new Set(['text', 'audio']);
const TOOL_CHOICES = new Set(['auto', 'none', 'required']);
const EAGERNESS = new Set(['low', 'medium', 'high', 'auto']);
const NOISE = new Set(['near_field', 'far_field']);

function fail(argument: string, message: string): never {
  throw new VoxwireError('INVALID_ARGUMENT', `invalid session option ${argument}: ${message}`, {
    data: { argument },
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkNumber(name: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    fail(name, `expected a number in [${min}, ${max}], got ${String(v)}`);
}

// the API types the turn-detection durations as integers (Appendix C `RealtimeTurnDetection`)
function checkInteger(name: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(name, `expected an integer in [${min}, ${max}], got ${String(v)}`);
}

/**
 * Every session option, held complete by the compiler (a key added to the interface and left out
 * here does not compile); anything else would be copied into the options and never sent.
 */
export const SESSION_OPTION_KEY_SET: { readonly [K in keyof SessionOptionsInput]-?: true } = {
  model: true,
  modalities: true,
  instructions: true,
  voice: true,
  inputAudioFormat: true,
  outputAudioFormat: true,
  inputAudioTranscription: true,
  turnDetection: true,
  toolChoice: true,
  temperature: true,
  maxResponseOutputTokens: true,
  noiseReduction: true,
  speed: true,
};
const OPTION_KEYS: ReadonlySet<string> = new Set(Object.keys(SESSION_OPTION_KEY_SET));

/**
 * Throws `VoxwireError('INVALID_ARGUMENT')` when an option present in `o` has a bad value, or
 * `o` has a key that is no session option (a typo, or the seed's snake_case `turn_detection`,
 * which would otherwise be ignored without a word).
 */
export function validateSessionOptions(o: SessionOptionsInput): void {
  if (!isObject(o)) fail('options', 'expected an object');
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.has(key) && (o as Record<string, unknown>)[key] !== undefined) {
      const near = closestName(key, OPTION_KEYS);
      fail(
        key,
        `no such session option (${near === undefined ? 'options are camelCase, e.g. turnDetection' : `did you mean ${near}?`})`,
      );
    }
  }
  if (o.model !== undefined && (typeof o.model !== 'string' || o.model === ''))
    fail('model', 'expected a non-empty string');
  if (o.instructions !== undefined && typeof o.instructions !== 'string')
    fail('instructions', 'expected a string');
  const voice: unknown = o.voice;
  if (
    voice !== undefined &&
    !(typeof voice === 'string' && voice !== '') &&
    !(isObject(voice) && typeof voice['id'] === 'string' && voice['id'] !== '')
  )
    fail('voice', 'expected a voice name or a custom voice { id }');
  if (o.modalities !== undefined) {
    if (
      !Array.isArray(o.modalities) ||
      o.modalities.length === 0 ||
      !o.modalities.every((m) => MODALITIES.has(m))
    ) {
      fail('modalities', "expected a non-empty list of 'text' and/or 'audio'");
    }
  }
  for (const key of ['inputAudioFormat', 'outputAudioFormat'] as const) {
    if (o[key] !== undefined && !FORMATS.has(o[key]))
      fail(key, "expected 'pcm16', 'g711_ulaw' or 'g711_alaw'");
  }
  const t = o.inputAudioTranscription;
  if (t !== undefined && t !== null) {
    if (!isObject(t) || typeof t.model !== 'string' || t.model === '')
      fail('inputAudioTranscription.model', 'expected a non-empty string');
    if (t.language !== undefined && typeof t.language !== 'string')
      fail('inputAudioTranscription.language', 'expected a string');
    if (t.prompt !== undefined && typeof t.prompt !== 'string')
      fail('inputAudioTranscription.prompt', 'expected a string');
  }
  const td = o.turnDetection;
  if (td !== undefined && td !== null) {
    if (!isObject(td)) fail('turnDetection', 'expected an object or null');
    if (td.type === 'server_vad') {
      checkNumber('turnDetection.threshold', td.threshold, 0, 1);
      // protocol.md gives no upper bound for these two: the server judges the size
      checkInteger('turnDetection.prefixPaddingMs', td.prefixPaddingMs, 0, 60_000);
      checkInteger('turnDetection.silenceDurationMs', td.silenceDurationMs, 0, 60_000);
      // 5000–30000 or null (protocol.md §4.2, §7.11): the server refuses anything else
      if (td.idleTimeoutMs !== undefined && td.idleTimeoutMs !== null)
        checkInteger('turnDetection.idleTimeoutMs', td.idleTimeoutMs, 5_000, 30_000);
    } else if (td.type === 'semantic_vad') {
      if (td.eagerness !== undefined && !EAGERNESS.has(td.eagerness))
        fail('turnDetection.eagerness', "expected 'low', 'medium', 'high' or 'auto'");
    } else {
      fail('turnDetection.type', "expected 'server_vad' or 'semantic_vad'");
    }
    for (const key of ['createResponse', 'interruptResponse'] as const) {
      if (td[key] !== undefined && typeof td[key] !== 'boolean')
        fail(`turnDetection.${key}`, 'expected a boolean');
    }
  }
  const tc = o.toolChoice;
  if (tc !== undefined) {
    const named =
      isObject(tc) && tc.type === 'function' && typeof tc.name === 'string' && tc.name !== '';
    if (!named && !(typeof tc === 'string' && TOOL_CHOICES.has(tc))) {
      fail('toolChoice', "expected 'auto', 'none', 'required' or { type: 'function', name }");
    }
  }
  // the beta range (protocol.md §7.11): GA drops the field, a beta server refuses the rest, and
  // a refused first session.update closes the session
  checkNumber('temperature', o.temperature, 0.6, 1.2);
  const mx = o.maxResponseOutputTokens;
  if (
    mx !== undefined &&
    mx !== 'inf' &&
    (typeof mx !== 'number' || !Number.isInteger(mx) || mx < 1 || mx > 4096)
  ) {
    fail('maxResponseOutputTokens', "expected an integer in [1, 4096] or 'inf'");
  }
  if (o.noiseReduction !== undefined && o.noiseReduction !== null && !NOISE.has(o.noiseReduction)) {
    fail('noiseReduction', "expected 'near_field', 'far_field' or null");
  }
  checkNumber('speed', o.speed, 0.25, 1.5);
}
