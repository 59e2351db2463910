/**
 * The life of a werift call the ws fake answered: an answer no browser connects to is given up
 * after a bound, on the ws server's clock (a SimulatedClock here), so its peer, UDP socket and
 * Opus timer do not live until the fake closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { SimulatedClock } from '../src/index.js';
import {
  startFakeWsServer,
  WEBRTC_CONNECT_TIMEOUT_MS,
  type FakeWsServer,
} from '../src/ws/index.js';
import { weriftClient } from './werift-client.js';

const KEY = 'sk-test-webrtc';
let fake: FakeWsServer | undefined;
const clients: RTCPeerConnection[] = [];

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await Promise.all(clients.splice(0).map((pc) => pc.close()));
});

async function client() {
  const c = await weriftClient();
  clients.push(c.pc);
  return c;
}

async function postOffer(f: FakeWsServer, sdp: string) {
  const res = await fetch(`${f.url.replace(/^ws/, 'http')}/realtime/calls`, {
    method: 'POST',
    body: sdp,
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${KEY}` },
  });
  expect(res.status).toBe(201);
  return res.text();
}

describe('a werift call nobody connects to', () => {
  it('is given up after WEBRTC_CONNECT_TIMEOUT_MS on the ws clock: peer closed, state closed', async () => {
    expect(WEBRTC_CONNECT_TIMEOUT_MS).toBe(30_000);
    const clock = new SimulatedClock();
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false, webRtc: true, clock });
    const { sdp } = await client();
    await postOffer(fake, sdp); // the answer is never applied: ICE never completes
    const [call] = fake.webRtcCalls;
    clock.advance(WEBRTC_CONNECT_TIMEOUT_MS - 1);
    expect(call!.state).toBe('answered');
    clock.advance(1);
    await call!.closed;
    expect(call!.state).toBe('closed');
    expect(call!.connection).toBeUndefined();
    // nothing of the call's is left on the clock
    expect(clock.pendingTimers).toBe(0);
  });

  it('a call whose channel opened in time is not ended by the bound', async () => {
    const clock = new SimulatedClock();
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false, webRtc: true, clock });
    const browser = await client();
    await browser.pc.setRemoteDescription({
      type: 'answer',
      sdp: await postOffer(fake, browser.sdp),
    });
    await browser.opened; // session.created arrived
    const [call] = fake.webRtcCalls;
    clock.advance(WEBRTC_CONNECT_TIMEOUT_MS);
    expect(call!.state).toBe('open');
    expect(call!.connection!.open).toBe(true);
  });
});

describe('a call whose data channel is labelled otherwise', () => {
  it('never reaches the fake server, and is given up after the bound', async () => {
    const clock = new SimulatedClock();
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false, webRtc: true, clock });
    const client = await weriftClient({ label: 'events', direction: 'recvonly' });
    const { pc } = client;
    clients.push(pc);
    const open = client.channelOpen;
    const answer = await postOffer(fake, pc.localDescription!.sdp);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await open; // the server's werift acknowledged the channel
    client.channel.send(JSON.stringify({ type: 'response.create' }));
    const [call] = fake.webRtcCalls;
    expect(call!.state).toBe('answered');
    clock.advance(WEBRTC_CONNECT_TIMEOUT_MS);
    await call!.closed;
    expect(call!.connection).toBeUndefined();
    expect(fake.server.clientEvents).toEqual([]);
  });
});

describe('frames on the oai-events channel', () => {
  it('a binary message is refused as the WebSocket path refuses a binary frame, not read as JSON text', async () => {
    fake = await startFakeWsServer({ apiKey: KEY, pingIntervalMs: false, webRtc: true });
    const browser = await client();
    await browser.pc.setRemoteDescription({
      type: 'answer',
      sdp: await postOffer(fake, browser.sdp),
    });
    await browser.opened;
    browser.channel.send(Buffer.from(JSON.stringify({ type: 'response.create' })));
    // a text event after it: once its answer is in, the binary one was judged
    browser.channel.send(JSON.stringify({ type: 'input_audio_buffer.clear' }));
    await browser.event('input_audio_buffer.cleared');
    const types = browser.inbox.map((e) => e.type);
    expect(types).not.toContain('response.created');
    const error = browser.inbox.find((e) => e.type === 'error') as unknown as
      { error: { code: string; message: string } } | undefined;
    expect(error?.error.code).toBe('invalid_event');
    expect(error?.error.message).toMatch(/binary/);
    expect(fake.server.clientEvents.map((e) => e['type'])).toEqual(['input_audio_buffer.clear']);
  });
});
