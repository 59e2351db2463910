import { runTransportContract } from '@voxwire/testing';
import { startFakeWsServer } from '@voxwire/testing/ws';
import { describe, it } from 'vitest';
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
