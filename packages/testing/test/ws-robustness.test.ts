import { once } from 'node:events';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';

let fake: FakeWsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url}/realtime?model=gpt-realtime`, {
    headers: { Authorization: 'Bearer sk-test' },
  });
  ws.on('error', () => undefined);
  await once(ws, 'message'); // session.created
  return ws;
}

describe('fake ws server: a misbehaving client', () => {
  it('gets the close code of its violation, and the test process lives on', async () => {
    fake = await startFakeWsServer();
    const client = await connect(fake.url);
    expect([...fake.sockets].every((socket) => socket.listenerCount('error') > 0)).toBe(true);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const closed = once(client, 'close');
      // a text frame that is not UTF-8: `ws` reports it on the server socket, then closes 1007
      client.send(Buffer.from([0xc3, 0x28]), { binary: false });
      const [code] = await closed;
      expect(code).toBe(1007);
      // the server socket's error is emitted before its close frame is sent
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});

describe('fake ws server: its url', () => {
  it('puts an IPv6 host in brackets, so the url parses and reaches the server', async () => {
    fake = await startFakeWsServer({ host: '::1' });
    expect(fake.url).toBe(`ws://[::1]:${fake.port}/v1`);
    const client = await connect(fake.url);
    client.close();
    await once(client, 'close');
  });
});
