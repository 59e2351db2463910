/**
 * Hand-written validators for the GA structural events every response carries once or twice:
 * `response.created/done` (the response resource), `response.output_item.added/done` and
 * `conversation.item.added/created/done` (a conversation item). Each type is seen only a few
 * times per response, so valibot's code for these nested schemas rarely gets optimised and a
 * run cost ~1 µs per event averaged over a downstream burst (PROFILE.md).
 *
 * Every check here is never looser than its valibot schema: it accepts the shapes the server
 * sends (messages, function calls and outputs, the full response resource) and returns `false`
 * for anything else — MCP items, arrays where the schema takes objects (valibot's `v.object`
 * accepts an array, these checks do not), non-string metadata under a reserved key — so the
 * decoder falls back to the schema, which then accepts or reports issues as before.
 * `test/fast-structural.test.ts` compares them with the schemas on random inputs.
 * @module
 */
import type { FastCheck } from './fast-path.js';

type Obj = Record<string, unknown>;

/** A non-null, non-array object (stricter than `v.object`, which also takes arrays). */
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** `v.number()`: any number but NaN. */
const isNum = (x: unknown): boolean => typeof x === 'number' && !Number.isNaN(x);
const optNum = (x: unknown): boolean => x === undefined || isNum(x);
const optStr = (x: unknown): boolean => x === undefined || typeof x === 'string';
const nullishStr = (x: unknown): boolean => x === undefined || x === null || typeof x === 'string';

/** Every element passes `check` (holes and non-arrays fail). */
function every(list: unknown, check: (x: unknown) => boolean): boolean {
  if (!Array.isArray(list)) return false;
  for (let i = 0; i < list.length; i++) if (!check(list[i])) return false;
  return true;
}

// picklists; `undefined` is a member where the schema's field is optional
const ITEM_STATUS: ReadonlySet<unknown> = new Set([
  undefined,
  'completed',
  'incomplete',
  'in_progress',
]);
const SYSTEM_PART: ReadonlySet<unknown> = new Set([undefined, 'input_text', 'text']);
const USER_PART: ReadonlySet<unknown> = new Set([
  undefined,
  'input_text',
  'input_audio',
  'input_image',
  'text',
  'audio',
  'item_reference',
]);
const IMAGE_DETAIL: ReadonlySet<unknown> = new Set([undefined, 'auto', 'low', 'high']);
const ASSISTANT_PART: ReadonlySet<unknown> = new Set([
  undefined,
  'output_text',
  'output_audio',
  'text',
  'audio',
]);

const isSystemPart = (p: unknown): boolean =>
  isObj(p) && SYSTEM_PART.has(p.type) && nullishStr(p.text);
const isUserPart = (p: unknown): boolean =>
  isObj(p) &&
  USER_PART.has(p.type) &&
  nullishStr(p.text) &&
  nullishStr(p.audio) &&
  nullishStr(p.transcript) &&
  nullishStr(p.image_url) &&
  IMAGE_DETAIL.has(p.detail) &&
  nullishStr(p.id);
const isAssistantPart = (p: unknown): boolean =>
  isObj(p) &&
  ASSISTANT_PART.has(p.type) &&
  nullishStr(p.text) &&
  nullishStr(p.audio) &&
  nullishStr(p.transcript);

/** `ConversationItemSchema` for messages, function calls and their outputs; `false` for MCP items. */
export function isGaItem(item: unknown): boolean {
  if (!isObj(item)) return false;
  if (
    !optStr(item.id) ||
    (item.object !== undefined && item.object !== 'realtime.item') ||
    !ITEM_STATUS.has(item.status)
  )
    return false;
  switch (item.type) {
    case 'message':
      switch (item.role) {
        case 'assistant':
          return every(item.content, isAssistantPart);
        case 'user':
          return every(item.content, isUserPart);
        case 'system':
          return every(item.content, isSystemPart);
        default:
          return false;
      }
    case 'function_call':
      return (
        optStr(item.call_id) && typeof item.name === 'string' && typeof item.arguments === 'string'
      );
    case 'function_call_output':
      return typeof item.call_id === 'string' && typeof item.output === 'string';
    default:
      return false; // MCP items (rare) go to the schema
  }
}

const RESPONSE_STATUS: ReadonlySet<unknown> = new Set([
  undefined,
  'in_progress',
  'completed',
  'cancelled',
  'failed',
  'incomplete',
]);
const DETAILS_TYPE: ReadonlySet<unknown> = new Set([
  undefined,
  'completed',
  'cancelled',
  'incomplete',
  'failed',
]);
const DETAILS_REASON: ReadonlySet<unknown> = new Set([
  undefined,
  null,
  'turn_detected',
  'client_cancelled',
  'max_output_tokens',
  'content_filter',
]);
const isModality = (m: unknown): boolean => m === 'text' || m === 'audio';

