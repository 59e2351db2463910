/**
 * The WebRTC transport's lifecycle as the engine relies on it: the attempt's abort and `close()`
 * at every stage, a remote end reported once, `send()` outside `open` refused with
 * `NOT_CONNECTED`, and the peer closed exactly once whatever ended it.
 */
import { describe, expect, it } from 'vitest';
import { WebRtcTransport } from '../../src/index.js';
import { SimulatedClock } from '@voxwire/testing';
import { deferred, fakeFetch, fakeRtc, harness, type FakeAnswer } from './fake-rtc.js';

describe('WebRtcTransport: abort', () => {
  it("the attempt's signal aborts the POST mid-fetch and closes the peer", async () => {
    const answer = deferred<FakeAnswer>();
    const h = await harness({}, [answer]);
    await h.settle();
    expect(h.http.calls).toHaveLength(1);
    h.controller.abort();
    await h.settle();
    expect(h.http.calls[0]!.signal?.aborted).toBe(true);
    expect(h.started.error).toMatchObject({ code: 'ABORTED' });
    expect(h.closes).toHaveLength(1);
    expect(h.rtc.last().closeCalls).toBe(1);
    // the answer arriving late changes nothing
    answer.resolve({ status: 201, body: 'v=0\r\n' });
    await h.settle();
    expect(h.rtc.last().remote).toBeUndefined();
    expect(h.closes).toHaveLength(1);
  });

  it('the signal aborts while the channel is opening', async () => {
    const h = await harness({}, [], { openOnAnswer: false });
    await h.settle();
    expect(h.rtc.last().remote).toBeDefined();
    h.controller.abort();
    await h.settle();
    expect(h.started.error).toMatchObject({ code: 'ABORTED' });
    expect(h.rtc.last().closeCalls).toBe(1);
    expect(h.rtc.last().channel.closeCalls).toBeGreaterThan(0);
    // a late open is ignored
    h.rtc.last().channel.open();
    await h.settle();
    expect(h.closes).toHaveLength(1);
    expect(() => h.transport.send('{}')).toThrow(
      expect.objectContaining({ code: 'NOT_CONNECTED' }),
    );
  });

  it('an already aborted signal fails start() without making a peer', async () => {
    const rtc = fakeRtc();
    const http = fakeFetch();
    const controller = new AbortController();
    controller.abort();
    const t = new WebRtcTransport({
      RTCPeerConnection: rtc.RTCPeerConnection,
      exchange: { fetch: http.fetch, url: 'https://x.test/calls', secret: 'k', secrets: [] },
      signal: controller.signal,
      clock: new SimulatedClock(),
    });
    const closes: number[] = [];
    t.onclose = (code) => closes.push(code);
    await expect(t.start()).rejects.toMatchObject({ code: 'ABORTED' });
    expect(closes).toEqual([1006]);
    expect(rtc.peers).toHaveLength(0);
    expect(http.calls).toHaveLength(0);
  });
});

