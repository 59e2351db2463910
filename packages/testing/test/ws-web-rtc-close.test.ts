/**
 * `fake.close()` while werift is still answering a calls POST: once close() resolves, that peer
 * is released too (its UDP socket would otherwise hold the process after the test). werift's
 * answer is held by a deferred, so the close lands mid-answer every time.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as Werift from 'werift';
import { deferred, type Deferred } from '../src/index.js';
import { startFakeWsServer } from '../src/ws/index.js';
import { weriftClient } from './werift-client.js';

// the answering peers the ws fake makes (the test's own client is made before `hold` is set)
const held = vi.hoisted(() => ({
  gate: undefined as Deferred<void> | undefined,
  reached: undefined as Deferred<void> | undefined,
  peers: [] as { released: boolean }[],
}));

vi.mock('werift', async (importOriginal) => {
  const real = await importOriginal<typeof Werift>();
  class HeldPeerConnection extends real.RTCPeerConnection {
    readonly #peer = { released: false };
    constructor(...args: ConstructorParameters<typeof real.RTCPeerConnection>) {
      super(...args);
      if (held.gate) held.peers.push(this.#peer);
    }
    override async createAnswer() {
      held.reached?.resolve();
      await held.gate?.promise;
      return super.createAnswer();
    }
    override async close() {
      await super.close();
      this.#peer.released = true;
    }
  }
  return { ...real, RTCPeerConnection: HeldPeerConnection };
});

describe('fake.close() during an SDP exchange', () => {
  it('resolves only once the peer werift was answering with is closed', async () => {
    const fake = await startFakeWsServer({ apiKey: 'sk-x', pingIntervalMs: false, webRtc: true });
    const browser = await weriftClient();
    try {
      held.gate = deferred();
      held.reached = deferred();
      const post = fetch(`${fake.url.replace(/^ws/, 'http')}/realtime/calls`, {
        method: 'POST',
        body: browser.sdp,
        headers: { 'content-type': 'application/sdp', authorization: 'Bearer sk-x' },
      }).catch((error: unknown) => error);
      await held.reached.promise;
      const closing = fake.close();
      held.gate.resolve();
      await closing;
      const [peer] = held.peers;
      expect(peer!.released).toBe(true);
      // the POST got no answer: its connection was closed with the server
      expect(await post).toBeInstanceOf(Error);
      expect(fake.webRtcCalls.every((call) => call.state === 'closed')).toBe(true);
    } finally {
      held.gate = undefined;
      await browser.pc.close();
    }
  });
});
