/**
 * @voxwire/testing/ws — the fake Realtime server over a real WebSocket (the only part of this
 * package that imports `ws`).
 * @module
 */
export { startFakeWsServer, type FakeWsServer, type FakeWsServerOptions } from './server.js';
export { judgeHandshake, closeReasonOf, type HandshakeRecord, type HandshakePolicy, type HandshakeVerdict } from './handshake.js';
