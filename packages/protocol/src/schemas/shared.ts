/**
 * Schemas shared by both dialects: primitives, errors, rate limits, usage, and the events whose
 * wire shape is identical in beta and GA (protocol.md §8).
 *
 * Convention for every schema in this package: `v.object` (types stay exact, so a typo in a
 * client event is a compile error) and never a transform or a default. Decoding validates with
 * these schemas but hands back the parsed JSON itself, so unknown keys such as `obfuscation` or
 * fields the API adds tomorrow pass through untouched (see codec/decode.ts). Optional fields that
 * captures show as `null` use `v.nullish`.
 * @module
 */
import * as v from 'valibot';

/** An integer (JSON number without a fraction). */
export const Int = v.pipe(v.number(), v.integer());
/** Server event id (`event_…`), required on server events. */
export const EventId = v.string();
/** Client event id: optional, at most 512 characters (GA spec). */
export const ClientEventId = v.optional(v.pipe(v.string(), v.maxLength(512)));

/** `max_output_tokens` / `max_response_output_tokens`: an integer or `"inf"`. */
export const MaxTokensSchema = v.union([Int, v.literal('inf')]);
/** An output-token limit: an integer (1–4096) or `"inf"`. */
export type MaxTokens = v.InferOutput<typeof MaxTokensSchema>;

/** Output modality. */
export const ModalitySchema = v.picklist(['text', 'audio']);
/** `"text"` or `"audio"`. */
export type Modality = v.InferOutput<typeof ModalitySchema>;

/** Request metadata: string → string map, or null. */
export const MetadataSchema = v.nullish(v.record(v.string(), v.string()));

/** Noise reduction `{type: near_field | far_field}` (`null` turns it off). */
export const NoiseReductionSchema = v.object({
  type: v.optional(v.picklist(['near_field', 'far_field'])),
});
/** Input noise reduction settings. */
export type NoiseReduction = v.InferOutput<typeof NoiseReductionSchema>;

/** Tracing: `"auto"` or a configuration object. */
export const TracingSchema = v.union([
  v.literal('auto'),
  v.object({
    workflow_name: v.optional(v.string()),
    group_id: v.optional(v.string()),
    metadata: v.optional(v.unknown()),
  }),
]);

/** A function tool. Every field is optional on the wire. */
export const FunctionToolSchema = v.object({
  type: v.optional(v.literal('function')),
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  parameters: v.optional(v.unknown()),
});
/** A function tool (`{type:'function', name, description, parameters}`). */
export type FunctionTool = v.InferOutput<typeof FunctionToolSchema>;

/** One token log-probability (transcription with `include: ['item.input_audio_transcription.logprobs']`). */
export const LogProbSchema = v.object({
  token: v.string(),
  logprob: v.number(),
  bytes: v.array(Int),
});

/** The `error` object of an `error` event. */
export const ServerErrorDetailsSchema = v.object({
  type: v.string(),
  code: v.nullish(v.string()),
  message: v.string(),
  param: v.nullish(v.string()),
  event_id: v.nullish(v.string()),
});
/** The server's error details, verbatim: `{type, code?, message, param?, event_id?}`. */
export type ServerErrorDetails = v.InferOutput<typeof ServerErrorDetailsSchema>;

/** One entry of `rate_limits.updated`. */
export const RateLimitSchema = v.object({
  name: v.optional(v.picklist(['requests', 'tokens'])),
  limit: v.optional(v.number()),
  remaining: v.optional(v.number()),
  reset_seconds: v.optional(v.number()),
});
/** A rate limit (`requests` or `tokens`) with its remaining budget. */
export type RateLimit = v.InferOutput<typeof RateLimitSchema>;

/** `conversation.item.input_audio_transcription.completed.usage`: tokens or duration. */
export const TranscriptionUsageSchema = v.variant('type', [
  v.object({
    type: v.literal('tokens'),
    input_tokens: v.number(),
    output_tokens: v.number(),
    total_tokens: v.number(),
    input_token_details: v.optional(
      v.object({ audio_tokens: v.optional(v.number()), text_tokens: v.optional(v.number()) }),
    ),
  }),
  v.object({ type: v.literal('duration'), seconds: v.number() }),
]);
/** Usage of one input transcription: `{type:'tokens', …}` or `{type:'duration', seconds}`. */
export type TranscriptionUsage = v.InferOutput<typeof TranscriptionUsageSchema>;

