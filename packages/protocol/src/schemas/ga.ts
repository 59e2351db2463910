/**
 * GA event schemas (the normalized model of voxwire): 11 client and 46 server events, exactly
 * the members of the `openai` package's `RealtimeClientEvent` / `RealtimeServerEvent` unions.
 * @module
 */
import * as v from 'valibot';
import { ConversationItemSchema } from './ga-items.js';
import { ResponseCreateParamsSchema, ResponseResourceSchema } from './ga-response.js';
import { AnySessionResourceSchema, SessionUpdateParamsSchema } from './ga-session.js';
import { eventSchemaRecord, type EventSchemaRecord } from './record.js';
import {
  ClientEventId,
  ConversationCreatedSchema,
  ConversationItemDeleteSchema,
  ConversationItemDeletedSchema,
  ConversationItemRetrieveSchema,
  ConversationItemTruncateSchema,
  ConversationItemTruncatedSchema,
  ErrorEventSchema,
  EventId,
  FunctionCallArgumentsDeltaSchema,
  InputAudioBufferAppendSchema,
  InputAudioBufferClearSchema,
  InputAudioBufferClearedSchema,
  InputAudioBufferCommitSchema,
  InputAudioBufferCommittedSchema,
  InputTranscriptionDeltaSchema,
  InputTranscriptionFailedSchema,
  InputTranscriptionSegmentSchema,
  Int,
  LogProbSchema,
  McpCallArgumentsDeltaSchema,
  McpCallArgumentsDoneSchema,
  McpCallCompletedSchema,
  McpCallFailedSchema,
  McpCallInProgressSchema,
  McpListToolsCompletedSchema,
  McpListToolsFailedSchema,
  McpListToolsInProgressSchema,
  OutputAudioBufferClearSchema,
  OutputAudioBufferClearedSchema,
  OutputAudioBufferStartedSchema,
  OutputAudioBufferStoppedSchema,
  RateLimitsUpdatedSchema,
  ResponseCancelSchema,
  SpeechStartedSchema,
  SpeechStoppedSchema,
  TimeoutTriggeredSchema,
  TranscriptionUsageSchema,
  audioDoneEvent,
  contentPartEvent,
  deltaEvent,
  textDoneEvent,
  transcriptDoneEvent,
} from './shared.js';

// ---- client events ----

/** `session.update` (GA: `session.type` is required). */
export const SessionUpdateSchema = v.object({
  type: v.literal('session.update'),
  event_id: ClientEventId,
  session: SessionUpdateParamsSchema,
});
/** `conversation.item.create`. */
export const ConversationItemCreateSchema = v.object({
  type: v.literal('conversation.item.create'),
  event_id: ClientEventId,
  previous_item_id: v.nullish(v.string()),
  item: ConversationItemSchema,
});
/** `response.create`. */
export const ResponseCreateSchema = v.object({
  type: v.literal('response.create'),
  event_id: ClientEventId,
  response: v.optional(ResponseCreateParamsSchema),
});

const clientList = [
  ConversationItemCreateSchema,
  ConversationItemDeleteSchema,
  ConversationItemRetrieveSchema,
  ConversationItemTruncateSchema,
  InputAudioBufferAppendSchema,
  InputAudioBufferClearSchema,
  OutputAudioBufferClearSchema,
  InputAudioBufferCommitSchema,
  ResponseCancelSchema,
  ResponseCreateSchema,
  SessionUpdateSchema,
] as const;

// ---- server events ----

const itemEvent = <T extends string>(type: T) =>
  v.object({
    type: v.literal(type),
    event_id: EventId,
    previous_item_id: v.nullish(v.string()),
    item: ConversationItemSchema,
  });
const sessionEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), event_id: EventId, session: AnySessionResourceSchema });
const responseEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), event_id: EventId, response: ResponseResourceSchema });
const outputItemEvent = <T extends string>(type: T) =>
  v.object({
    type: v.literal(type),
    event_id: EventId,
    response_id: v.string(),
    output_index: Int,
    item: ConversationItemSchema,
  });

/** `response.output_audio.delta` (hot path: see codec/fast-path.ts). */
export const OutputAudioDeltaSchema = deltaEvent('response.output_audio.delta');
/** `response.output_audio_transcript.delta` (hot path). */
export const OutputAudioTranscriptDeltaSchema = deltaEvent(
  'response.output_audio_transcript.delta',
);
/** `response.output_text.delta` (hot path). */
export const OutputTextDeltaSchema = deltaEvent('response.output_text.delta');

/**
 * `conversation.item.input_audio_transcription.completed`. `usage` is required by the GA spec
 * but optional here: Azure preview servers (beta dialect) omit it, and the beta codec maps onto
 * this schema.
 */
