/**
 * The fields the real server knows in each client event, and the search for the first one it
 * does not. The schemas of `@voxwire/protocol` are loose (they drop unknown keys), so the fake
 * checks the raw frame before decoding, as the server answers an unknown field with
 * `unknown_parameter` and the dotted path (protocol.md §7.10) and does not act on the event.
 * @module
 */
import type { Dialect } from '@voxwire/protocol';
import { isObject, type JsonObject } from './wire.js';

/** A field whose value is not checked further (free-form, or a scalar). */
export const KNOWN = true;

/**
 * The known fields of a value that is one of a union's forms, told apart by its content (a tool
 * by its `type`, a turn detection by its `type`): the tree of the form the value is.
 */
export type KeyPick = (value: JsonObject) => KeyTree;

/**
 * The known fields of an object: each maps to {@link KNOWN}, to the known fields of its value,
 * or to a {@link KeyPick} that chooses them by the value. A tree (or pick) also applies to each
 * element of an array value (`item.content[0].text`, `session.tools[0].bogus`).
 */
export type KeyTree = { readonly [key: string]: typeof KNOWN | KeyTree | KeyPick };

/**
 * The first key of `obj` (depth first, in the object's order) that `tree` does not know, as a
 * dotted path under `path` (`session.bogus`, `item.content[0].bogus`; a bare `bogus` when
 * `path` is empty).
 */
export function findUnknownKey(obj: JsonObject, tree: KeyTree, path: string): string | undefined {
  for (const [key, value] of Object.entries(obj)) {
    const node = tree[key];
    const at = path ? `${path}.${key}` : key;
    if (node === undefined) return at;
    if (node === KNOWN) continue;
    const treeOf = (v: JsonObject) => (typeof node === 'function' ? node(v) : node);
    if (isObject(value)) {
      const nested = findUnknownKey(value, treeOf(value), at);
      if (nested) return nested;
    } else if (Array.isArray(value)) {
      for (const [i, element] of value.entries()) {
        if (!isObject(element)) continue;
        const nested = findUnknownKey(element, treeOf(element), `${at}[${i}]`);
        if (nested) return nested;
      }
    }
  }
  return undefined;
}

// Items are a union discriminated on `type` (protocol.md Appendix A/B); the fake knows the union
// of their fields rather than each kind's own, so it never refuses a field the server may take.
const GA_CONTENT_KEYS: KeyTree = {
  type: KNOWN,
  text: KNOWN,
  audio: KNOWN,
  transcript: KNOWN,
  image_url: KNOWN,
  detail: KNOWN,
  id: KNOWN,
};
const GA_ITEM_KEYS: KeyTree = {
  id: KNOWN,
  type: KNOWN,
  object: KNOWN,
  status: KNOWN,
  role: KNOWN,
  content: GA_CONTENT_KEYS,
  arguments: KNOWN,
  call_id: KNOWN,
  name: KNOWN,
  output: KNOWN,
  // MCP items
  server_label: KNOWN,
  approval_request_id: KNOWN,
  approve: KNOWN,
  reason: KNOWN,
  tools: KNOWN,
  error: KNOWN,
};
// beta `ConversationItem` / `ConversationItemWithReference` (Appendix B)
const BETA_CONTENT_KEYS: KeyTree = {
  type: KNOWN,
  text: KNOWN,
  audio: KNOWN,
  transcript: KNOWN,
  id: KNOWN,
};
const BETA_ITEM_KEYS: KeyTree = {
  id: KNOWN,
  type: KNOWN,
  object: KNOWN,
  status: KNOWN,
  role: KNOWN,
  content: BETA_CONTENT_KEYS,
  arguments: KNOWN,
  call_id: KNOWN,
  name: KNOWN,
  output: KNOWN,
};
const FORMAT_KEYS: KeyTree = { type: KNOWN, rate: KNOWN };

