/**
 * @voxwire/node — the WebSocket transport over `ws`, the OpenAI connector and ephemeral client
 * secrets for Node.js.
 * @module
 */
export { createWebSocketTransport } from './transport.js';
export { ASCII_TEST_MIN_BYTES, decodeTextFrame } from './text-frame.js';
export type {
  KeepAliveOptions,
  WebSocketTransport,
  WebSocketTransportOptions,
} from './transport-options.js';
export { openaiConnector, SOCKET_OPTION_KEYS, socketOptions, withoutHeaders } from './openai.js';
export { checkSocketOptions } from './socket-options-check.js';
export type { OpenAIConnectorOptions, SocketOptions } from './openai.js';
export { clientSecretsUrl, createClientSecret } from './client-secrets.js';
export type { CreateClientSecretOptions } from './client-secrets.js';
export type { OpenAIRestOptions } from './openai-rest.js';
export { realtimeCalls, realtimeCallsUrl } from './calls.js';
export type {
  CallRequestOptions,
  CreateCallRequest,
  CreatedCall,
  RealtimeCalls,
  RealtimeCallsOptions,
  RejectCallOptions,
} from './calls.js';
export { CallControlError } from './call-control-error.js';
export { verifyWebhook } from './webhooks.js';
export type { VerifyWebhookOptions, WebhookHeaders } from './webhooks.js';
export { WebhookVerificationError } from './webhook-error.js';
export type { WebhookVerificationErrorCode } from './webhook-error.js';
export { isRealtimeCallIncoming } from '@voxwire/protocol';
export type { RealtimeCallIncomingEvent, WebhookEvent } from '@voxwire/protocol';
export type {
  CallControlErrorCode,
  CallControlErrorDetails,
  CallOperation,
} from './call-control-error.js';
export {
  checkClientSecretOptions,
  ClientSecretError,
  requestClientSecret,
} from './client-secret-request.js';
export type {
  ClientSecret,
  ClientSecretErrorCode,
  ClientSecretMintOptions,
  ClientSecretRequest,
  ClientSecretSessionConfig,
} from './client-secret-request.js';
export {
  assertSecureUrl,
  describeUrl,
  isLoopbackHost,
  openaiRealtimeUrl,
  toWebSocketUrl,
} from './url.js';
export type { OpenAIRealtimeUrlOptions } from './url.js';
export { envValue, isBlankSecret, processEnv, resolveSecret } from './credentials.js';
export { checkSessionLimit, MIN_SESSION_DURATION_MS } from './session-limit.js';
export { connectorLookup, SHARED_LOOKUP_CONNECT_TIMEOUTS } from './key-lookup.js';
export type { Env, SecretSource } from './credentials.js';
export {
  ConfigurationError,
  CREDENTIAL_HEADERS,
  Redactor,
  isCredentialHeader,
  refuseUnknownOptions,
  secretsOf,
  TransportError,
} from './errors.js';
export type {
  ConfigurationErrorCode,
  ConfigurationErrorOptions,
  TransportErrorCode,
  TransportErrorDetails,
} from './errors.js';
export { errorForClose, errorForHttpStatus, parseRetryAfter } from './close-codes.js';
export { createOpenAIRealtimeModel, openai } from './model.js';
export type { OpenAIRealtimeModelOptions } from './model.js';
