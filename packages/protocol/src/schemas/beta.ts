/**
 * Beta event schemas (`OpenAI-Beta: realtime=v1`, Azure preview): 12 client and 45 server
 * events with the flat beta session and the one loose beta item (protocol.md Appendix B, D).
 * The beta codec maps these onto the GA model; core never sees them.
 * @module
 */
import * as v from 'valibot';
import { BETA_AUDIO_FORMATS } from '../constants.js';
import { ModelNameSchema, TranscriptionModelSchema, VoiceNameSchema } from './ga-session.js';
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
  FunctionToolSchema,
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
  MaxTokensSchema,
  McpCallArgumentsDeltaSchema,
  McpCallArgumentsDoneSchema,
  McpCallCompletedSchema,
  McpCallFailedSchema,
  McpCallInProgressSchema,
  McpListToolsCompletedSchema,
  McpListToolsFailedSchema,
  McpListToolsInProgressSchema,
  MetadataSchema,
  ModalitySchema,
  NoiseReductionSchema,
  OutputAudioBufferClearSchema,
  OutputAudioBufferClearedSchema,
  OutputAudioBufferStartedSchema,
  OutputAudioBufferStoppedSchema,
  RateLimitsUpdatedSchema,
  ResponseCancelSchema,
  ResponseStatusDetailsSchema,
  ResponseStatusSchema,
  ResponseUsageSchema,
  SpeechStartedSchema,
  SpeechStoppedSchema,
  TimeoutTriggeredSchema,
  TracingSchema,
  TranscriptionUsageSchema,
  audioDoneEvent,
  contentPartEvent,
  deltaEvent,
  textDoneEvent,
  transcriptDoneEvent,
} from './shared.js';

/** Beta audio format names. */
export const BetaAudioFormatSchema = v.picklist(BETA_AUDIO_FORMATS);

/** Beta turn detection: one flat object, `type` optional (server VAD by default). */
export const BetaTurnDetectionSchema = v.object({
  type: v.optional(v.picklist(['server_vad', 'semantic_vad'])),
  eagerness: v.optional(v.picklist(['low', 'medium', 'high', 'auto'])),
  threshold: v.optional(v.number()),
  prefix_padding_ms: v.optional(Int),
  silence_duration_ms: v.optional(Int),
  create_response: v.optional(v.boolean()),
  interrupt_response: v.optional(v.boolean()),
  idle_timeout_ms: v.nullish(Int),
});
/** Beta turn detection. */
export type BetaTurnDetection = v.InferOutput<typeof BetaTurnDetectionSchema>;

/** Beta input transcription settings. */
export const BetaInputTranscriptionSchema = v.object({
  model: v.optional(TranscriptionModelSchema),
  language: v.nullish(v.string()),
  prompt: v.nullish(v.string()),
});

/** Beta tool choice: a string mode or function name; objects are tolerated when parsing. */
export const BetaToolChoiceSchema = v.union([
  v.string(),
  v.object({
    type: v.literal('function'),
    name: v.optional(v.string()),
    function: v.optional(v.object({ name: v.string() })),
  }),
]);

const betaSessionEntries = {
  id: v.optional(v.string()),
  object: v.optional(v.string()),
  expires_at: v.optional(v.number()),
  model: v.optional(ModelNameSchema),
  modalities: v.optional(v.array(ModalitySchema)),
  instructions: v.optional(v.string()),
  voice: v.optional(VoiceNameSchema),
  input_audio_format: v.optional(BetaAudioFormatSchema),
  output_audio_format: v.optional(BetaAudioFormatSchema),
  input_audio_transcription: v.nullish(BetaInputTranscriptionSchema),
  input_audio_noise_reduction: v.nullish(NoiseReductionSchema),
  turn_detection: v.nullish(BetaTurnDetectionSchema),
  tools: v.optional(v.array(FunctionToolSchema)),
  tool_choice: v.optional(BetaToolChoiceSchema),
  temperature: v.optional(v.number()),
  max_response_output_tokens: v.optional(MaxTokensSchema),
  speed: v.optional(v.number()),
  tracing: v.nullish(TracingSchema),
  include: v.nullish(v.array(v.string())),
  prompt: v.nullish(v.unknown()),
  client_secret: v.nullish(v.unknown()),
};
const betaSessionResourceSchema = v.object(betaSessionEntries);
type BetaSessionResourceSchemaType = typeof betaSessionResourceSchema;
/** The schema type of `BetaSessionResourceSchema`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface BetaSessionResourceSchemaT extends BetaSessionResourceSchemaType {}
/** The flat beta session (session.update / session.created / session.updated). */
export const BetaSessionResourceSchema: BetaSessionResourceSchemaT = betaSessionResourceSchema;
/** A beta session. */
export type BetaSessionResource = v.InferOutput<typeof BetaSessionResourceSchema>;