/** The `error` of `…input_audio_transcription.failed` (every field optional). */
export const TranscriptionErrorSchema = v.object({
  type: v.nullish(v.string()),
  code: v.nullish(v.string()),
  message: v.nullish(v.string()),
  param: v.nullish(v.string()),
});

/** `response.status_details`. */
export const ResponseStatusDetailsSchema = v.object({
  type: v.optional(v.picklist(['completed', 'cancelled', 'incomplete', 'failed'])),
  reason: v.nullish(
    v.picklist(['turn_detected', 'client_cancelled', 'max_output_tokens', 'content_filter']),
  ),
  error: v.nullish(v.object({ type: v.nullish(v.string()), code: v.nullish(v.string()) })),
});
/** Why a response ended: `{type, reason?, error?}`. */
export type ResponseStatusDetails = v.InferOutput<typeof ResponseStatusDetailsSchema>;

/** `response.status`. */
export const ResponseStatusSchema = v.picklist([
  'in_progress',
  'completed',
  'cancelled',
  'failed',
  'incomplete',
]);
/** The status of a response. */
export type ResponseStatus = v.InferOutput<typeof ResponseStatusSchema>;

const TokenCount = v.optional(v.number());
/** `response.usage` (both dialects; GA adds image tokens and cached details). */
export const ResponseUsageSchema = v.object({
  total_tokens: TokenCount,
  input_tokens: TokenCount,
  output_tokens: TokenCount,
  input_token_details: v.optional(
    v.object({
      cached_tokens: TokenCount,
      text_tokens: TokenCount,
      audio_tokens: TokenCount,
      image_tokens: TokenCount,
      cached_tokens_details: v.nullish(
        v.object({ text_tokens: TokenCount, audio_tokens: TokenCount, image_tokens: TokenCount }),
      ),
    }),
  ),
  output_token_details: v.optional(v.object({ text_tokens: TokenCount, audio_tokens: TokenCount })),
});
/** Token usage of a response. */
export type ResponseUsage = v.InferOutput<typeof ResponseUsageSchema>;

/** `conversation.created.conversation`. */
export const ConversationResourceSchema = v.object({
  id: v.optional(v.string()),
  object: v.optional(v.literal('realtime.conversation')),
});

// ---- events identical in both dialects (client) ----

/** `conversation.item.delete`. */
export const ConversationItemDeleteSchema = v.object({
  type: v.literal('conversation.item.delete'),
  event_id: ClientEventId,
  item_id: v.string(),
});
/** `conversation.item.retrieve`. */
export const ConversationItemRetrieveSchema = v.object({
  type: v.literal('conversation.item.retrieve'),
  event_id: ClientEventId,
  item_id: v.string(),
});
/** `conversation.item.truncate`. */
export const ConversationItemTruncateSchema = v.object({
  type: v.literal('conversation.item.truncate'),
  event_id: ClientEventId,
  item_id: v.string(),
  content_index: Int,
  audio_end_ms: Int,
});
/** `input_audio_buffer.append` (base64 audio). */
export const InputAudioBufferAppendSchema = v.object({
  type: v.literal('input_audio_buffer.append'),
  event_id: ClientEventId,
  audio: v.string(),
});
/** `input_audio_buffer.clear`. */
export const InputAudioBufferClearSchema = v.object({
  type: v.literal('input_audio_buffer.clear'),
  event_id: ClientEventId,
});
/** `input_audio_buffer.commit`. */
export const InputAudioBufferCommitSchema = v.object({
  type: v.literal('input_audio_buffer.commit'),
  event_id: ClientEventId,
});
/** `output_audio_buffer.clear` (WebRTC/SIP). */
export const OutputAudioBufferClearSchema = v.object({
  type: v.literal('output_audio_buffer.clear'),
  event_id: ClientEventId,
});
/** `response.cancel`. */
export const ResponseCancelSchema = v.object({
  type: v.literal('response.cancel'),
  event_id: ClientEventId,
  response_id: v.optional(v.string()),
});