describe('WebRtcTransport: close', () => {
  it('close() before start() reports the close and makes nothing', async () => {
    const h = await harness();
    // harness started it; a fresh one is closed unstarted
    const t = new WebRtcTransport({
      RTCPeerConnection: h.rtc.RTCPeerConnection,
      exchange: { fetch: h.http.fetch, url: 'https://x.test/calls', secret: 'k', secrets: [] },
      clock: h.clock,
    });
    const closes: [number, string][] = [];
    t.onclose = (code, reason) => closes.push([code, reason]);
    await t.close(4001, 'bye');
    expect(closes).toEqual([[4001, 'bye']]);
    await expect(t.start()).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('close() while connecting rejects start() with ABORTED, aborts the POST and closes the peer', async () => {
    const answer = deferred<FakeAnswer>();
    const h = await harness({}, [answer]);
    await h.settle();
    await h.transport.close(1000, 'client closed');
    await h.settle();
    expect(h.started.error).toMatchObject({ code: 'ABORTED' });
    expect(h.http.calls[0]!.signal?.aborted).toBe(true);
    expect(h.closes).toEqual([[1000, 'client closed']]);
    expect(h.rtc.last().closeCalls).toBe(1);
  });

  it('close() once open closes the channel, waits for its close, then the peer; onclose(code, reason)', async () => {
    const h = await harness();
    await h.settle();
    const peer = h.rtc.last();
    let resolved = false;
    void h.transport.close(1000, 'done').then(() => (resolved = true));
    await h.settle();
    expect(peer.channel.closeCalls).toBe(1);
    // the queued frames go out first: the peer stays until the channel says it closed
    expect(peer.closeCalls).toBe(0);
    expect(resolved).toBe(false);
    expect(() => h.transport.send('{}')).toThrow(
      expect.objectContaining({ code: 'NOT_CONNECTED' }),
    );
    peer.channel.closed();
    await h.settle();
    expect(resolved).toBe(true);
    expect(h.closes).toEqual([[1000, 'done']]);
    expect(peer.closeCalls).toBe(1);
    expect(h.clock.pendingTimers).toBe(0);
    // a second close() is the same close
    await h.transport.close();
    expect(h.closes).toHaveLength(1);
  });

  it('close() defaults to 1000 and is bounded by closeTimeoutMs (then 1006, peer closed)', async () => {
    const h = await harness({ closeTimeoutMs: 2000 });
    await h.settle();
    let resolved = false;
    void h.transport.close().then(() => (resolved = true));
    await h.clock.advanceAsync(1999);
    expect(resolved).toBe(false);
    await h.clock.advanceAsync(1);
    expect(resolved).toBe(true);
    expect(h.closes).toEqual([[1006, expect.stringContaining('close timeout')]]);
    expect(h.rtc.last().closeCalls).toBe(1);
    // the late close event is moot
    h.rtc.last().channel.closed();
    expect(h.closes).toHaveLength(1);
  });
});

describe('WebRtcTransport: remote end and send', () => {
  it('the channel closing remotely reports onclose(1006) once, and the peer is closed', async () => {
    const h = await harness();
    await h.settle();
    const peer = h.rtc.last();
    peer.channel.closed();
    peer.state('closed');
    peer.channel.closed();
    await h.settle();
    expect(h.closes).toEqual([[1006, 'the data channel closed']]);
    expect(peer.closeCalls).toBe(1);
    expect(() => h.transport.send('{}')).toThrow(
      expect.objectContaining({ code: 'NOT_CONNECTED' }),
    );
  });

  it("the peer's state 'failed' once open reports onclose(1006) once ('disconnected' is transient)", async () => {
    const h = await harness();
    await h.settle();
    const peer = h.rtc.last();
    peer.state('disconnected');
    expect(h.closes).toEqual([]);
    peer.state('failed');
    peer.channel.closed();
    await h.settle();
    expect(h.closes).toEqual([[1006, 'the peer connection failed']]);
    expect(peer.closeCalls).toBe(1);
  });

  it('send() before open is NOT_CONNECTED; a send the channel refuses while closing too', async () => {
    const h = await harness({}, [], { openOnAnswer: false });
    expect(() => h.transport.send('{}')).toThrow(
      expect.objectContaining({ code: 'NOT_CONNECTED' }),
    );
    await h.settle();
    expect(() => h.transport.send('{}')).toThrow(
      expect.objectContaining({ code: 'NOT_CONNECTED' }),
    );
    const channel = h.rtc.last().channel;
    channel.open();
    await h.settle();
    expect(h.started.done).toBe(true);
    // the channel began closing this very tick, before its readyState said so to the send check
    channel.sendError = new Error('InvalidStateError');
    const realSend = channel.send.bind(channel);
    channel.send = (data) => {
      channel.readyState = 'closing';
      realSend(data);
    };
    expect(() => h.transport.send('{}')).toThrow(
      expect.objectContaining({ code: 'NOT_CONNECTED' }),
    );
  });

  it('a send the open channel refuses (a full queue) is a SOCKET_ERROR, not kept', async () => {
    const h = await harness();
    await h.settle();
    h.rtc.last().channel.sendError = new Error('OperationError: send queue full');
    expect(() => h.transport.send('{}')).toThrow(expect.objectContaining({ code: 'SOCKET_ERROR' }));
  });

  it('a channel error once open is reported on onerror', async () => {
    const h = await harness();
    await h.settle();
    h.rtc.last().channel.onerror?.({});
    expect(h.errors).toEqual([expect.objectContaining({ code: 'SOCKET_ERROR' })]);
  });
});
