/**
 * The ws fake's simulated SIP caller driven over HTTP (`POST /fake/sip/calls/{id}/speak|hangup`),
 * as an app in another process drives it: over real loopback sockets, waits on events only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeWebRtc, deferred, type FakeSipCall } from '../src/index.js';
import {
  FAKE_SIP_CALLS_PATH,
  FAKE_SIP_INCOMING_PATH,
  fakeSipCallerPath,
  startFakeWsServer,
  type FakeWsServer,
} from '../src/ws/index.js';
import { serveFakeSipCaller } from '../src/ws/fake-sip-http.js';
import { frameSocket } from './ws-helpers.js';

const AUTH = { Authorization: 'Bearer sk-test' };

let fake: FakeWsServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const origin = (f: FakeWsServer) => f.url.replace(/^ws/, 'http').replace(/\/v1$/, '');

// a side-band socket; `next(type)` resolves with the first frame of that type
const sideband = (f: FakeWsServer, callId: string) =>
  frameSocket(`${f.url}/realtime?call_id=${callId}`, AUTH);

// a call placed over the incoming hook, as the phone-bridge demo's curl places it
async function placeCall(f: FakeWsServer): Promise<string> {
  const res = await fetch(`${origin(f)}${FAKE_SIP_INCOMING_PATH}`, { method: 'POST' });
  expect(res.status).toBe(201);
  return ((await res.json()) as { call_id: string }).call_id;
}

async function accept(f: FakeWsServer, callId: string): Promise<void> {
  const res = await fetch(`${f.url.replace(/^ws/, 'http')}/realtime/calls/${callId}/accept`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'realtime', instructions: 'Answer the phone.' }),
  });
  expect(res.status).toBe(200);
}

async function hook(f: FakeWsServer, path: string, body?: string, method = 'POST') {
  const res = await fetch(`${origin(f)}${path}`, { method, body: body ?? null });
  return { status: res.status, body: (await res.json()) as any };
}

describe('the simulated SIP caller over HTTP', () => {
  it('the path builders name the hooks (the id URL-encoded)', () => {
    expect(fakeSipCallerPath('rtc_0001', 'speak')).toBe('/fake/sip/calls/rtc_0001/speak');
    expect(fakeSipCallerPath('rtc 1/2', 'hangup')).toBe(
      `${FAKE_SIP_CALLS_PATH}/rtc%201%2F2/hangup`,
    );
  });

  it('speak: the VAD commits the caller’s turn and the queued answer plays to the caller', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test', pingIntervalMs: false });
    const callId = await placeCall(fake);
    await accept(fake, callId);
    const sb = sideband(fake, callId);
    await sb.next('session.created');
    fake.server.queueResponse((ctx) => ctx.say('Hello caller'));

    // no body: the default turn (600 ms of tone, 700 ms of silence)
    expect(await hook(fake, fakeSipCallerPath(callId, 'speak'))).toEqual({
      status: 200,
      body: { call_id: callId, state: 'active' },
    });
    const committed = await sb.next('input_audio_buffer.committed');
    const done = await sb.next('response.done');
    expect(done.response.status).toBe('completed');
    const call = fake.server.calls[0] as FakeSipCall;
    expect(call.outputAudio.map((e) => e.responseId)).toEqual([done.response.id]);
    expect(call.outputAudio[0]?.generatedMs).toBeGreaterThan(0);
    // the turn came on the caller's audio, not as a client event on any leg
    expect(call.clientEvents).toEqual([]);
    const started = sb.frames.find((f) => f.type === 'input_audio_buffer.speech_started');
    const stopped = sb.frames.find((f) => f.type === 'input_audio_buffer.speech_stopped');
    expect(stopped.audio_end_ms - started.audio_start_ms).toBeGreaterThanOrEqual(500);
    expect(committed.item_id).toBe(stopped.item_id);

    // a body sets the turn: a second turn is committed as its own item
    fake.server.queueResponse((ctx) => ctx.say('Again'));
    const second = await hook(
      fake,
      fakeSipCallerPath(callId, 'speak'),
      JSON.stringify({ speechMs: 1_500, silenceMs: 800 }),
    );
    expect(second.status).toBe(200);
    await new Promise<void>((resolve) => {
      const check = () =>
        sb.frames.filter((f) => f.type === 'response.done').length === 2
          ? resolve()
          : sb.ws.once('message', check);
      check();
    });
    const commits = sb.frames.filter((f) => f.type === 'input_audio_buffer.committed');
    expect(commits).toHaveLength(2);
    expect(commits[1].item_id).not.toBe(commits[0].item_id);
  });

  it('hangup: the call ends with the caller’s reason and the side-band closes 1000; then 409', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test', pingIntervalMs: false });
    const callId = await placeCall(fake);
    await accept(fake, callId);
    const sb = sideband(fake, callId);
    await sb.next('session.created');

    expect(await hook(fake, fakeSipCallerPath(callId, 'hangup'))).toEqual({
      status: 200,
      body: { call_id: callId, state: 'ended' },
    });
    expect(await sb.closed).toEqual({ code: 1000, reason: '' });
    const call = fake.server.calls[0] as FakeSipCall;
    expect(call).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
    await expect(call.ended).resolves.toEqual({ state: 'ended', reason: 'caller_hung_up' });

    const again = await hook(fake, fakeSipCallerPath(callId, 'hangup'));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'invalid_call_state',
      param: 'call_id',
      message: `Call '${callId}' is already ended.`,
    });
    const speak = await hook(fake, fakeSipCallerPath(callId, 'speak'));
    expect(speak.status).toBe(409);
    expect(speak.body.error.message).toContain('is ended');
  });

  it('a ringing call: speak is 409 (nothing reaches a session), hangup ends it unanswered by the caller', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test', pingIntervalMs: false });
    const callId = await placeCall(fake);
    const speak = await hook(fake, fakeSipCallerPath(callId, 'speak'));
    expect(speak).toEqual({
      status: 409,
      body: {
        error: {
          message: `Call '${callId}' is ringing: the caller speaks on an active (accepted) call only.`,
          type: 'invalid_request_error',
          code: 'invalid_call_state',
          param: 'call_id',
        },
      },
    });
    expect(await hook(fake, fakeSipCallerPath(callId, 'hangup'))).toEqual({
      status: 200,
      body: { call_id: callId, state: 'ended' },
    });
    const call = fake.server.calls[0] as FakeSipCall;
    expect(call).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
    await expect(call.accepted).resolves.toBe(false);
  });

  it('refuses a bad body (400, the call untouched), an unknown id (404) and another method (405)', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test', pingIntervalMs: false });
    const callId = await placeCall(fake);
    await accept(fake, callId);
    const path = fakeSipCallerPath(callId, 'speak');
    const refusal = async (body: string) => {
      const res = await hook(fake!, path, body);
      expect(res.status).toBe(400);
      return res.body.error as { code: string; param: string | null; message: string };
    };
    expect((await refusal('{')).code).toBe('invalid_json');
    expect(await refusal('[600]')).toMatchObject({ code: 'invalid_type', param: 'body' });
    expect(await refusal('{"speechMs":"600"}')).toMatchObject({
      code: 'invalid_type',
      param: 'speechMs',
      message: "Invalid type for 'speechMs': expected an integer (ms).",
    });
    expect(await refusal('{"silenceMs":1.5}')).toMatchObject({
      code: 'invalid_type',
      param: 'silenceMs',
    });
    expect(await refusal('{"speechMs":0}')).toMatchObject({
      code: 'integer_below_min_value',
      param: 'speechMs',
    });
    expect(await refusal('{"silenceMs":60001}')).toMatchObject({
      code: 'integer_above_max_value',
      param: 'silenceMs',
    });
    expect(await refusal('{"speech_ms":600}')).toMatchObject({
      code: 'unknown_parameter',
      param: 'speech_ms',
    });
    // nothing was spoken: no audio reached the session
    const call = fake.server.calls[0] as FakeSipCall;
    expect(call.connection?.input.bufferedMs).toBe(0);
    expect(call.connection?.conversation.size).toBe(0);

    const unknown = await hook(fake, fakeSipCallerPath('rtc_nope', 'hangup'));
    expect(unknown).toEqual({
      status: 404,
      body: {
        error: {
          message: "Call 'rtc_nope' not found.",
          type: 'invalid_request_error',
          code: 'call_not_found',
          param: 'call_id',
        },
      },
    });
    expect((await hook(fake, fakeSipCallerPath('rtc_nope', 'speak'))).status).toBe(404);
    const get = await fetch(`${origin(fake)}${path}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    // another action under the prefix is not a hook: the ws fake's plain answer
    expect((await fetch(`${origin(fake)}${FAKE_SIP_CALLS_PATH}/${callId}/mute`)).status).toBe(426);
    expect(call.state).toBe('active');
  });

  it('a WebRTC call’s id is 409 (its caller is the peer): the call goes on', async () => {
    const kit = createFakeWebRtc();
    const pc = new kit.RTCPeerConnection();
    pc.addTrack(kit.microphone());
    const channel = pc.createDataChannel(RTC_EVENTS_CHANNEL);
    const opened = deferred<void>();
    channel.onopen = () => opened.resolve();
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const res = await kit.fetch('https://api.openai.com/v1/realtime/calls', {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/sdp' },
      body: offer.sdp ?? '',
    });
    const callId = String(res.headers.get('location')).split('/').pop() ?? '';
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    await opened.promise;
    fake = await startFakeWsServer({ server: kit.server, pingIntervalMs: false });
    expect(kit.server.calls[0]).toMatchObject({ callId, kind: 'webrtc', state: 'active' });
    for (const action of ['speak', 'hangup'] as const) {
      const answer = await hook(fake, fakeSipCallerPath(callId, action));
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'invalid_call_type', param: 'call_id' });
      expect(answer.body.error.message).toContain('is a WebRTC call');
    }
    expect(kit.server.calls[0]?.state).toBe('active');
    pc.close();
  });

  it('refuses a client off loopback (403) before reading anything', () => {
    const sent: { status?: number; body?: string } = {};
    const req = {
      url: fakeSipCallerPath('rtc_0001', 'hangup'),
      method: 'POST',
      socket: { remoteAddress: '192.0.2.7' },
    } as unknown as IncomingMessage;
    const res = {
      setHeader: () => res,
      writeHead: (status: number) => ((sent.status = status), res),
      end: (body: string) => (sent.body = body),
    } as unknown as ServerResponse;
    let asked = false;
    const served = serveFakeSipCaller(req, res, () => ((asked = true), undefined));
    expect(served).toBe(true);
    expect(sent.status).toBe(403);
    expect(JSON.parse(sent.body ?? '').error.message).toBe(
      '/fake/sip/calls/rtc_0001/hangup is served to loopback clients only.',
    );
    expect(asked).toBe(false);
  });
});
