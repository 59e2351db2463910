/**
 * GA session shapes: audio formats, turn detection, transcription, tools, tool choice, and the
 * realtime / transcription session objects (protocol.md Appendix A and C).
 * @module
 */
import * as v from 'valibot';
import { KNOWN_MODELS, KNOWN_TRANSCRIPTION_MODELS, KNOWN_VOICES } from '../constants.js';
import {
  FunctionToolSchema,
  Int,
  MaxTokensSchema,
  ModalitySchema,
  NoiseReductionSchema,
  TracingSchema,
} from './shared.js';

/**
 * An open enum: the known names for editor completion, any other string accepted. The
 * runtime check is `v.string()` because the server adds names faster than we release.
 */
const openEnum = <const T extends readonly string[]>(_known: T) =>
  v.custom<T[number] | (string & {})>((input) => typeof input === 'string', 'Expected a string');

/** A voice: a known name or any string (open enum). */
export const VoiceNameSchema = openEnum(KNOWN_VOICES);
/** A GA voice: a name, or a custom voice `{id}`. */
export const GaVoiceSchema = v.union([VoiceNameSchema, v.object({ id: v.string() })]);
/** A GA voice: a name, or a custom voice `{id}`. */
export type GaVoice = v.InferOutput<typeof GaVoiceSchema>;
/** A realtime model: a known name or any string. */
export const ModelNameSchema = openEnum(KNOWN_MODELS);
/** A transcription model: a known name or any string. */
export const TranscriptionModelSchema = openEnum(KNOWN_TRANSCRIPTION_MODELS);

/**
 * GA audio format objects. `type` is optional on the wire (defaults to PCM). A variant on `type`
 * rather than a union: a format added to the API later is refused for its `type` alone (and
 * decoding passes it through as an unknown value), whatever fields it has; a union would also
 * hold its fields against every known form (an `audio/opus` with a `rate` of 48000 against
 * PCM's `rate`), and the decoder could not tell a new form from a broken known one.
 */
export const AudioFormatSchema = v.variant('type', [
  v.object({ type: v.optional(v.literal('audio/pcm')), rate: v.optional(v.literal(24000)) }),
  v.object({ type: v.literal('audio/pcmu') }),
  v.object({ type: v.literal('audio/pcma') }),
]);
/** A GA audio format: `{type:'audio/pcm', rate:24000}`, `{type:'audio/pcmu'}` or `{type:'audio/pcma'}`. */
export type AudioFormat = v.InferOutput<typeof AudioFormatSchema>;

/** Server VAD. */
export const ServerVadSchema = v.object({
  type: v.literal('server_vad'),
  threshold: v.optional(v.number()),
  prefix_padding_ms: v.optional(Int),
  silence_duration_ms: v.optional(Int),
  create_response: v.optional(v.boolean()),
  interrupt_response: v.optional(v.boolean()),
  idle_timeout_ms: v.nullish(Int),
});
/** Server VAD settings (`threshold`, `prefix_padding_ms`, `silence_duration_ms`, …). */
export type ServerVad = v.InferOutput<typeof ServerVadSchema>;
/** Semantic VAD. */
export const SemanticVadSchema = v.object({
  type: v.literal('semantic_vad'),
  eagerness: v.optional(v.picklist(['low', 'medium', 'high', 'auto'])),
  create_response: v.optional(v.boolean()),
  interrupt_response: v.optional(v.boolean()),
});
/** Semantic VAD settings (`eagerness`). */
export type SemanticVad = v.InferOutput<typeof SemanticVadSchema>;
/** GA turn detection (null turns it off; see the fields that hold it). */
export const TurnDetectionSchema = v.variant('type', [ServerVadSchema, SemanticVadSchema]);
/** Server or semantic VAD. */
export type TurnDetection = v.InferOutput<typeof TurnDetectionSchema>;

/** Input transcription settings (GA adds `languages`, `keywords`, `delay`). */
export const InputTranscriptionSchema = v.object({
  model: v.optional(TranscriptionModelSchema),
  language: v.nullish(v.string()),
  languages: v.nullish(v.array(v.string())),
  keywords: v.nullish(v.array(v.string())),
  prompt: v.nullish(v.string()),
  delay: v.optional(v.picklist(['minimal', 'low', 'medium', 'high', 'xhigh'])),
});
/** Input transcription settings. */
export type InputTranscription = v.InferOutput<typeof InputTranscriptionSchema>;