// ---- events identical in both dialects (server) ----

/** `conversation.created`. */
export const ConversationCreatedSchema = v.object({
  type: v.literal('conversation.created'),
  event_id: EventId,
  conversation: ConversationResourceSchema,
});
/** `conversation.item.deleted`. */
export const ConversationItemDeletedSchema = v.object({
  type: v.literal('conversation.item.deleted'),
  event_id: EventId,
  item_id: v.string(),
});
/** `conversation.item.truncated`. */
export const ConversationItemTruncatedSchema = v.object({
  type: v.literal('conversation.item.truncated'),
  event_id: EventId,
  item_id: v.string(),
  content_index: Int,
  audio_end_ms: Int,
});
/** `conversation.item.input_audio_transcription.delta`. */
export const InputTranscriptionDeltaSchema = v.object({
  type: v.literal('conversation.item.input_audio_transcription.delta'),
  event_id: EventId,
  item_id: v.string(),
  content_index: v.optional(Int),
  delta: v.optional(v.string()),
  logprobs: v.nullish(v.array(LogProbSchema)),
  obfuscation: v.nullish(v.string()),
});
/** `conversation.item.input_audio_transcription.failed`. */
export const InputTranscriptionFailedSchema = v.object({
  type: v.literal('conversation.item.input_audio_transcription.failed'),
  event_id: EventId,
  item_id: v.string(),
  content_index: Int,
  error: TranscriptionErrorSchema,
});
/** `conversation.item.input_audio_transcription.segment` (diarization). */
export const InputTranscriptionSegmentSchema = v.object({
  type: v.literal('conversation.item.input_audio_transcription.segment'),
  event_id: EventId,
  item_id: v.string(),
  content_index: Int,
  id: v.string(),
  text: v.string(),
  speaker: v.string(),
  start: v.number(),
  end: v.number(),
});
/** `error`. */
export const ErrorEventSchema = v.object({
  type: v.literal('error'),
  event_id: EventId,
  error: ServerErrorDetailsSchema,
});
/** `input_audio_buffer.cleared`. */
export const InputAudioBufferClearedSchema = v.object({
  type: v.literal('input_audio_buffer.cleared'),
  event_id: EventId,
});
/** `input_audio_buffer.committed`. */
export const InputAudioBufferCommittedSchema = v.object({
  type: v.literal('input_audio_buffer.committed'),
  event_id: EventId,
  item_id: v.string(),
  previous_item_id: v.nullish(v.string()),
});
/** `input_audio_buffer.speech_started`. */
export const SpeechStartedSchema = v.object({
  type: v.literal('input_audio_buffer.speech_started'),
  event_id: EventId,
  item_id: v.string(),
  audio_start_ms: Int,
});
/** `input_audio_buffer.speech_stopped`. */
export const SpeechStoppedSchema = v.object({
  type: v.literal('input_audio_buffer.speech_stopped'),
  event_id: EventId,
  item_id: v.string(),
  audio_end_ms: Int,
});
/** `input_audio_buffer.timeout_triggered` (idle timeout of server VAD). */
export const TimeoutTriggeredSchema = v.object({
  type: v.literal('input_audio_buffer.timeout_triggered'),
  event_id: EventId,
  item_id: v.string(),
  audio_start_ms: Int,
  audio_end_ms: Int,
});

const mcpListTools = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), event_id: EventId, item_id: v.string() });
/** `mcp_list_tools.in_progress`. */
export const McpListToolsInProgressSchema = mcpListTools('mcp_list_tools.in_progress');
/** `mcp_list_tools.completed`. */
export const McpListToolsCompletedSchema = mcpListTools('mcp_list_tools.completed');
/** `mcp_list_tools.failed`. */
export const McpListToolsFailedSchema = mcpListTools('mcp_list_tools.failed');

