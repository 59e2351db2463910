/**
 * @voxwire/node — the WebSocket transport over `ws` and the OpenAI connector for Node.js.
 * @module
 */
export { createWebSocketTransport } from './transport.js';
export type { KeepAliveOptions, WebSocketTransport, WebSocketTransportOptions } from './transport.js';
export { ConfigurationError, CREDENTIAL_HEADERS, Redactor, secretsOf, TransportError } from './errors.js';
export type { ConfigurationErrorCode, TransportErrorCode, TransportErrorDetails } from './errors.js';
export { errorForClose, errorForHttpStatus, parseRetryAfter } from './close-codes.js';