const McpFilterSchema = v.object({
  tool_names: v.optional(v.array(v.string())),
  read_only: v.optional(v.boolean()),
});
/** An MCP tool (GA only). */
export const McpToolSchema = v.object({
  type: v.literal('mcp'),
  server_label: v.string(),
  server_url: v.optional(v.string()),
  connector_id: v.optional(v.string()),
  tunnel_id: v.optional(v.string()),
  authorization: v.optional(v.string()),
  server_description: v.optional(v.string()),
  headers: v.nullish(v.record(v.string(), v.string())),
  allowed_tools: v.nullish(v.union([v.array(v.string()), McpFilterSchema])),
  allowed_callers: v.nullish(v.array(v.string())),
  require_approval: v.nullish(
    v.union([
      v.picklist(['always', 'never']),
      v.object({ always: v.optional(McpFilterSchema), never: v.optional(McpFilterSchema) }),
    ]),
  ),
  defer_loading: v.optional(v.boolean()),
});
/** An MCP tool (`{type:'mcp', server_label, server_url | connector_id, …}`). */
export type McpTool = v.InferOutput<typeof McpToolSchema>;
/**
 * A tool: function (type optional on the wire) or MCP. A variant on `type`, so that a tool kind
 * added to the API later is told by its `type` alone, not refused for lacking MCP's
 * `server_label` (see `AudioFormatSchema`).
 */
export const ToolSchema = v.variant('type', [McpToolSchema, FunctionToolSchema]);
/** A function or MCP tool. */
export type Tool = v.InferOutput<typeof ToolSchema>;

/**
 * GA tool choice: a mode, a named function, or an MCP tool. The object forms are a variant on
 * `type` (see `AudioFormatSchema`): a choice of a kind added to the API later (forcing a hosted
 * tool, say) is refused for its `type` alone, so decoding passes it through as an unknown value
 * instead of making the whole `session.updated` a violation.
 */
export const ToolChoiceSchema = v.union([
  v.picklist(['none', 'auto', 'required']),
  v.variant('type', [
    v.object({ type: v.literal('function'), name: v.string() }),
    v.object({ type: v.literal('mcp'), server_label: v.string(), name: v.nullish(v.string()) }),
  ]),
]);
/** `'auto' | 'none' | 'required' | {type:'function', name} | {type:'mcp', server_label, name?}`. */
export type ToolChoice = v.InferOutput<typeof ToolChoiceSchema>;

/** `prompt` reference (stored prompts). */
export const PromptSchema = v.nullish(
  v.object({
    id: v.string(),
    version: v.nullish(v.string()),
    variables: v.nullish(v.record(v.string(), v.unknown())),
  }),
);
/**
 * Truncation of the context window: a mode or a strategy object. The object is a variant on
 * `type`, though it has one form, for the same reason as `ToolChoiceSchema`: a strategy added to
 * the API later is an unknown value when decoding, not a broken retention ratio.
 */
export const TruncationSchema = v.union([
  v.picklist(['auto', 'disabled']),
  v.variant('type', [
    v.object({
      type: v.literal('retention_ratio'),
      retention_ratio: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
      token_limits: v.optional(v.object({ post_instructions: v.optional(Int) })),
    }),
  ]),
]);
/** `include` list (transcription log-probabilities). */
export const IncludeSchema = v.nullish(v.array(v.string()));

/** `audio.input` of a GA session. */
export const AudioInputSchema = v.object({
  format: v.optional(AudioFormatSchema),
  transcription: v.nullish(InputTranscriptionSchema),
  noise_reduction: v.nullish(NoiseReductionSchema),
  turn_detection: v.nullish(TurnDetectionSchema),
});
/** `audio.output` of a GA session. */
export const AudioOutputSchema = v.object({
  format: v.optional(AudioFormatSchema),
  voice: v.optional(GaVoiceSchema),
  speed: v.optional(v.pipe(v.number(), v.minValue(0.25), v.maxValue(1.5))),
});