/** The beta transcription session (transcription_session.*). */
export const BetaTranscriptionSessionSchema = v.object({
  id: v.optional(v.string()),
  object: v.optional(v.string()),
  expires_at: v.optional(v.number()),
  modalities: v.optional(v.array(ModalitySchema)),
  input_audio_format: v.optional(BetaAudioFormatSchema),
  input_audio_transcription: v.nullish(BetaInputTranscriptionSchema),
  input_audio_noise_reduction: v.nullish(NoiseReductionSchema),
  turn_detection: v.nullish(BetaTurnDetectionSchema),
  include: v.nullish(v.array(v.string())),
  client_secret: v.nullish(v.unknown()),
});
/** A beta transcription session. */
export type BetaTranscriptionSession = v.InferOutput<typeof BetaTranscriptionSessionSchema>;

/** Beta content part (both vocabularies accepted when parsing). */
export const BetaContentPartSchema = v.object({
  type: v.optional(
    v.picklist([
      'input_text',
      'input_audio',
      'input_image',
      'item_reference',
      'text',
      'audio',
      'output_text',
      'output_audio',
    ]),
  ),
  text: v.nullish(v.string()),
  id: v.nullish(v.string()),
  audio: v.nullish(v.string()),
  transcript: v.nullish(v.string()),
});

const betaConversationItemSchema = v.object({
  id: v.optional(v.string()),
  type: v.optional(
    v.picklist(['message', 'function_call', 'function_call_output', 'item_reference']),
  ),
  object: v.optional(v.literal('realtime.item')),
  status: v.optional(v.picklist(['completed', 'incomplete', 'in_progress'])),
  role: v.optional(v.picklist(['user', 'assistant', 'system'])),
  content: v.optional(v.array(BetaContentPartSchema)),
  call_id: v.optional(v.string()),
  name: v.optional(v.string()),
  arguments: v.optional(v.string()),
  output: v.optional(v.string()),
});
type BetaConversationItemSchemaType = typeof betaConversationItemSchema;
/** The schema type of `BetaConversationItemSchema` (a named interface keeps the declarations small). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface BetaConversationItemSchemaT extends BetaConversationItemSchemaType {}
/** The one loose beta item shape. */
export const BetaConversationItemSchema: BetaConversationItemSchemaT = betaConversationItemSchema;
/** A beta conversation item. */
export type BetaConversationItem = v.InferOutput<typeof BetaConversationItemSchema>;

const betaResponseResourceSchema = v.object({
  id: v.optional(v.string()),
  object: v.optional(v.literal('realtime.response')),
  status: v.optional(ResponseStatusSchema),
  status_details: v.nullish(ResponseStatusDetailsSchema),
  output: v.optional(v.array(BetaConversationItemSchema)),
  conversation_id: v.nullish(v.string()),
  metadata: MetadataSchema,
  usage: v.nullish(ResponseUsageSchema),
  modalities: v.optional(v.array(ModalitySchema)),
  voice: v.optional(VoiceNameSchema),
  output_audio_format: v.optional(BetaAudioFormatSchema),
  temperature: v.optional(v.number()),
  max_output_tokens: v.optional(MaxTokensSchema),
});
type BetaResponseResourceSchemaType = typeof betaResponseResourceSchema;
/** The schema type of `BetaResponseResourceSchema`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface BetaResponseResourceSchemaT extends BetaResponseResourceSchemaType {}
/** The beta response object. */
export const BetaResponseResourceSchema: BetaResponseResourceSchemaT = betaResponseResourceSchema;
/** A beta response. */
export type BetaResponseResource = v.InferOutput<typeof BetaResponseResourceSchema>;

/** Beta `response.create.response`. */
export const BetaResponseCreateParamsSchema = v.object({
  modalities: v.optional(v.array(ModalitySchema)),
  instructions: v.optional(v.string()),
  voice: v.optional(VoiceNameSchema),
  output_audio_format: v.optional(BetaAudioFormatSchema),
  tools: v.optional(v.array(FunctionToolSchema)),
  tool_choice: v.optional(BetaToolChoiceSchema),
  temperature: v.optional(v.number()),
  max_response_output_tokens: v.optional(MaxTokensSchema),
  conversation: v.optional(v.string()),
  metadata: MetadataSchema,
  input: v.optional(v.array(BetaConversationItemSchema)),
});
/** Beta response.create parameters. */
export type BetaResponseCreateParams = v.InferOutput<typeof BetaResponseCreateParamsSchema>;

const betaClientList = [
  v.object({
    type: v.literal('conversation.item.create'),
    event_id: ClientEventId,
    previous_item_id: v.nullish(v.string()),
    item: BetaConversationItemSchema,
  }),
  ConversationItemDeleteSchema,
  ConversationItemRetrieveSchema,
  ConversationItemTruncateSchema,
  InputAudioBufferAppendSchema,
  InputAudioBufferClearSchema,
  InputAudioBufferCommitSchema,
  OutputAudioBufferClearSchema,
  ResponseCancelSchema,
  v.object({
    type: v.literal('response.create'),
    event_id: ClientEventId,
    response: v.optional(BetaResponseCreateParamsSchema),
  }),
  v.object({
    type: v.literal('session.update'),
    event_id: ClientEventId,
    session: BetaSessionResourceSchema,
  }),
  v.object({
    type: v.literal('transcription_session.update'),
    event_id: ClientEventId,
    session: BetaTranscriptionSessionSchema,
  }),
] as const;