// `RealtimeFunctionTool` (Appendix C): every field optional, `type` too
const FUNCTION_TOOL_KEYS: KeyTree = {
  type: KNOWN,
  name: KNOWN,
  description: KNOWN,
  parameters: KNOWN,
};
// `MCPTool` (Appendix C); its filters and headers are free-form enough not to be descended into
const MCP_TOOL_KEYS: KeyTree = {
  type: KNOWN,
  server_label: KNOWN,
  server_url: KNOWN,
  connector_id: KNOWN,
  tunnel_id: KNOWN,
  authorization: KNOWN,
  server_description: KNOWN,
  headers: KNOWN,
  allowed_tools: KNOWN,
  allowed_callers: KNOWN,
  require_approval: KNOWN,
  defer_loading: KNOWN,
};
/**
 * The known fields of one GA tool: an MCP tool's, else a function tool's (`type` is optional on
 * a function tool), so `session.tools[0].bogus` is an `unknown_parameter` as any other field is.
 */
export const GA_TOOL_KEYS: KeyPick = (tool) =>
  tool['type'] === 'mcp' ? MCP_TOOL_KEYS : FUNCTION_TOOL_KEYS;
/** The known fields of one beta tool (`Session.Tool`, Appendix B: function tools only). */
export const BETA_TOOL_KEYS: KeyTree = FUNCTION_TOOL_KEYS;
/** `RealtimeReasoning` (Appendix A): `{ effort? }`. */
export const REASONING_KEYS: KeyTree = { effort: KNOWN };
// `RealtimeResponseCreateParams` (Appendix A); metadata, prompt and tool_choice hold free-form
// or union-shaped values and are not descended into
const GA_RESPONSE_KEYS: KeyTree = {
  audio: { output: { format: FORMAT_KEYS, voice: KNOWN } },
  conversation: KNOWN,
  input: GA_ITEM_KEYS,
  instructions: KNOWN,
  max_output_tokens: KNOWN,
  metadata: KNOWN,
  output_modalities: KNOWN,
  parallel_tool_calls: KNOWN,
  prompt: KNOWN,
  reasoning: REASONING_KEYS,
  tool_choice: KNOWN,
  tools: GA_TOOL_KEYS,
};
// beta `ResponseCreateEvent.Response` (Appendix B)
const BETA_RESPONSE_KEYS: KeyTree = {
  conversation: KNOWN,
  input: BETA_ITEM_KEYS,
  instructions: KNOWN,
  max_response_output_tokens: KNOWN,
  metadata: KNOWN,
  modalities: KNOWN,
  output_audio_format: KNOWN,
  temperature: KNOWN,
  tool_choice: KNOWN,
  tools: BETA_TOOL_KEYS,
  voice: KNOWN,
};

/**
 * The known top-level fields of each client event the fake takes, in a dialect (§3). `session`
 * is checked by session-keys, against the tree of the session's type.
 */
export function clientEventKeys(dialect: Dialect): ReadonlyMap<string, KeyTree> {
  return dialect === 'ga' ? GA_EVENT_KEYS : BETA_EVENT_KEYS;
}

function eventKeys(item: KeyTree, response: KeyTree): ReadonlyMap<string, KeyTree> {
  const base = { type: KNOWN, event_id: KNOWN } as const;
  return new Map<string, KeyTree>([
    ['session.update', { ...base, session: KNOWN }],
    ['input_audio_buffer.append', { ...base, audio: KNOWN }],
    ['input_audio_buffer.commit', base],
    ['input_audio_buffer.clear', base],
    ['conversation.item.create', { ...base, previous_item_id: KNOWN, item }],
    ['conversation.item.retrieve', { ...base, item_id: KNOWN }],
    ['conversation.item.delete', { ...base, item_id: KNOWN }],
    [
      'conversation.item.truncate',
      { ...base, item_id: KNOWN, content_index: KNOWN, audio_end_ms: KNOWN },
    ],
    ['response.create', { ...base, response }],
    ['response.cancel', { ...base, response_id: KNOWN }],
  ]);
}

const GA_EVENT_KEYS = new Map([
  ...eventKeys(GA_ITEM_KEYS, GA_RESPONSE_KEYS),
  // GA only: the live server lists it (protocol.md §7.9); the beta dialect has no such event
  ['session.close', { type: KNOWN, event_id: KNOWN }],
]);
const BETA_EVENT_KEYS = eventKeys(BETA_ITEM_KEYS, BETA_RESPONSE_KEYS);