/** Fields of a GA realtime session (the object of session.update and session.created alike). */
const realtimeSessionEntries = {
  type: v.literal('realtime'),
  id: v.optional(v.string()),
  object: v.optional(v.literal('realtime.session')),
  expires_at: v.optional(v.number()),
  model: v.optional(ModelNameSchema),
  output_modalities: v.optional(v.array(ModalitySchema)),
  instructions: v.optional(v.string()),
  audio: v.optional(
    v.object({ input: v.optional(AudioInputSchema), output: v.optional(AudioOutputSchema) }),
  ),
  include: IncludeSchema,
  tracing: v.nullish(TracingSchema),
  tools: v.optional(v.array(ToolSchema)),
  tool_choice: v.optional(ToolChoiceSchema),
  parallel_tool_calls: v.optional(v.boolean()),
  reasoning: v.nullish(
    v.object({ effort: v.optional(v.picklist(['minimal', 'low', 'medium', 'high', 'xhigh'])) }),
  ),
  max_output_tokens: v.optional(MaxTokensSchema),
  truncation: v.optional(TruncationSchema),
  prompt: PromptSchema,
};

const sessionResourceSchema = v.object(realtimeSessionEntries);
type SessionResourceSchemaType = typeof sessionResourceSchema;
/** The schema type of `SessionResourceSchema` (a named interface keeps the declarations small). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface SessionResourceSchemaT extends SessionResourceSchemaType {}
/** The GA realtime session object as the server echoes it (`session.created/updated`). */
export const SessionResourceSchema: SessionResourceSchemaT = sessionResourceSchema;
/** A GA realtime session (`type:'realtime'`). */
export type SessionResource = v.InferOutput<typeof SessionResourceSchema>;

/** The GA transcription session object (`?intent=transcription`). */
export const TranscriptionSessionResourceSchema = v.object({
  type: v.literal('transcription'),
  id: v.optional(v.string()),
  object: v.optional(v.string()),
  expires_at: v.optional(v.number()),
  audio: v.optional(v.object({ input: v.optional(AudioInputSchema) })),
  include: IncludeSchema,
});
/** A GA transcription session (`type:'transcription'`). */
export type TranscriptionSessionResource = v.InferOutput<typeof TranscriptionSessionResourceSchema>;

/** `session` of `session.created` / `session.updated`. */
export const AnySessionResourceSchema = v.variant('type', [
  SessionResourceSchema,
  TranscriptionSessionResourceSchema,
]);

/**
 * A field only the server sets. The session it echoes has `id`, `object` and `expires_at`; the
 * `session.update` request has none of them (realtime-events.json: `RealtimeSessionCreateRequest`,
 * `RealtimeTranscriptionSessionCreateRequest`), and the server answers an unknown field with
 * `unknown_parameter` (protocol.md §7.2). Refused here, so that a session sent back as it was
 * received fails before sending, with an issue naming `session.id` and so on.
 */
const ServerOnlySchema = v.optional(v.never());
const serverOnlyEntries = {
  id: ServerOnlySchema,
  object: ServerOnlySchema,
  expires_at: ServerOnlySchema,
};

const sessionUpdateParamsSchema = v.variant('type', [
  v.object({
    ...realtimeSessionEntries,
    ...serverOnlyEntries,
    temperature: v.optional(v.number()),
  }),
  v.object({ ...TranscriptionSessionResourceSchema.entries, ...serverOnlyEntries }),
]);
/**
 * The `session` of a GA-model `session.update`: a realtime or transcription session. The realtime
 * form also carries the beta-only `temperature`, which only the beta codec sends (the GA codec
 * drops it: GA has no temperature). The server-only `id`, `object` and `expires_at` of the echoed
 * session are refused.
 */
export const SessionUpdateParamsSchema: SessionUpdateParamsSchemaT = sessionUpdateParamsSchema;
type SessionUpdateParamsSchemaType = typeof sessionUpdateParamsSchema;
/** The schema type of `SessionUpdateParamsSchema`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface SessionUpdateParamsSchemaT extends SessionUpdateParamsSchemaType {}
/** The `session` of `session.update`. `type` is required (`'realtime'` or `'transcription'`). */
export type SessionUpdateParams = v.InferOutput<typeof SessionUpdateParamsSchema>;
