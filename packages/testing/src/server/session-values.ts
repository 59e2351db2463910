/**
 * The values a `session.update` (and a `response.create`, for the fields it shares) may take,
 * with the real error codes: ranges (`integer_below_min_value`, …), allowed literals
 * (`invalid_value` "Supported values are: …"), and the fields a form of a union lacks (`rate` on
 * G.711). Checked on the decoded (GA-model) update; errors name the field in the client's dialect.
 * @module
 */
import type { Dialect } from '@voxwire/protocol';
import { Errors, type ServerErrorBody } from './error-catalog.js';
import { PCM_RATE, sessionValue } from './session-config.js';
import { isObject, type JsonObject } from './wire.js';

/** The values `include` may list (protocol.md Appendix A, `RealtimeSessionCreateRequest`). */
export const INCLUDE_VALUES = ['item.input_audio_transcription.logprobs'] as const;
/** `RealtimeReasoningEffort` (Appendix A). */
export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** GA path → beta path, so errors name the field the client actually sent. */
const BETA_PARAM: Record<string, string> = {
  'session.output_modalities': 'session.modalities',
  'session.max_output_tokens': 'session.max_response_output_tokens',
  'session.audio.output.voice': 'session.voice',
  'session.audio.output.speed': 'session.speed',
  'session.audio.input.format': 'session.input_audio_format',
  'session.audio.output.format': 'session.output_audio_format',
  'session.audio.input.transcription': 'session.input_audio_transcription',
  'session.audio.input.noise_reduction': 'session.input_audio_noise_reduction',
};

function paramFor(gaPath: string, dialect: Dialect): string {
  if (dialect === 'ga') return gaPath;
  if (gaPath.startsWith('session.audio.input.turn_detection')) {
    return gaPath.replace('session.audio.input.turn_detection', 'session.turn_detection');
  }
  for (const [ga, beta] of Object.entries(BETA_PARAM))
    if (gaPath.startsWith(ga)) return beta + gaPath.slice(ga.length);
  return gaPath;
}

type Check = (path: string, value: unknown) => ServerErrorBody | undefined;

/**
 * Validates the values of a decoded (GA-model) session update. Returns the first error, with the
 * `param` spelled in the client's dialect; the caller then discards the whole update.
 */
