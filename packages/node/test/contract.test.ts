import { runTransportContract } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { openaiWebSocketConnector } from '@voxwire/core';
import { describe, it } from 'vitest';
import { WebSocket } from 'ws';
import { createWebSocketTransport, openaiConnector } from '../src/index.js';

const KEY = 'sk-contract-key-123456';

runTransportContract(
  'createWebSocketTransport against the fake ws server',
  async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const transport = createWebSocketTransport({
      url: `${fake.url}/realtime?model=gpt-realtime`,
      headers: { Authorization: `Bearer ${KEY}` },
    });
    return { transport, server: fake.server, dispose: () => fake.close() };
  },
  { describe, it },
);

runTransportContract(
  'openaiConnector transports against the fake ws server',
  async () => {
    const fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false });
    const connection = await openaiConnector({ apiKey: KEY, baseURL: fake.url, env: {} })({
      attempt: 0,
      signal: new AbortController().signal,
    });
    return { transport: connection.transport, server: fake.server, dispose: () => fake.close() };
  },
  { describe, it },
);

// @voxwire/core's transport over a standard WebSocket, fed `ws`'s WebSocket (which implements the
// WHATWG interface), authenticated the browser way: the ephemeral key in the subprotocols
runTransportContract(
  "core's openaiWebSocketConnector (standard WebSocket, subprotocol auth) against the fake ws server",
  async () => {
    const fake = await startFakeWsServer({ apiKey: 'ek_contract_1', pingIntervalMs: false });
    const connection = await openaiWebSocketConnector({
      WebSocket,
      clientSecret: 'ek_contract_1',
      baseURL: fake.url.replace(/^ws/, 'http'),
    })({ attempt: 0, signal: new AbortController().signal });
    return {
      transport: connection.transport,
      server: fake.server,
      dispose: async () => {
        const [handshake] = fake.handshakes;
        if (handshake?.subprotocols.join() !== 'realtime,openai-insecure-api-key.ek_contract_1')
          throw new Error(`unexpected subprotocols ${handshake?.subprotocols.join()}`);
        await fake.close();
      },
    };
  },
  { describe, it },
);
