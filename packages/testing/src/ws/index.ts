/**
 * @voxwire/testing/ws — the fake Realtime server over a real WebSocket, and raw loopback servers
 * for testing a WebSocket transport, and a scripted Twilio Media Streams peer for testing a phone
 * bridge (the only part of this package that imports `ws` or Node).
 * @module
 */
export {
  startFakeWsServer,
  type FakeWsServer,
  type FakeWsServerOptions,
  type RefuseUpgradesOptions,
} from './server.js';
export { WEBRTC_CONNECT_TIMEOUT_MS, WERIFT_VERSION, type FakeWsWebRtcCall } from './werift-peer.js';
export { CLIENT_SECRETS_MAX_BODY_BYTES } from './client-secrets-http.js';
export {
  FAKE_SIP_INCOMING_PATH,
  FAKE_SIP_CALLS_PATH,
  FAKE_SIP_SPEAK_DEFAULT_SPEECH_MS,
  FAKE_SIP_SPEAK_DEFAULT_SILENCE_MS,
  FAKE_SIP_SPEAK_MAX_MS,
  FAKE_SIP_WEBHOOK_WAIT_MS,
  fakeSipCallerPath,
  type FakeSipCallerAction,
} from './fake-sip-http.js';
export { advanceWithSockets, type AdvanceWithSocketsOptions } from './advance.js';
export {
  judgeHandshake,
  closeReasonOf,
  type HandshakeRecord,
  type HandshakePolicy,
  type HandshakeVerdict,
} from './handshake.js';
export {
  startLoopbackWsServer,
  startRefusingServer,
  startSilentServer,
  closedPort,
  type LoopbackHandshake,
  type LoopbackWsServer,
  type LoopbackWsServerOptions,
  type RefusingServer,
  type RefusingServerOptions,
  type SilentServer,
} from './loopback.js';
export {
  connectFakeTwilio,
  FakeTwilioCall,
  FakeTwilioError,
  type FakeTwilioOptions,
  type HeldAudio,
} from './twilio.js';
export type {
  BridgeMessage,
  UnreadableFrame,
  TwilioMessage,
  TwilioConnectedMessage,
  TwilioStartMessage,
  TwilioMediaMessage,
  TwilioMarkMessage,
  TwilioDtmfMessage,
  TwilioStopMessage,
} from './twilio-messages.js';
