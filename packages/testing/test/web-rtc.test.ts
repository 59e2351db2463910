/**
 * createFakeWebRtc: the scripted peer, the calls endpoint, and a call driven with raw frames.
 */
import { RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { createFakeWebRtc, SimulatedClock, tone } from '../src/index.js';
import type { CreateFakeWebRtcOptions, FakeWebRtcKit } from '../src/index.js';

type Ev = { type: string; [k: string]: any };
const OPENAI = 'https://api.openai.com/v1/realtime/calls';
const AZURE = 'https://res.openai.azure.com/openai/v1/realtime/calls';
const HELLO = 'Hello there'; // 660 ms of speech
const HELLO_MS = 660;

// many hops: each step of the peer and each frame is one microtask
const flush = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

function setup(options: CreateFakeWebRtcOptions = {}) {
  const clock = new SimulatedClock();
  const kit = createFakeWebRtc({ clock, ...options });
  return { clock, kit };
}

async function offerOf(kit: FakeWebRtcKit, withChannel = true) {
  const pc = new kit.RTCPeerConnection();
  const mic = kit.microphone();
  pc.addTrack(mic);
  const channel = withChannel ? pc.createDataChannel(RTC_EVENTS_CHANNEL) : undefined;
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  return { pc, mic, channel, sdp: offer.sdp ?? '' };
}

function post(
  kit: FakeWebRtcKit,
  body: string,
  headers: Record<string, string>,
  url = OPENAI,
  method = 'POST',
) {
  return kit.fetch(url, {
    method,
    headers: { 'Content-Type': 'application/sdp', ...headers },
    body,
  });
}

function mint(kit: FakeWebRtcKit, body: unknown = {}): string {
  return String(kit.server.mintClientSecret(body).body['value']);
}

async function errorOf(res: { text(): Promise<string> }) {
  return (JSON.parse(await res.text()) as { error: Record<string, unknown> }).error;
}

describe('createFakeWebRtc: the calls endpoint', () => {
  it('answers an offer with a live minted key: 201, the SDP answer and the call in Location', async () => {
    const { kit } = setup();
    const key = mint(kit);
    const { sdp } = await offerOf(kit);
    expect(sdp).toMatch(/^v=0\r\n/);
    expect(sdp).toMatch(/^m=audio .*\r\n(?:.*\r\n)*a=sendrecv\r\n/m);
    expect(sdp).toMatch(/^m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel\r\n/m);
    const res = await post(kit, sdp, { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toBe('application/sdp');
    const call = kit.calls[0];
    expect(res.headers.get('location')).toBe(`/v1/realtime/calls/${call?.callId}`);
    expect(call?.callId).toMatch(/^rtc_/);
    expect(await res.text()).toBe(call?.answer);
    expect(call).toMatchObject({ azure: false, clientSecret: key, offer: sdp, state: 'answered' });
  });

  it("serves Azure's path with its api-key header, and a recvonly offer", async () => {
    const { kit } = setup({ apiKey: 'azure-key' });
    const pc = new kit.RTCPeerConnection();
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.createDataChannel(RTC_EVENTS_CHANNEL);
    const offer = await pc.createOffer();
    expect(offer.sdp).toMatch(/^a=recvonly\r$/m);
    const res = await post(kit, offer.sdp ?? '', { 'api-key': 'azure-key' }, AZURE);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/openai/v1/realtime/calls/${kit.calls[0]?.callId}`);
    expect(kit.calls[0]?.azure).toBe(true);
    expect(await res.text()).toMatch(/^a=sendonly\r$/m);
  });

  it('refuses a wrong, missing or expired key with 401 and the API error body', async () => {
    const { kit, clock } = setup({ apiKey: 'sk-right' });
    const { sdp } = await offerOf(kit);
    expect((await post(kit, sdp, { Authorization: 'Bearer sk-right' })).status).toBe(201);
    const wrong = await post(kit, sdp, { Authorization: 'Bearer sk-wrong' });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
    const none = await post(kit, sdp, {});
    expect(none.status).toBe(401);
    expect((await errorOf(none))['message']).toBe(
      'Missing bearer or basic authentication in header',
    );
    const key = mint(kit, { expires_after: { anchor: 'created_at', seconds: 10 } });
    clock.advance(10_000);
    const expired = await post(kit, sdp, { Authorization: `Bearer ${key}` });
    expect(expired.status).toBe(401);
    expect((await errorOf(expired))['code']).toBe('invalid_api_key');
    expect(kit.calls).toHaveLength(1);
  });

  it('refuses a body that is not an SDP offer, an offer without a data channel, and another Content-Type with 400', async () => {
    const { kit } = setup();
    const auth = { Authorization: 'Bearer sk-any' };
    const notSdp = await post(kit, '{"sdp":"v=0"}', auth);
    expect(notSdp.status).toBe(400);
    const noChannel = await post(kit, (await offerOf(kit, false)).sdp, auth);
    expect(noChannel.status).toBe(400);
    expect((await errorOf(noChannel))['message']).toMatch(/data channel/);
    const { sdp } = await offerOf(kit);
    const json = await post(kit, sdp, { ...auth, 'Content-Type': 'application/json' });
    expect(json.status).toBe(400);
    expect((await errorOf(json))['param']).toBe('Content-Type');
    expect(kit.calls).toHaveLength(0);
  });

  it('answers 404 on another path and 405 to another method', async () => {
    const { kit } = setup();
    const { sdp } = await offerOf(kit);
    const auth = { Authorization: 'Bearer sk-any' };
    expect((await post(kit, sdp, auth, 'https://api.openai.com/v1/realtime')).status).toBe(404);
    const get = await post(kit, sdp, auth, OPENAI, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.get('Allow')).toBe('POST');
  });

  it('fails the next call as scripted, then answers again', async () => {
    const { kit } = setup();
    const { sdp } = await offerOf(kit);
    kit.failNextCall({ status: 503, retryAfter: '2' });
    const failed = await post(kit, sdp, { Authorization: 'Bearer sk-any' });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('2');
    expect((await errorOf(failed))['type']).toBe('server_error');
    expect((await post(kit, sdp, { Authorization: 'Bearer sk-any' })).status).toBe(201);
    expect(() => kit.failNextCall({ status: 200 })).toThrow(/400–599/);
  });
});

// a connected call: the app's log of what the peer did, and the events on the channel
async function connected(options: CreateFakeWebRtcOptions = {}) {
  const { kit, clock } = setup(options);
  const key = mint(kit);
  const { pc, mic, channel, sdp } = await offerOf(kit);
  const log: string[] = [];
  const events: (Ev & { at: number })[] = [];
  const tracks: unknown[] = [];
  pc.onconnectionstatechange = () => log.push(`state ${pc.connectionState}`);
  pc.ontrack = (e) => {
    log.push('track');
    tracks.push(e.track, e.streams[0]);
  };
  channel!.onopen = () => log.push('open');
  channel!.onclose = () => log.push('close');
  channel!.onmessage = (e) => {
    const ev = JSON.parse(String(e.data)) as Ev;
    if (events.length === 0) log.push(`first ${ev.type}`);
    events.push({ ...ev, at: clock.now() });
  };
  const res = await post(kit, sdp, { Authorization: `Bearer ${key}` });
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  await flush();
  const call = kit.calls[0]!;
  const send = (e: Ev) => channel!.send(JSON.stringify(e));
  const types = () => events.map((e) => e.type);
  const of = (t: string) => events.filter((e) => e.type === t);
  return {
    kit,
    clock,
    pc,
    mic,
    channel: channel!,
    call,
    log,
    events,
    tracks,
    send,
    types,
    of,
    key,
  };
}

describe('createFakeWebRtc: a call', () => {
  it('connects, hands the remote track, opens the channel, then session.created arrives on it', async () => {
    const c = await connected();
    expect(c.log).toEqual([
      'state connecting',
      'state connected',
      'track',
      'open',
      'first session.created',
    ]);
    expect(c.tracks).toEqual([c.call.remoteTrack, c.call.remoteStream]);
    expect(c.call.remoteTrack.kind).toBe('audio');
    expect(c.call.state).toBe('connected');
    expect(c.call.connection?.audioPath).toBe('media');
    expect(c.kit.server.clientSecrets[0]?.usedBy).toBe(1);
    await expect(
      c.pc.setRemoteDescription({ type: 'answer', sdp: c.call.answer }),
    ).rejects.toMatchObject({
      code: 'RTC_INVALID_STATE',
    });
  });

  it('a response.create yields transcript deltas but no audio deltas; stopped follows response.done when the audio has played', async () => {
    const c = await connected();
    c.kit.server.queueResponse((ctx) => ctx.say(HELLO));
    c.send({ type: 'response.create' });
    await c.clock.advanceAsync(0);
    expect(c.types()).not.toContain('response.output_audio.delta');
    expect(
      c
        .of('response.output_audio_transcript.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe(HELLO);
    const id = c.of('response.done')[0]?.response.id;
    expect(c.of('output_audio_buffer.started')[0]).toMatchObject({ response_id: id, at: 0 });
    await c.clock.advanceAsync(HELLO_MS - 1);
    expect(c.types()).not.toContain('output_audio_buffer.stopped');
    await c.clock.advanceAsync(1);
    expect(c.events.at(-1)).toMatchObject({
      type: 'output_audio_buffer.stopped',
      response_id: id,
      at: HELLO_MS,
    });
  });

  it("a clear mid-answer cuts the server's item at the ms played and sends cleared", async () => {
    const c = await connected();
    c.kit.server.queueResponse((ctx) => ctx.say(HELLO));
    c.send({ type: 'response.create' });
    await c.clock.advanceAsync(300);
    c.send({ type: 'output_audio_buffer.clear' });
    await flush();
    const done = c.of('response.done')[0]?.response;
    expect(c.events.at(-1)).toMatchObject({
      type: 'output_audio_buffer.cleared',
      response_id: done.id,
    });
    const item = c.call.connection?.conversation.get(done.output[0].id);
    expect(item?.audio?.length).toBe(300 * 24);
    expect(item?.item['content']).toEqual([{ type: 'output_audio', transcript: '' }]);
    expect(c.call.connection?.outputAudio.playedMs(done.id)).toBe(300);
  });

  it("the microphone's speech starts and commits a turn with server VAD, and it is answered", async () => {
    const c = await connected();
    c.kit.server.queueResponse((ctx) => ctx.say('Hi'));
    expect(c.mic.speakTurn(500, 300)).toBe(true);
    await c.clock.advanceAsync(0);
    expect(c.types()).toEqual(
      expect.arrayContaining([
        'input_audio_buffer.speech_started',
        'input_audio_buffer.speech_stopped',
        'input_audio_buffer.committed',
        'response.created',
        'output_audio_buffer.started',
      ]),
    );
    // the media path carries no event: nothing was recorded as sent by the client
    expect(c.kit.server.clientEvents.map((e) => e['type'])).not.toContain(
      'input_audio_buffer.append',
    );
  });

  it('a VAD barge-in over a playing answer cuts it and sends cleared', async () => {
    const c = await connected();
    c.kit.server.queueResponse((ctx) => ctx.say(HELLO));
    c.send({ type: 'response.create' });
    await c.clock.advanceAsync(200);
    c.mic.speak(tone(100, { frequency: 440, amplitude: 0.5 }));
    await flush();
    expect(c.types().slice(-2)).toEqual([
      'input_audio_buffer.speech_started',
      'output_audio_buffer.cleared',
    ]);
    const done = c.of('response.done')[0]?.response;
    expect(c.call.connection?.conversation.get(done.output[0].id)?.audio?.length).toBe(200 * 24);
  });

  it('audio spoken before the call is up is dropped; a whole turn is refused', async () => {
    const { kit } = setup();
    const { mic } = await offerOf(kit);
    expect(mic.speak(tone(100))).toBe(false);
    expect(() => kit.microphone().speakTurn(100, 100)).toThrow(/turn would be lost/);
  });

  it("a hang-up closes the app's channel and the peer", async () => {
    const c = await connected();
    c.call.hangUp();
    await flush();
    expect(c.log.slice(-2)).toEqual(['close', 'state closed']);
    expect(c.channel.readyState).toBe('closed');
    expect(c.call.connection?.open).toBe(false);
    expect(c.call.state).toBe('closed');
    expect(() => c.call.hangUp()).toThrow(/no open connection/);
    expect(c.mic.speak(tone(100))).toBe(false);
  });

  it('a server-side close (server.close) closes the channel too', async () => {
    const c = await connected();
    c.kit.server.close(1000, 'bye');
    await flush();
    expect(c.log.slice(-2)).toEqual(['close', 'state closed']);
  });

  it('an ICE failure after open fails the peer, closes the channel and ends the server connection', async () => {
    const c = await connected();
    c.call.failIce();
    expect(c.log.slice(-2)).toEqual(['state failed', 'close']);
    expect(c.pc.connectionState).toBe('failed');
    expect(c.call.connection?.closeInfo).toEqual({ code: 1006, reason: 'ICE connection failed' });
  });

  it('an ICE failure before the answer is applied: connecting, then failed, and nothing opens', async () => {
    const { kit } = setup();
    const { pc, channel, sdp } = await offerOf(kit);
    const log: string[] = [];
    pc.onconnectionstatechange = () => log.push(pc.connectionState);
    channel!.onopen = () => log.push('open');
    channel!.onclose = () => log.push('close');
    const res = await post(kit, sdp, { Authorization: 'Bearer sk-any' });
    kit.calls[0]?.failIce();
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    await flush();
    expect(log).toEqual(['connecting', 'failed', 'close']);
    expect(kit.calls[0]?.connection).toBeUndefined();
    expect(kit.server.connections).toHaveLength(0);
  });

  it("the app's close ends the server's connection; the channel's own close does too", async () => {
    const c = await connected();
    c.pc.close();
    expect(c.pc.connectionState).toBe('closed');
    expect(c.channel.readyState).toBe('closed');
    expect(c.call.connection?.open).toBe(false);
    const d = await connected();
    d.channel.close();
    await flush();
    expect(d.log.at(-1)).toBe('close');
    expect(d.call.connection?.closeInfo?.code).toBe(1000);
  });

  it("frames sent just before the channel's close() still reach the server, before the close", async () => {
    // a browser's close() finishes sending the channel's pending messages first (WebRTC 1.0,
    // RTCDataChannel.close()); the transport's graceful close relies on it
    const c = await connected();
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'bye' }] },
    });
    c.channel.close();
    expect(c.channel.readyState).toBe('closing');
    await flush();
    expect(c.kit.server.clientEvents.map((e) => e['type'])).toEqual(['conversation.item.create']);
    expect(c.call.connection?.conversation.size).toBe(1);
    expect(c.call.connection?.closeInfo?.code).toBe(1000);
    expect(c.channel.readyState).toBe('closed');
  });

  it('refuses an answer it did not issue', async () => {
    const { kit } = setup();
    const { pc } = await offerOf(kit);
    await expect(pc.setRemoteDescription({ type: 'answer', sdp: 'v=0\r\n' })).rejects.toMatchObject(
      {
        code: 'RTC_UNKNOWN_ANSWER',
      },
    );
  });
});