const itemEvent = <T extends string>(type: T) =>
  v.object({
    type: v.literal(type),
    event_id: EventId,
    previous_item_id: v.nullish(v.string()),
    item: BetaConversationItemSchema,
  });
const responseEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), event_id: EventId, response: BetaResponseResourceSchema });
const outputItemEvent = <T extends string>(type: T) =>
  v.object({
    type: v.literal(type),
    event_id: EventId,
    response_id: v.string(),
    output_index: Int,
    item: BetaConversationItemSchema,
  });

const betaServerList = [
  ConversationCreatedSchema,
  itemEvent('conversation.item.created'),
  ConversationItemDeletedSchema,
  v.object({
    type: v.literal('conversation.item.input_audio_transcription.completed'),
    event_id: EventId,
    item_id: v.string(),
    content_index: Int,
    transcript: v.string(),
    usage: v.nullish(TranscriptionUsageSchema),
    logprobs: v.nullish(v.array(LogProbSchema)),
  }),
  InputTranscriptionDeltaSchema,
  InputTranscriptionFailedSchema,
  InputTranscriptionSegmentSchema,
  v.object({
    type: v.literal('conversation.item.retrieved'),
    event_id: EventId,
    item: BetaConversationItemSchema,
  }),
  ConversationItemTruncatedSchema,
  ErrorEventSchema,
  InputAudioBufferClearedSchema,
  InputAudioBufferCommittedSchema,
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
  deltaEvent('response.audio.delta'),
  audioDoneEvent('response.audio.done'),
  deltaEvent('response.audio_transcript.delta'),
  transcriptDoneEvent('response.audio_transcript.done'),
  contentPartEvent('response.content_part.added'),
  contentPartEvent('response.content_part.done'),
  responseEvent('response.created'),
  responseEvent('response.done'),
  FunctionCallArgumentsDeltaSchema,
  v.object({
    type: v.literal('response.function_call_arguments.done'),
    event_id: EventId,
    response_id: v.string(),
    item_id: v.string(),
    output_index: Int,
    call_id: v.string(),
    name: v.optional(v.string()),
    arguments: v.string(),
  }),
  McpCallCompletedSchema,
  McpCallFailedSchema,
  McpCallInProgressSchema,
  McpCallArgumentsDeltaSchema,
  McpCallArgumentsDoneSchema,
  outputItemEvent('response.output_item.added'),
  outputItemEvent('response.output_item.done'),
  deltaEvent('response.text.delta'),
  textDoneEvent('response.text.done'),
  v.object({
    type: v.literal('session.created'),
    event_id: EventId,
    session: BetaSessionResourceSchema,
  }),
  v.object({
    type: v.literal('session.updated'),
    event_id: EventId,
    session: BetaSessionResourceSchema,
  }),
  v.object({
    type: v.literal('transcription_session.created'),
    event_id: EventId,
    session: BetaTranscriptionSessionSchema,
  }),
  v.object({
    type: v.literal('transcription_session.updated'),
    event_id: EventId,
    session: BetaTranscriptionSessionSchema,
  }),
] as const;

/** Every beta server event, discriminated by `type`. */
export const BetaServerEventSchema: v.VariantSchema<'type', typeof betaServerList, undefined> =
  v.variant('type', betaServerList);
/** Every beta client event, discriminated by `type`. */
export const BetaClientEventSchema: v.VariantSchema<'type', typeof betaClientList, undefined> =
  v.variant('type', betaClientList);
/** Beta server event schemas by `type`. */
export const betaServerEventSchemas: EventSchemaRecord<typeof betaServerList> =
  eventSchemaRecord(betaServerList);
/** Beta client event schemas by `type`. */
export const betaClientEventSchemas: EventSchemaRecord<typeof betaClientList> =
  eventSchemaRecord(betaClientList);

/** A beta server event (45 kinds). */
export type BetaServerEvent = v.InferOutput<typeof BetaServerEventSchema>;
/** The `type` of a beta server event. */
export type BetaServerEventType = BetaServerEvent['type'];
/** The beta server event with the given `type`. */
export type BetaServerEventOf<T extends BetaServerEventType> = Extract<
  BetaServerEvent,
  { type: T }
>;
/** A beta client event (12 kinds). */
export type BetaClientEvent = v.InferOutput<typeof BetaClientEventSchema>;
/** The `type` of a beta client event. */
export type BetaClientEventType = BetaClientEvent['type'];
/** The beta client event with the given `type`. */
export type BetaClientEventOf<T extends BetaClientEventType> = Extract<
  BetaClientEvent,
  { type: T }
>;