const outputAudioBuffer = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), event_id: EventId, response_id: v.string() });
/** `output_audio_buffer.started` (WebRTC/SIP). */
export const OutputAudioBufferStartedSchema = outputAudioBuffer('output_audio_buffer.started');
/** `output_audio_buffer.stopped` (WebRTC/SIP). */
export const OutputAudioBufferStoppedSchema = outputAudioBuffer('output_audio_buffer.stopped');
/** `output_audio_buffer.cleared` (WebRTC/SIP). */
export const OutputAudioBufferClearedSchema = outputAudioBuffer('output_audio_buffer.cleared');

/** `rate_limits.updated`. */
export const RateLimitsUpdatedSchema = v.object({
  type: v.literal('rate_limits.updated'),
  event_id: EventId,
  rate_limits: v.array(RateLimitSchema),
});

/** `response.function_call_arguments.delta`. */
export const FunctionCallArgumentsDeltaSchema = v.object({
  type: v.literal('response.function_call_arguments.delta'),
  event_id: EventId,
  response_id: v.string(),
  item_id: v.string(),
  output_index: Int,
  call_id: v.string(),
  delta: v.string(),
  obfuscation: v.nullish(v.string()),
});

const mcpCall = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), event_id: EventId, item_id: v.string(), output_index: Int });
/** `response.mcp_call.in_progress`. */
export const McpCallInProgressSchema = mcpCall('response.mcp_call.in_progress');
/** `response.mcp_call.completed`. */
export const McpCallCompletedSchema = mcpCall('response.mcp_call.completed');
/** `response.mcp_call.failed`. */
export const McpCallFailedSchema = mcpCall('response.mcp_call.failed');
/** `response.mcp_call_arguments.delta`. */
export const McpCallArgumentsDeltaSchema = v.object({
  type: v.literal('response.mcp_call_arguments.delta'),
  event_id: EventId,
  response_id: v.string(),
  item_id: v.string(),
  output_index: Int,
  delta: v.string(),
  obfuscation: v.nullish(v.string()),
});
/** `response.mcp_call_arguments.done`. */
export const McpCallArgumentsDoneSchema = v.object({
  type: v.literal('response.mcp_call_arguments.done'),
  event_id: EventId,
  response_id: v.string(),
  item_id: v.string(),
  output_index: Int,
  arguments: v.string(),
});

/**
 * The streamed content events (text, audio, transcript deltas and dones) share one shape per
 * kind in both dialects; only the `type` differs (beta `response.audio.delta` vs GA
 * `response.output_audio.delta`). These factories keep the two dialects in lockstep.
 */
const contentRef = {
  event_id: EventId,
  response_id: v.string(),
  item_id: v.string(),
  output_index: Int,
  content_index: Int,
};
/** Schema of a streamed delta (`delta` string, optional `obfuscation`) for the given type. */
export const deltaEvent = <T extends string>(type: T) =>
  v.object({
    type: v.literal(type),
    ...contentRef,
    delta: v.string(),
    obfuscation: v.nullish(v.string()),
  });
/** Schema of `*.audio.done` for the given type. */
export const audioDoneEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), ...contentRef });
/** Schema of a text `*.done` (`text`) for the given type. */
export const textDoneEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), ...contentRef, text: v.string() });
/** Schema of a transcript `*.done` (`transcript`) for the given type. */
export const transcriptDoneEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), ...contentRef, transcript: v.string() });

/** The content part of `response.content_part.added/done` (`text`/`audio` in both dialects). */
export const ResponseContentPartSchema = v.object({
  type: v.optional(v.picklist(['text', 'audio', 'output_text', 'output_audio'])),
  text: v.nullish(v.string()),
  audio: v.nullish(v.string()),
  transcript: v.nullish(v.string()),
});
/** A `response.content_part.*` part. */
export type ResponseContentPart = v.InferOutput<typeof ResponseContentPartSchema>;

/** `response.content_part.added` / `.done`. */
export const contentPartEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), ...contentRef, part: ResponseContentPartSchema });
