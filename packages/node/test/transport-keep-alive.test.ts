/**
 * createWebSocketTransport's keep-alive on the simulated clock: a dead peer found by its missing
 * pong, a live one kept, server pings answered, and the edges of a close in progress that
 * keep-alive and close() must not rewrite (the server's close frame in before its TCP close, a
 * peer that never answers our close frame).
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport, type WebSocketTransport } from '../src/index.js';
import { SimulatedClock } from '@voxwire/testing';
import { tcpSocketOf, transportTestKit } from './transport-helpers.js';

const { wsServer, track } = transportTestKit();

/** Connects to a loopback server with keep-alive every 1000 ms, 500 ms for the pong. */
async function connectWithKeepAlive(serverOptions?: Parameters<typeof wsServer>[0]) {
  const server = await wsServer(serverOptions);
  const clock = new SimulatedClock();
  const transport = createWebSocketTransport({
    url: server.url,
    clock,
    keepAlive: { intervalMs: 1000, timeoutMs: 500 },
  });
  const t = track(transport);
  await transport.start();
  const hs = await server.nextHandshake();
  return { clock, transport, t, hs };
}

/** Writes a close frame straight onto the server's TCP socket: ws's close() would also end TCP. */
function writeCloseFrame(raw: Socket, code: number, reason: string): void {
  const text = Buffer.from(reason);
  raw.write(Buffer.concat([Buffer.from([0x88, 2 + text.length, code >> 8, code & 0xff]), text]));
}

/** Turns the event loop until the client's ws has read a close frame (CLOSING). */
async function untilClosing(transport: WebSocketTransport): Promise<void> {
  for (let i = 0; i < 1000 && transport.raw!.readyState !== transport.raw!.CLOSING; i++)
    await new Promise((resolve) => setImmediate(resolve));
  expect(transport.raw!.readyState).toBe(transport.raw!.CLOSING);
}

describe('createWebSocketTransport: keep-alive', () => {
  it('detects a dead peer: no pong within the timeout terminates with 1006 and a clear reason', async () => {
    const { clock, t, hs } = await connectWithKeepAlive({ autoPong: false });
    const pinged = once(hs.socket, 'ping');
    clock.advance(1000);
    await pinged;
    clock.advance(499);
    expect(t.closes).toEqual([]);
    clock.advance(1);
    const [code, reason] = await t.closed;
    expect(code).toBe(1006);
    expect(reason).toBe('keep-alive timeout: no pong within 500 ms');
    expect(t.errors[0]).toMatchObject({ code: 'KEEPALIVE_TIMEOUT', retriable: true });
  });

  it('keeps a live peer: each pong re-arms the next ping', async () => {
    const { clock, transport, t, hs } = await connectWithKeepAlive();
    for (let round = 0; round < 3; round++) {
      const ponged = once(transport.raw!, 'pong');
      const pinged = once(hs.socket, 'ping');
      // half an interval, then the other half: the ping goes out exactly at the interval
      clock.advance(500);
      clock.advance(500);
      await pinged;
      await ponged;
    }
    // the pong cleared the deadline: a whole timeout later the socket is still open
    clock.advance(500);
    expect(t.closes).toEqual([]);
    expect(t.errors).toEqual([]);
  });

  it('answers server pings by itself', async () => {
    const server = await wsServer();
    const transport = createWebSocketTransport({ url: server.url, keepAlive: false });
    track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    const pong = once(hs.socket, 'pong');
    hs.socket.ping(Buffer.from('hi'));
    const [payload] = (await pong) as [Buffer];
    expect(payload.toString()).toBe('hi');
  });

  it.each(['after', 'before'] as const)(
    "a ping due %s the server's close frame (TCP not yet closed) does not replace the server's close with KEEPALIVE_TIMEOUT",
    async (when) => {
      const { clock, transport, t, hs } = await connectWithKeepAlive();
      // the server sends close 4000 on the raw socket and then stops reading: the TCP connection
      // stays half open, as when the server's FIN is slow to come (ws waits up to 30 s for it)
      const raw = tcpSocketOf(hs.socket);
      raw.pause();
      // 'before': the ping is out (unanswered: the server reads nothing) when the close frame comes
      if (when === 'before') clock.advance(1000);
      writeCloseFrame(raw, 4000, 'bad model');
      await untilClosing(transport);
      // a whole keep-alive round: no pong can come (ws reads nothing after a close frame)
      if (when === 'after') clock.advance(1000);
      clock.advance(500);
      await new Promise((resolve) => setImmediate(resolve));
      expect(t.closes).toEqual([]);
      raw.destroy();
      const [code, closeReason] = await t.closed;
      expect([code, closeReason]).toEqual([4000, 'bad model']);
      expect(t.errors).toHaveLength(1);
      expect(t.errors[0]).toMatchObject({ code: 'BAD_REQUEST', fatal: true, closeCode: 4000 });
    },
  );

  it("close() after the server's close frame arrived (TCP not yet closed) keeps the server's close as the error", async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({ url: server.url, clock, keepAlive: false });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    // the server sends close 3000 and stops reading: its close is under way, not yet complete
    const raw = tcpSocketOf(hs.socket);
    raw.pause();
    writeCloseFrame(raw, 3000, 'invalid key');
    await untilClosing(transport);
    // the app closes in that window (say, on the server's `error` event that came just before)
    const closing = transport.close();
    raw.destroy();
    await closing;
    expect(t.closes).toEqual([[3000, 'invalid key']]);
    expect(transport.closeError).toMatchObject({
      code: 'AUTH_FAILED',
      fatal: true,
      closeCode: 3000,
      closeReason: 'invalid key',
    });
    expect(t.errors).toEqual([transport.closeError]);
  });

  it('a peer that never answers our close frame is cut after closeTimeoutMs', async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({
      url: server.url,
      clock,
      closeTimeoutMs: 300,
      keepAlive: false,
    });
    const t = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    // make the server deaf: its socket stops reading, so our close frame is never answered
    tcpSocketOf(hs.socket).pause();
    const closing = transport.close();
    clock.advance(300);
    await closing;
    expect(t.closes).toHaveLength(1);
    expect(t.errors).toEqual([]);
  });
});