export const InputTranscriptionCompletedSchema = v.object({
  type: v.literal('conversation.item.input_audio_transcription.completed'),
  event_id: EventId,
  item_id: v.string(),
  content_index: Int,
  transcript: v.string(),
  usage: v.nullish(TranscriptionUsageSchema),
  languages: v.nullish(v.array(v.unknown())),
  logprobs: v.nullish(v.array(LogProbSchema)),
});

/** `response.function_call_arguments.done` (GA adds `name`). */
export const FunctionCallArgumentsDoneSchema = v.object({
  type: v.literal('response.function_call_arguments.done'),
  event_id: EventId,
  response_id: v.string(),
  item_id: v.string(),
  output_index: Int,
  call_id: v.string(),
  name: v.string(),
  arguments: v.string(),
});

/** `input_audio_buffer.dtmf_event_received` (SIP; the only server event without `event_id`). */
export const DtmfEventReceivedSchema = v.object({
  type: v.literal('input_audio_buffer.dtmf_event_received'),
  event_id: v.optional(EventId),
  event: v.string(),
  received_at: v.number(),
});

const serverList = [
  ConversationCreatedSchema,
  itemEvent('conversation.item.added'),
  itemEvent('conversation.item.created'),
  ConversationItemDeletedSchema,
  itemEvent('conversation.item.done'),
  InputTranscriptionCompletedSchema,
  InputTranscriptionDeltaSchema,
  InputTranscriptionFailedSchema,
  InputTranscriptionSegmentSchema,
  v.object({
    type: v.literal('conversation.item.retrieved'),
    event_id: EventId,
    item: ConversationItemSchema,
  }),
  ConversationItemTruncatedSchema,
  ErrorEventSchema,
  InputAudioBufferClearedSchema,
  InputAudioBufferCommittedSchema,
  DtmfEventReceivedSchema,
  SpeechStartedSchema,
  SpeechStoppedSchema,
  TimeoutTriggeredSchema,
  McpListToolsCompletedSchema,
  McpListToolsFailedSchema,
  McpListToolsInProgressSchema,
  OutputAudioBufferClearedSchema,
  OutputAudioBufferStartedSchema,
  OutputAudioBufferStoppedSchema,
  RateLimitsUpdatedSchema,
  contentPartEvent('response.content_part.added'),
  contentPartEvent('response.content_part.done'),
  responseEvent('response.created'),
  responseEvent('response.done'),
  FunctionCallArgumentsDeltaSchema,
  FunctionCallArgumentsDoneSchema,
  McpCallCompletedSchema,
  McpCallFailedSchema,
  McpCallInProgressSchema,
  McpCallArgumentsDeltaSchema,
  McpCallArgumentsDoneSchema,
  OutputAudioDeltaSchema,
  audioDoneEvent('response.output_audio.done'),
  OutputAudioTranscriptDeltaSchema,
  transcriptDoneEvent('response.output_audio_transcript.done'),
  outputItemEvent('response.output_item.added'),
  outputItemEvent('response.output_item.done'),
  OutputTextDeltaSchema,
  textDoneEvent('response.output_text.done'),
  sessionEvent('session.created'),
  sessionEvent('session.updated'),
] as const;

/** Every GA server event, discriminated by `type`. */
export const ServerEventSchema: v.VariantSchema<'type', typeof serverList, undefined> = v.variant(
  'type',
  serverList,
);
/** Every GA client event, discriminated by `type`. */
export const ClientEventSchema: v.VariantSchema<'type', typeof clientList, undefined> = v.variant(
  'type',
  clientList,
);
/** GA server event schemas by `type` (decoders look schemas up here, never scan the union). */
export const serverEventSchemas: EventSchemaRecord<typeof serverList> =
  eventSchemaRecord(serverList);
/** GA client event schemas by `type`. */
export const clientEventSchemas: EventSchemaRecord<typeof clientList> =
  eventSchemaRecord(clientList);

/** A GA server event (46 kinds). */
export type ServerEvent = v.InferOutput<typeof ServerEventSchema>;
/** The `type` of a GA server event. */
export type ServerEventType = ServerEvent['type'];
/** The GA server event with the given `type`. */
export type ServerEventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;
/** A GA client event (11 kinds). */
export type ClientEvent = v.InferOutput<typeof ClientEventSchema>;
/** The `type` of a GA client event. */
export type ClientEventType = ClientEvent['type'];
/** The GA client event with the given `type`. */
export type ClientEventOf<T extends ClientEventType> = Extract<ClientEvent, { type: T }>;
