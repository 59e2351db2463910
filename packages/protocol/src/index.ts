/**
 * @voxwire/protocol — the wire: schemas, constants, dialect codecs and contracts.
 * @module
 */
export {
  SAMPLE_RATE,
  NUM_CHANNELS,
  G711_SAMPLE_RATE,
  IN_FRAME_SIZE,
  OUT_FRAME_SIZE,
  MAX_APPEND_BYTES,
  MIN_COMMIT_MS,
  MAX_EVENT_ID_LENGTH,
  BETA_AUDIO_FORMATS,
  GA_AUDIO_FORMAT_TYPES,
  AUDIO_FORMAT_BETA_TO_GA,
  AUDIO_FORMAT_GA_TO_BETA,
  KNOWN_VOICES,
  KNOWN_MODELS,
  KNOWN_TRANSCRIPTION_MODELS,
  SEED_DEFAULTS,
  GA_DEFAULTS,
  CloseCode,
  FATAL_CLOSE_CODES,
  FATAL_ERROR_CODES,
  Subprotocol,
  BETA_HEADER,
  Endpoints,
  MAX_SESSION_DURATION_MS,
} from './constants.js';
export type {
  BetaAudioFormatName,
  GaAudioFormatType,
  Voice,
  RealtimeModelName,
  TranscriptionModelName,
  CloseCodeValue,
} from './constants.js';

export {
  silentLogger,
  systemClock,
  createCounterIdGenerator,
  exponentialBackoff,
} from './contracts.js';
export type {
  Transport,
  ConnectAttempt,
  Dialect,
  Connection,
  Connector,
  AudioPath,
  TimerId,
  Clock,
  LogLevel,
  Logger,
  IdGenerator,
  BackoffPolicy,
} from './contracts.js';

export { RTC_EVENTS_CHANNEL } from './rtc.js';
export type {
  RtcHandler,
  RtcSessionDescriptionLike,
  RtcDataChannelLike,
  RtcMediaTrackLike,
  RtcTrackEventLike,
  RtcPeerConnectionLike,
  RtcPeerConnectionConstructor,
  FetchResponseLike,
  FetchLike,
} from './rtc.js';

export {
  audioFrame,
  float32ToPcm16,
  samplesToMs,
  frameDurationMs,
  base64ToBytes,
  bytesToBase64,
  base64ToPcm16,
  pcm16ToBase64,
  base64DecodedLength,
} from './audio.js';
export type { AudioFrame } from './audio.js';
export { g711Decode, g711Encode } from './g711.js';
export { PcmResampler } from './resample.js';
export { isLoopbackHost } from './hosts.js';
export {
  closestName,
  optionNames,
  unknownOption,
  unknownOptionMessage,
  type UnknownOption,
} from './closest-name.js';
export {
  parseRetryAfter,
  retryAfterOf,
  refusalRetryAfterMs,
  refusalMessage,
} from './http-refusal.js';
export { TransportCallbacks } from './transport-callbacks.js';
export { callIdOfLocation } from './calls.js';
export type { CallSessionConfig, RejectCallBody, ReferCallBody } from './calls.js';
export {
  REALTIME_CALL_INCOMING,
  SipHeaderSchema,
  WebhookEventSchema,
  RealtimeCallIncomingEventSchema,
  isRealtimeCallIncoming,
  parseWebhookEvent,
} from './webhooks.js';
export type {
  SipHeader,
  RealtimeCallIncomingEvent,
  OtherWebhookEvent,
  WebhookEvent,
  WebhookEventParseResult,
} from './webhooks.js';
export {
  WEBHOOK_SECRET_PREFIX,
  WebhookSigningError,
  decodeWebhookSecret,
  signWebhook,
} from './webhook-signing.js';
export type { SignWebhookOptions, WebhookSigningErrorCode } from './webhook-signing.js';
export type { PcmResamplerOptions } from './resample.js';
export type { G711Law } from './g711.js';

// ---- schemas and the GA event model ----
export {
  ServerEventSchema,
  ClientEventSchema,
  serverEventSchemas,
  clientEventSchemas,
  SessionUpdateSchema,
  ConversationItemCreateSchema,
  ResponseCreateSchema,
} from './schemas/ga.js';
export type {
  ServerEvent,
  ServerEventType,
  ServerEventOf,
  ClientEvent,
  ClientEventType,
  ClientEventOf,
} from './schemas/ga.js';
export {
  AudioFormatSchema,
  GaVoiceSchema,
  ServerVadSchema,
  SemanticVadSchema,
  TurnDetectionSchema,
  InputTranscriptionSchema,
  McpToolSchema,
  ToolSchema,
  ToolChoiceSchema,
  SessionResourceSchema,
  TranscriptionSessionResourceSchema,
  SessionUpdateParamsSchema,
} from './schemas/ga-session.js';
export type {
  AudioFormat,
  GaVoice,
  ServerVad,
  SemanticVad,
  TurnDetection,
  InputTranscription,
  McpTool,
  Tool,
  ToolChoice,
  SessionResource,
  TranscriptionSessionResource,
  SessionUpdateParams,
} from './schemas/ga-session.js';
export {
  ConversationItemSchema,
  ContentPartSchema,
  MessageItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  ItemReferenceSchema,
} from './schemas/ga-items.js';
export type {
  ConversationItem,
  ContentPart,
  MessageItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  ItemReference,
} from './schemas/ga-items.js';
export { ResponseResourceSchema, ResponseCreateParamsSchema } from './schemas/ga-response.js';
export type { ResponseResource, ResponseCreateParams } from './schemas/ga-response.js';
export {
  FunctionToolSchema,
  NoiseReductionSchema,
  ServerErrorDetailsSchema,
  RateLimitSchema,
  TranscriptionUsageSchema,
  ResponseStatusSchema,
  ResponseStatusDetailsSchema,
  ResponseUsageSchema,
  ResponseContentPartSchema,
  MaxTokensSchema,
  ModalitySchema,
} from './schemas/shared.js';
export type {
  FunctionTool,
  NoiseReduction,
  ServerErrorDetails,
  RateLimit,
  TranscriptionUsage,
  ResponseStatus,
  ResponseStatusDetails,
  ResponseUsage,
  ResponseContentPart,
  MaxTokens,
  Modality,
} from './schemas/shared.js';

// ---- beta ----
export {
  BetaServerEventSchema,
  BetaClientEventSchema,
  betaServerEventSchemas,
  betaClientEventSchemas,
  BetaSessionResourceSchema,
  BetaTranscriptionSessionSchema,
  BetaConversationItemSchema,
  BetaResponseResourceSchema,
  BetaResponseCreateParamsSchema,
} from './schemas/beta.js';
export type {
  BetaServerEvent,
  BetaServerEventType,
  BetaServerEventOf,
  BetaClientEvent,
  BetaClientEventType,
  BetaClientEventOf,
  BetaSessionResource,
  BetaTranscriptionSession,
  BetaConversationItem,
  BetaResponseResource,
  BetaResponseCreateParams,
  BetaTurnDetection,
} from './schemas/beta.js';

// ---- codecs ----
export { ProtocolEncodeError } from './codec/types.js';
export type {
  DialectCodec,
  DecodeResult,
  UnknownKind,
  UnknownValue,
  ProtocolViolation,
  ProtocolViolationReason,
  ProtocolIssue,
  EncodeOptions,
} from './codec/types.js';
export { gaCodec } from './codec/ga.js';
export { betaCodec, BETA_TO_GA_EVENT_NAMES, GA_TO_BETA_EVENT_NAMES } from './codec/beta.js';
export { codecFor } from './codec/codec-for.js';