const isStatusDetails = (d: unknown): boolean =>
  isObj(d) &&
  DETAILS_TYPE.has(d.type) &&
  DETAILS_REASON.has(d.reason) &&
  (d.error === undefined ||
    d.error === null ||
    (isObj(d.error) && nullishStr(d.error.type) && nullishStr(d.error.code)));

/** `AudioFormatSchema`: PCM (type and rate optional), G.711 µ-law or A-law. */
const isAudioFormat = (f: unknown): boolean =>
  isObj(f) &&
  (f.type === 'audio/pcmu' ||
    f.type === 'audio/pcma' ||
    ((f.type === undefined || f.type === 'audio/pcm') &&
      (f.rate === undefined || f.rate === 24000)));
/** `GaVoiceSchema`: any name (open enum) or a custom voice `{id}`. */
const isVoice = (x: unknown): boolean =>
  typeof x === 'string' || (isObj(x) && typeof x.id === 'string');
const isResponseAudio = (a: unknown): boolean => {
  if (!isObj(a)) return false;
  const out = a.output;
  if (out === undefined) return true;
  return (
    isObj(out) &&
    (out.format === undefined || isAudioFormat(out.format)) &&
    (out.voice === undefined || isVoice(out.voice))
  );
};

/** `MetadataSchema`'s record, minus the keys valibot skips (`__proto__`, `constructor`, …). */
const isStringRecord = (m: unknown): boolean => {
  if (!isObj(m)) return false;
  for (const key of Object.keys(m)) if (typeof m[key] !== 'string') return false;
  return true;
};

const isUsage = (u: unknown): boolean => {
  if (!isObj(u)) return false;
  if (!optNum(u.total_tokens) || !optNum(u.input_tokens) || !optNum(u.output_tokens)) return false;
  const inDetails = u.input_token_details;
  if (inDetails !== undefined) {
    if (
      !isObj(inDetails) ||
      !optNum(inDetails.cached_tokens) ||
      !optNum(inDetails.text_tokens) ||
      !optNum(inDetails.audio_tokens) ||
      !optNum(inDetails.image_tokens)
    )
      return false;
    const cached = inDetails.cached_tokens_details;
    if (
      cached !== undefined &&
      cached !== null &&
      !(
        isObj(cached) &&
        optNum(cached.text_tokens) &&
        optNum(cached.audio_tokens) &&
        optNum(cached.image_tokens)
      )
    )
      return false;
  }
  const outDetails = u.output_token_details;
  return (
    outDetails === undefined ||
    (isObj(outDetails) && optNum(outDetails.text_tokens) && optNum(outDetails.audio_tokens))
  );
};

/** `ResponseResourceSchema`, with every output item checked by {@link isGaItem}. */
export function isGaResponse(r: unknown): boolean {
  return (
    isObj(r) &&
    optStr(r.id) &&
    (r.object === undefined || r.object === 'realtime.response') &&
    RESPONSE_STATUS.has(r.status) &&
    (r.status_details === undefined ||
      r.status_details === null ||
      isStatusDetails(r.status_details)) &&
    (r.output === undefined || every(r.output, isGaItem)) &&
    nullishStr(r.conversation_id) &&
    (r.output_modalities === undefined || every(r.output_modalities, isModality)) &&
    (r.max_output_tokens === undefined ||
      r.max_output_tokens === 'inf' ||
      Number.isInteger(r.max_output_tokens)) &&
    (r.audio === undefined || r.audio === null || isResponseAudio(r.audio)) &&
    (r.metadata === undefined || r.metadata === null || isStringRecord(r.metadata)) &&
    (r.usage === undefined || r.usage === null || isUsage(r.usage))
  );
}

/** `response.created` / `response.done`: `{event_id, response}`. */
export const isResponseEvent: FastCheck = (o) =>
  typeof o.event_id === 'string' && isGaResponse(o.response);

/** `response.output_item.added/done`: `{event_id, response_id, output_index, item}`. */
export const isOutputItemEvent: FastCheck = (o) =>
  typeof o.event_id === 'string' &&
  typeof o.response_id === 'string' &&
  Number.isInteger(o.output_index) &&
  isGaItem(o.item);

/** `conversation.item.added/created/done`: `{event_id, previous_item_id?, item}`. */
export const isItemEvent: FastCheck = (o) =>
  typeof o.event_id === 'string' && nullishStr(o.previous_item_id) && isGaItem(o.item);

/** `response.function_call_arguments.done`: `{event_id, response_id, item_id, output_index, call_id, name, arguments}`. */
export const isFunctionArgumentsDone: FastCheck = (o) =>
  typeof o.event_id === 'string' &&
  typeof o.response_id === 'string' &&
  typeof o.item_id === 'string' &&
  Number.isInteger(o.output_index) &&
  typeof o.call_id === 'string' &&
  typeof o.name === 'string' &&
  typeof o.arguments === 'string';
