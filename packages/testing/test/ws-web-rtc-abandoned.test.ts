/**
 * A calls POST whose client goes away while werift is still answering: nobody will ever read
 * the answer or connect to it, so the peer is released at once and no call is recorded. Driven
 * on the endpoint itself with werift's answer held by a deferred (no sleeps, no timing race).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as werift from 'werift';
import { deferred, FakeServer, SimulatedClock } from '../src/index.js';
import { serveWebRtcCalls } from '../src/ws/web-rtc-http.js';
import type { WeriftCall, WeriftModule } from '../src/ws/werift-peer.js';
import { weriftClient } from './werift-client.js';

const KEY = 'sk-test-webrtc';
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** werift whose answers wait for `gate`; `reached` resolves once one is being made. */
function gatedWerift() {
  const gate = deferred();
  const reached = deferred();
  const peers: { pc: werift.RTCPeerConnection; closed: Promise<void> }[] = [];
  class GatedPeerConnection extends werift.RTCPeerConnection {
    readonly #closed = deferred();
    constructor(...args: ConstructorParameters<typeof werift.RTCPeerConnection>) {
      super(...args);
      peers.push({ pc: this, closed: this.#closed.promise });
    }
    override async createAnswer() {
      reached.resolve();
      await gate.promise;
      return super.createAnswer();
    }
    override async close() {
      await super.close();
      this.#closed.resolve();
    }
  }
  const module = { ...werift, RTCPeerConnection: GatedPeerConnection } as WeriftModule;
  return { module, gate, reached, peers };
}

async function listen(handler: Parameters<typeof createServer>[1]) {
  const http: Server = createServer(handler);
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return { port: (http.address() as AddressInfo).port, sockets };
}

describe('a calls POST abandoned while werift answers', () => {
  it('releases the peer and records no call', async () => {
    const gated = gatedWerift();
    const tracked: WeriftCall[] = [];
    const answering: Promise<void>[] = [];
    const { port, sockets } = await listen((req, res) => {
      serveWebRtcCalls(req, res, {
        werift: gated.module,
        server: new FakeServer(),
        clock: new SimulatedClock(),
        apiKey: KEY,
        azure: true,
        maxSessionDurationMs: undefined,
        newCallId: () => 'rtc_0001',
        track: (call) => tracked.push(call),
        answering: (answer) => answering.push(answer),
      });
    });
    const browser = await weriftClient();
    cleanup.push(() => browser.pc.close());
    const post = request({
      host: '127.0.0.1',
      port,
      path: '/v1/realtime/calls',
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/sdp' },
    });
    post.on('error', () => undefined);
    post.end(browser.sdp);
    await gated.reached.promise;
    // the page navigates away: its connection closes before the answer exists
    const [socket] = sockets;
    const serverSawClose = new Promise<void>((resolve) => socket!.once('close', () => resolve()));
    post.destroy();
    await serverSawClose;
    gated.gate.resolve();
    await Promise.all(answering);
    expect(answering).toHaveLength(1);
    await gated.peers[0]!.closed;
    expect(tracked).toEqual([]);
  });
});
