/**
 * @voxwire/testing — a scripted fake OpenAI Realtime server (in memory; over WebSocket in
 * `@voxwire/testing/ws`), a simulated clock and a transport contract suite.
 * @module
 */
export { SimulatedClock, type SimulatedClockOptions } from './clock.js';
export {
  ClockError,
  type ClockErrorCode,
  ConnectRejectedError,
  FakeServerError,
  FakeServerOptionsError,
  IncompleteScenarioError,
  TransportClosedError,
  TransportNotClosedError,
  UnexpectedClientEventError,
  WebRtcUnavailableError,
} from './errors.js';
export {
  createFakeServer,
  InMemoryTransport,
  type CreateFakeServerOptions,
  type FakeServerKit,
} from './in-memory.js';
export {
  FakeServer,
  type AcceptedConnection,
  type AcceptInit,
  type ExpectableClientEventType,
  type ExpectedClientEvent,
  type FakeServerOptions,
  type UnscriptedResponse,
} from './server/fake-server.js';
export type { ServerCalls } from './server/calls/server-calls.js';
export type {
  FakeCall,
  FakeCallClientEvent,
  FakeCallEndReason,
  FakeCallKind,
  FakeCallState,
  FakeSideband,
  FakeSipCall,
  WebhookDelivery,
  WebhookRequest,
} from './server/calls/call-record.js';
export { SIP_RING_TIMEOUT_MS, type SipIncomingOptions } from './server/calls/registry.js';
export { DEFAULT_REJECT_STATUS, type CallControlResult } from './server/calls/control-bodies.js';
export type { WebhookOptions } from './server/calls/webhook.js';
export type { CallsApiOptions } from './server/calls/calls-api.js';
export {
  FakeConnection,
  type ConnectionHost,
  type ConnectionInit,
  type HeardAudio,
} from './server/connection.js';
// the types of FakeConnection's public members, so that a test can name what it reads
export type { Conversation } from './server/conversation.js';
export type { InputAudio } from './server/input-audio.js';
export type { Outbound } from './server/outbound.js';
export type {
  OutputAudioBuffer,
  OutputAudioEntry,
  OutputAudioHost,
  OutputAudioState,
} from './server/output-playback.js';
export type { ResponseRun } from './server/response.js';
export type { ResponseRunner } from './server/handlers-response.js';
export type { FaultTarget } from './server/faults.js';
export {
  FaultInjector,
  type CloseFaultOptions,
  type FaultRuleOptions,
  type FaultScope,
  type FaultScopeOptions,
  type OccurrenceFaultOptions,
  type RefusalError,
  type RefusalRule,
  type RefuseFaultOptions,
  type RejectConnectsOptions,
} from './server/faults.js';
export type { FaultRule, FaultMatch, ServerLink } from './server/outbound.js';
export {
  demoAgent,
  type PlannedEnding,
  type PlannedOutput,
  type ResponseContext,
  type ResponseHandler,
  type ResponseRequest,
} from './server/behaviour.js';
export { TOKENS } from './server/tokens.js';
export type { ResponsePacing } from './server/response-pacing.js';
export { SEMANTIC_SILENCE_MS } from './server/handlers-audio.js';
export { VAD_SILENCE_KEPT_MS } from './server/input-audio.js';
export { DEFAULT_INSTRUCTIONS } from './server/session-config.js';
export {
  CLIENT_SECRET_DEFAULT_TTL_S,
  CLIENT_SECRET_MIN_TTL_S,
  CLIENT_SECRET_MAX_TTL_S,
  type ClientSecretRecord,
  type MintResult,
} from './server/client-secrets.js';
export { synthesizeSpeech, tone, silence, type SynthOptions } from './server/audio-codec.js';
export {
  createRecorder,
  nextEvent,
  deferred,
  speechThenSilence,
  type Recorder,
  type RecordedEntry,
  type EventSource,
  type EventNameOf,
  type Deferred,
  type SpokenTurnOptions,
} from './helpers.js';
export { Errors as ServerErrors, type ServerErrorBody } from './server/error-catalog.js';
export type { JsonObject, WireEvent } from './server/wire.js';
export {
  createFakeWebRtc,
  type CreateFakeWebRtcOptions,
  type FakeWebRtcKit,
} from './web-rtc/kit.js';
export type {
  FakeRtcConnectionState,
  FakeRtcPeerConnection,
  FakeWebRtcCall,
} from './web-rtc/peer.js';
export type { FakeRtcDataChannel } from './web-rtc/data-channel.js';
export type { CallFailure } from './web-rtc/calls-endpoint.js';
export type { FakeMediaStream, FakeMicrophone, FakeRemoteAudioTrack } from './web-rtc/media.js';
export {
  runTransportContract,
  TransportContractError,
  type ContractCheck,
  type ContractHooks,
  type TransportFactory,
  type TransportUnderTest,
} from './contract.js';
