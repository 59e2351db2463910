/**
 * @voxwire/core — the session engine: a realtime speech-to-speech session over an injected
 * transport and clock, speaking the GA model (beta through a codec). Re-exports protocol's
 * contracts so apps need only this package.
 * @module
 */
export {
  RealtimeModel,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RETAINED_RESPONSES,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './model.js';
export type { RealtimeModelOptions, SessionOverrides } from './model.js';
export { REALTIME_MODEL_OPTION_NAMES } from './model-options.js';
export { RealtimeSession } from './session.js';
export { sharedWhilePending, type SharedWhilePendingOptions } from './shared-while-pending.js';
export { PlaybackTracker } from './playback.js';
export type { AudioContentRef, PlaybackPosition } from './playback.js';
export type { InterruptOptions, InterruptResult } from './interrupt.js';
export type { SessionInit } from './session.js';
export type {
  TruncateArgs,
  TruncateRetold,
  DeleteArgs,
  RetrieveArgs,
  InputAudioBufferApi,
  ConversationApi,
  ResponseApi,
} from './session-api.js';
export {
  DEFAULT_INPUT_AUDIO_TRANSCRIPTION,
  DEFAULT_SEMANTIC_VAD_OPTIONS,
  DEFAULT_SERVER_VAD_OPTIONS,
  defaultSessionOptions,
  mergeSessionOptions,
  copySessionOptions,
} from './options.js';
export type {
  AudioFormatName,
  AudioRetention,
  CustomVoice,
  EngineOptions,
  InputTranscriptionOptions,
  Modality,
  NoiseReductionType,
  RealtimeSessionOptions,
  SemanticVadOptions,
  ServerVadOptions,
  SessionOptionsInput,
  ToolChoiceOption,
  TurnDetectionOptions,
} from './options.js';
export { validateSessionOptions } from './options-validate.js';
export {
  toSessionUpdate,
  fromSessionResource,
  toGaAudioFormat,
  toGaModalities,
} from './session-config.js';
export type { GaFormat } from './session-config.js';
export type {
  ChatAudioContent,
  ChatContent,
  ChatContentInput,
  ChatContext,
  ChatFunctionCallItem,
  ChatFunctionOutputItem,
  ChatImageContent,
  ChatItem,
  ChatItemRole,
  ChatItemStatus,
  ChatMessageItem,
  ChatRawItem,
  ChatTextContent,
} from './conversation/chat-context.js';
export {
  assistantMessage,
  audioContent,
  chatContext,
  chatItemText,
  chatMessage,
  cloneChatItem,
  functionCall,
  functionCallOutput,
  hasAudio,
  systemMessage,
  toChatContent,
  userMessage,
} from './conversation/chat-context.js';
export type {
  ChatFunctionCallInput,
  ChatFunctionOutputInput,
  ChatItemInput,
  ChatMessageInput,
} from './conversation/input.js';
export { toChatItem } from './conversation/input.js';
export type { FromWireOptions, ToWireOptions } from './conversation/items.js';
export {
  betaItemToChatItem,
  chatItemToBetaItem,
  chatItemToConversationItem,
  conversationItemToChatItem,
  gaToBeta,
} from './conversation/items.js';
export type {
  ConversationMirrorOptions,
  MirrorAnomaly,
  MirrorChange,
} from './conversation/mirror.js';
export { ConversationMirror, ROOT_ITEM_ID } from './conversation/mirror.js';
export type { ChatChanges, ChatInsert, ComputeChangesOptions } from './conversation/diff.js';
export { computeChatChanges, longestIncreasing } from './conversation/diff.js';
export type {
  ChatSyncCreate,
  ChatSyncDelete,
  ChatSyncExecutor,
  ChatSyncOperation,
  ChatSyncOptions,
  ChatSyncPlan,
} from './conversation/sync.js';
export {
  AUDIO_HINT_DURATION_MS,
  executeChatSyncPlan,
  planChatContextSync,
  silentUserAudio,
} from './conversation/sync.js';
export { sameChatItem } from './conversation/same.js';
export { ChatSyncError, ConversationError } from './conversation/errors.js';
export type { ChatSyncFailure, ConversationErrorCode } from './conversation/errors.js';
export type { AudioModeHint, SetChatCtxOptions } from './features/conversation.js';
export type { ConversationOptions, SessionTool } from './features/builtins.js';
export { ToolError } from './tools/errors.js';
export type { ToolErrorCode } from './tools/errors.js';
export { formatToolFailure, MAX_RESULT_DEPTH, stringifyResult } from './tools/outputs.js';
export type { ArgumentIssue } from './tools/json-schema.js';
export { ToolRound } from './tools/round.js';
export type { FunctionCallItemInput, RoundEnd } from './tools/round.js';
export { ToolRunner } from './tools/runner.js';
export type { ToolRunnerOptions } from './tools/runner.js';
export { toSessionTools, toolJsonSchema, validateArguments } from './tools/schema.js';
export type { ArgumentsResult, SessionFunctionTool } from './tools/schema.js';
export { defineTool } from './tools/tool.js';
export type { JsonSchema, Tool, ToolContext } from './tools/tool.js';
export type {
  CalledFunction,
  FunctionCallInfo,
  ToolFailure,
  ToolFailureKind,
  ToolOutputItem,
  ToolRoundResult,
} from './tools/types.js';
export { VoxwireError, ServerError } from './errors.js';
export type { VoxwireErrorCode, VoxwireErrorOptions, SessionError } from './errors.js';
export { TypedEmitter } from './emitter.js';
export type { EventMap, Listener, Unsubscribe } from './emitter.js';
export type {
  SessionEvents,
  InputSpeechStarted,
  InputSpeechStopped,
  InputSpeechCommitted,
  InputTranscriptionCompleted,
  InputTranscriptionDelta,
  InputTranscriptionFailed,
  TappedServerEvent,
  ConnectingEvent,
  ConnectedEvent,
  OutputAudioClearedEvent,
  OutputAudioClearedReason,
  OutputAudioEvent,
  DisconnectedEvent,
  ReconnectingEvent,
  ClosedEvent,
} from './events.js';
export type { SessionFeature, SessionFeatureFactory, SessionUpdateContext } from './feature.js';
export { computeMetrics, METRICS_LABEL } from './metrics.js';
export type {
  RealtimeMetrics,
  InputTokenDetails,
  OutputTokenDetails,
  MetricsError,
} from './metrics.js';
export { RealtimeResponse, RealtimeOutput, RealtimeContent } from './responses/tree.js';
export type { EndsOnce } from './responses/ends-once.js';
export type { ResponseStatus, ResponseStatusDetails, ContentType } from './responses/tree.js';
export { ChunkStream } from './responses/stream.js';
export type { ChunkStreamOptions, StreamOverflowPolicy } from './responses/stream.js';
export type {
  OnDuplicate,
  ResponseCreateOptions,
  ResponseCreateRequest,
  ResponseGenerateOptions,
} from './responses/create-options.js';
export type { ResponseTool, ResponseTools } from './responses/per-response-tools.js';
export { REQUEST_TAG_KEY } from './responses/awaited.js';
export {
  StandardWebSocketTransport,
  type StandardWebSocket,
  type StandardWebSocketConstructor,
  type StandardWebSocketEvent,
  type StandardWebSocketTransportOptions,
} from './web-socket/transport.js';
export {
  webSocketConnector,
  openaiWebSocketConnector,
  type OpenAIWebSocketConnectorOptions,
  type PerAttempt,
  type WebSocketConnectorOptions,
} from './web-socket/connector.js';
export { credentialQueryValues, isCredentialQueryParam, redact } from './web-socket/redact.js';
export {
  webRtcConnector,
  OPENAI_REALTIME_CALLS_URL,
  type WebRtcConnectorOptions,
} from './web-rtc/connector.js';
export {
  WebRtcTransport,
  type WebRtcRaw,
  type WebRtcTransportOptions,
} from './web-rtc/transport.js';
export {
  WebRtcConnectError,
  type WebRtcConnectErrorOptions,
  type WebRtcFailureStep,
} from './web-rtc/errors.js';
export type { SdpExchangeRequest } from './web-rtc/sdp-exchange.js';
export type { ConnectionState } from './connection-state.js';
export {
  Outbox,
  estimateBytes,
  DEFAULT_CLOSING_TIMEOUT_MS,
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_MAX_QUEUED_BYTES,
} from './outbox.js';
export type { AudioOverflowPolicy, OutboxOptions, OutboxStats, OutboxWriter } from './outbox.js';
export { RETRY_AFTER_SPREAD, STABLE_CONNECTION_MS } from './connection-retry.js';
export {
  MAX_SERVER_EXPIRY_MS,
  MIN_SERVER_EXPIRY_MS,
  ROLLOVER_RECHECK_MS,
} from './reconnect/rollover.js';
export type { OpenState } from './connection-state.js';
export {
  classifyFailure,
  resolveReconnect,
  DEFAULT_MAX_BUFFERED_AUDIO_BYTES,
  DEFAULT_RECONNECT_BACKOFF,
  DEFAULT_RECONNECT_MAX_ATTEMPTS,
  DEFAULT_ROLLOVER_MARGIN_MS,
} from './reconnect/policy.js';
export type { FailureClass, ReconnectOptions, ResolvedReconnect } from './reconnect/policy.js';
export { FATAL_ERROR_CLOSE_GRACE_MS } from './fatal-server-error.js';
export {
  resolveReliability,
  seededRandom,
  DEFAULT_DEDUPE_WINDOW,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_REPLY_TIMEOUT_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_STREAM_HIGH_WATER_MARK,
} from './reconnect/options.js';
export type {
  BackpressureOptions,
  ReliabilityOptions,
  ResolvedReliability,
} from './reconnect/options.js';
export type {
  ReconnectedEvent,
  ResponseStalledEvent,
  SessionStats,
} from './reconnect/reliability-events.js';
// G.711 lives in protocol (shared with the fake server); re-exported so core's API does not shrink.
export { g711Decode, g711Encode } from '@voxwire/protocol';
export type { G711Law } from '@voxwire/protocol';

// ---- protocol contracts, re-exported so apps need only core ----
export {
  SAMPLE_RATE,
  NUM_CHANNELS,
  IN_FRAME_SIZE,
  OUT_FRAME_SIZE,
  CloseCode,
  silentLogger,
  systemClock,
  createCounterIdGenerator,
  exponentialBackoff,
  audioFrame,
  frameDurationMs,
  samplesToMs,
  codecFor,
  gaCodec,
  betaCodec,
  ProtocolEncodeError,
} from '@voxwire/protocol';
export type {
  Transport,
  Connector,
  Connection,
  ConnectAttempt,
  Clock,
  TimerId,
  Logger,
  LogLevel,
  IdGenerator,
  BackoffPolicy,
  Dialect,
  AudioPath,
  AudioFrame,
  Voice,
  RealtimeModelName,
  TranscriptionModelName,
  ServerEvent,
  ServerEventType,
  ServerEventOf,
  ClientEvent,
  ClientEventType,
  ClientEventOf,
  ConversationItem,
  ResponseResource,
  ResponseCreateParams,
  ResponseUsage,
  ServerErrorDetails,
  SessionUpdateParams,
  SessionResource,
  DialectCodec,
  ProtocolViolation,
} from '@voxwire/protocol';