export function checkSessionValues(
  session: JsonObject,
  dialect: Dialect,
  eventId: string | null,
): ServerErrorBody | undefined {
  const p = (path: string) => paramFor(path, dialect);
  const enumOf =
    (values: readonly string[]): Check =>
    (path, v) =>
      typeof v === 'string' && values.includes(v)
        ? undefined
        : Errors.invalidValue(p(path), v, values, eventId);
  const range =
    (min: number, max: number, integer: boolean): Check =>
    (path, v) => {
      if (typeof v !== 'number' || Number.isNaN(v))
        return Errors.wrongType(p(path), integer ? 'an integer' : 'a number', eventId);
      if (integer && !Number.isInteger(v)) return Errors.wrongType(p(path), 'an integer', eventId);
      if (v < min) return Errors.belowMin(p(path), min, v, integer, eventId);
      if (v > max) return Errors.aboveMax(p(path), max, v, integer, eventId);
      return undefined;
    };
  const checks: [string, Check][] = [];
  const at = (path: string, check: Check) => checks.push([path, check]);

  at('type', enumOf(['realtime', 'transcription']));
  at('output_modalities', (path, v) => {
    if (!Array.isArray(v) || v.length === 0)
      return Errors.wrongType(p(path), 'an array of modalities', eventId);
    for (const m of v)
      if (m !== 'text' && m !== 'audio')
        return Errors.invalidValue(p(path), m, ['text', 'audio'], eventId);
    // GA cannot produce both at once; beta's ['text','audio'] is its normal default
    if (dialect === 'ga' && v.length > 1)
      return Errors.invalidValue(p(path), v.join(','), ['text', 'audio'], eventId);
    return undefined;
  });
  at('instructions', (path, v) =>
    typeof v === 'string' ? undefined : Errors.wrongType(p(path), 'a string', eventId),
  );
  at('max_output_tokens', (path, v) => (v === 'inf' ? undefined : range(1, 4096, true)(path, v)));
  at('temperature', range(0.6, 1.2, false));
  at('tool_choice', (path, v) =>
    isObject(v) ? undefined : enumOf(['none', 'auto', 'required'])(path, v),
  );
  at('tools', (path, v) =>
    Array.isArray(v) ? undefined : Errors.wrongType(p(path), 'an array', eventId),
  );
  at('include', (path, v) => {
    // the server echoes `include: null` (§4.11), so it takes it back
    if (v === null) return undefined;
    if (!Array.isArray(v)) return Errors.wrongType(p(path), 'an array', eventId);
    for (const [i, entry] of v.entries()) {
      const bad = enumOf(INCLUDE_VALUES)(`${path}[${i}]`, entry);
      if (bad) return bad;
    }
    return undefined;
  });
  at('reasoning', (path, v) => {
    if (v === null) return undefined;
    if (!isObject(v)) return Errors.wrongType(p(path), 'an object', eventId);
    return v['effort'] === undefined
      ? undefined
      : enumOf(REASONING_EFFORTS)(`${path}.effort`, v['effort']);
  });
  for (const dir of ['input', 'output'] as const) {
    at(`audio.${dir}.format`, (path, v) => {
      if (!isObject(v)) return Errors.wrongType(p(path), 'an object', eventId);
      const bad = enumOf(['audio/pcm', 'audio/pcmu', 'audio/pcma'])(`${path}.type`, v['type']);
      if (bad) return bad;
      if (v['type'] === 'audio/pcm' && v['rate'] !== undefined)
        return range(PCM_RATE, PCM_RATE, true)(`${path}.rate`, v['rate']);
      // G.711 has no `rate` field (Appendix C: `{ type?: "audio/pcmu" }`; it runs at 8 kHz,
      // §4.1): a field the form lacks is unknown to it (§7.2)
      if (v['rate'] !== undefined) return Errors.unknownParameter(p(`${path}.rate`), eventId);
      return undefined;
    });
  }
  at('audio.output.speed', range(0.25, 1.5, false));
  at('audio.output.voice', (path, v) =>
    typeof v === 'string' || (isObject(v) && typeof v['id'] === 'string')
      ? undefined
      : Errors.wrongType(p(path), 'a voice name', eventId),
  );
  at('audio.input.noise_reduction', (path, v) =>
    v === null
      ? undefined
      : isObject(v)
        ? enumOf(['near_field', 'far_field'])(`${path}.type`, v['type'])
        : Errors.wrongType(p(path), 'an object or null', eventId),
  );
  at('audio.input.transcription', (path, v) =>
    v === null || (isObject(v) && (v['model'] === undefined || typeof v['model'] === 'string'))
      ? undefined
      : Errors.wrongType(p(path), 'an object or null', eventId),
  );
  at('audio.input.turn_detection', (path, v) => {
    if (v === null) return undefined;
    if (!isObject(v)) return Errors.wrongType(p(path), 'an object or null', eventId);
    const type = v['type'] ?? 'server_vad';
    const bad = enumOf(['server_vad', 'semantic_vad'])(`${path}.type`, type);
    if (bad) return bad;
    if (v['threshold'] !== undefined) {
      const e = range(0, 1, false)(`${path}.threshold`, v['threshold']);
      if (e) return e;
    }
    for (const k of ['prefix_padding_ms', 'silence_duration_ms'] as const) {
      if (v[k] !== undefined) {
        const e = range(0, 10_000, true)(`${path}.${k}`, v[k]);
        if (e) return e;
      }
    }
    if (v['idle_timeout_ms'] !== undefined && v['idle_timeout_ms'] !== null) {
      const e = range(5_000, 30_000, true)(`${path}.idle_timeout_ms`, v['idle_timeout_ms']);
      if (e) return e;
    }
    if (v['eagerness'] !== undefined)
      return enumOf(['low', 'medium', 'high', 'auto'])(`${path}.eagerness`, v['eagerness']);
    return undefined;
  });

  for (const [path, check] of checks) {
    const value = sessionValue(session, path);
    if (value === undefined) continue;
    const error = check(`session.${path}`, value);
    if (error) return error;
  }
  return undefined;
}

// the response parameters that take the session's values (protocol.md §2, §4.5)
const RESPONSE_CHECKED = [
  'output_modalities',
  'max_output_tokens',
  'instructions',
  'tool_choice',
  'tools',
  'temperature',
  'reasoning',
] as const;

/**
 * Validates the values of a decoded `response.create`'s parameters as the session's are
 * (`max_output_tokens` 1–4096 or `inf`, one output modality in GA, …). Returns the first error,
 * its `param` under `response.`.
 */
export function checkResponseValues(
  params: JsonObject,
  dialect: Dialect,
  eventId: string | null,
): ServerErrorBody | undefined {
  const subset: JsonObject = {};
  for (const key of RESPONSE_CHECKED) if (params[key] !== undefined) subset[key] = params[key];
  const error = checkSessionValues(subset, dialect, eventId);
  if (!error) return undefined;
  return {
    ...error,
    param: error.param?.replace(/^session\./, 'response.') ?? null,
    message: error.message.replace(/'session\./g, "'response."),
  };
}
