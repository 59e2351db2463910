/**
 * `FakeWsServer.unplug()`: every open socket's network dies without a close. The server reads
 * nothing more of it (the client's writes pile up: its `bufferedAmount` grows) and sends it
 * nothing (no event, no pong, no close); a socket opened later is not affected.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';

let fake: FakeWsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function connect(url: string): Promise<{ ws: WebSocket; received: string[] }> {
  const ws = new WebSocket(`${url}/realtime?model=gpt-realtime`, {
    headers: { Authorization: 'Bearer sk-test' },
  });
  ws.on('error', () => undefined);
  const received: string[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)).type as string));
  await once(ws, 'message'); // session.created
  return { ws, received };
}

const turns = (n = 5) =>
  new Promise<void>((resolve) => {
    let left = n;
    const next = () => (--left <= 0 ? resolve() : setImmediate(next));
    setImmediate(next);
  });

describe('fake ws server: unplug()', () => {
  it('reads nothing more, sends nothing more, answers no ping; later sockets are not affected', async () => {
    fake = await startFakeWsServer({ pingIntervalMs: false });
    const { ws, received } = await connect(fake.url);
    const before = fake.server.clientEvents.length;
    fake.unplug();
    // writes go nowhere: they pile up in the kernel's buffers, then in the client's own
    const append = JSON.stringify({
      type: 'input_audio_buffer.append',
      audio: 'A'.repeat(1 << 20),
    });
    for (let i = 0; i < 64 && ws.bufferedAmount === 0; i++) {
      ws.send(append);
      await turns();
    }
    expect(ws.bufferedAmount).toBeGreaterThan(0);
    expect(fake.server.clientEvents.length).toBe(before);
    // the server's events, a close it makes and pongs do not reach the client
    const seen = received.length;
    fake.server.emit({ type: 'input_audio_buffer.cleared' });
    let ponged = false;
    ws.on('pong', () => (ponged = true));
    ws.ping();
    fake.server.current!.close(1011, 'server error');
    await turns(20);
    expect(received.length).toBe(seen);
    expect(ponged).toBe(false);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // a socket opened after the unplug is served as usual
    const later = await connect(fake.url);
    expect(later.received).toEqual(['session.created']);
    later.ws.close();
    await once(later.ws, 'close');
  });
});
