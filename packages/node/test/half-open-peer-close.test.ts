/**
 * The server's close frame arrives and is answered, but its TCP close never comes: a proxy that
 * keeps the connection half open, or a network that died right after the close frame. `ws`
 * waits 30 s of wall time for that TCP close before it reports the close, so a session learned
 * of a 1001 (session expired: reconnect at once) half a minute late, dead air on a phone call.
 * The transport bounds that wait by `closeTimeoutMs` on its clock, as it bounds its own close.
 */
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { createWebSocketTransport } from '../src/index.js';
import { tcpSocketOf, transportTestKit } from './transport-helpers.js';

const { wsServer, track } = transportTestKit();

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the server's close frame without its TCP close", () => {
  it('is reported after closeTimeoutMs on the clock, with the code and reason the server sent', async () => {
    const server = await wsServer();
    const clock = new SimulatedClock();
    const transport = createWebSocketTransport({
      url: server.url,
      clock,
      closeTimeoutMs: 300,
      keepAlive: false,
    });
    const { closes, errors, closed } = track(transport);
    await transport.start();
    const hs = await server.nextHandshake();
    // the server sends close 1001 on the raw socket and then neither reads nor closes
    const raw = tcpSocketOf(hs.socket);
    raw.pause();
    const reason = Buffer.from('session expired');
    raw.write(Buffer.concat([Buffer.from([0x88, 2 + reason.length, 0x03, 0xe9]), reason]));
    for (let i = 0; i < 1000 && transport.raw!.readyState !== transport.raw!.CLOSING; i++)
      await turn();
    expect(transport.raw!.readyState).toBe(transport.raw!.CLOSING);
    for (let i = 0; i < 10; i++) await turn();
    clock.advance(299);
    await turn();
    expect(closes).toEqual([]);
    clock.advance(1);
    for (let i = 0; i < 100 && closes.length === 0; i++) await turn();
    expect(closes).toEqual([[1001, 'session expired']]);
    expect(errors).toMatchObject([{ code: 'SESSION_EXPIRED', closeCode: 1001 }]);
    await closed;
    expect(clock.pendingTimers).toBe(0);
  });
});
