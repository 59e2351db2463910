/**
 * SIP calls on the in-memory fake: ringing, the webhook, accept → talk → hangup, reject,
 * refer, the ring timeout, and the call-control answers for wrong states and bad bodies.
 */
import { createHmac } from 'node:crypto';
import type { FetchLike } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import {
  createFakeServer,
  FakeServer,
  FakeServerOptionsError,
  SimulatedClock,
} from '../src/index.js';
import type { FakeServerOptions } from '../src/index.js';

type Ev = { type: string; [k: string]: any };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ACCEPT = { type: 'realtime', instructions: 'You answer the phone.' };

const flush = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

function setup(options: FakeServerOptions = {}) {
  const clock = new SimulatedClock({ start: 1_700_000_000_000 });
  const server = new FakeServer({ clock, ...options });
  return { clock, server };
}

async function sideband(server: FakeServer, callId: string) {
  const { transport } = createFakeServer({ server, callId });
  const events: Ev[] = [];
  let closed: number | undefined;
  transport.onmessage = (frame) => events.push(JSON.parse(String(frame)) as Ev);
  transport.onclose = (code) => (closed = code);
  await transport.start();
  await flush();
  return { transport, events, types: () => events.map((e) => e.type), closed: () => closed };
}

// recomputes the Standard Webhooks signature with node:crypto
function verify(headers: Record<string, string>, body: string, secret = SECRET): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
    .digest('base64');
  return headers['webhook-signature'] === `v1,${mac}`;
}

describe('SIP calls (server.sip.incoming)', () => {
  it('rings with the realtime.call.incoming event the webhook carries', () => {
    const { server } = setup();
    const call = server.sip.incoming({
      from: 'sip:+14155550123@carrier.example',
      headers: [{ name: 'X-Account', value: '42' }],
    });
    expect(call).toMatchObject({ kind: 'sip', state: 'ringing', connection: undefined });
    expect(server.calls).toEqual([call]);
    expect(call.webhookEvent).toEqual({
      object: 'event',
      id: expect.stringMatching(/^evt_/),
      type: 'realtime.call.incoming',
      created_at: 1_700_000_000,
      data: {
        call_id: call.callId,
        sip_headers: [
          { name: 'From', value: 'sip:+14155550123@carrier.example' },
          { name: 'To', value: 'sip:+15555550199@sip.api.openai.com' },
          { name: 'Call-ID', value: expect.any(String) },
          { name: 'X-Account', value: '42' },
        ],
      },
    });
    expect(call.callId).toMatch(/^rtc_/);
  });

  it('delivers the signed webhook to the URL: Standard Webhooks headers a node:crypto HMAC verifies', async () => {
    const requests: { url: string; headers: Record<string, string>; body: string }[] = [];
    const fetch: FetchLike = (url, init) => {
      requests.push({ url, headers: init.headers, body: init.body });
      return Promise.resolve({ status: 204, headers: { get: () => null }, text: async () => '' });
    };
    const { server } = setup({
      webhook: { url: 'https://app.example/hooks', secret: SECRET, fetch },
    });
    const call = server.sip.incoming();
    expect(call.webhookDelivery).toEqual({ state: 'pending' });
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 204 });
    expect(call.webhookDelivery).toEqual({ state: 'delivered', status: 204 });
    const [req] = requests;
    expect(req?.url).toBe('https://app.example/hooks');
    expect(req?.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': call.webhookEvent['id'],
      'webhook-timestamp': '1700000000',
    });
    expect(JSON.parse(req?.body ?? '')).toEqual(call.webhookEvent);
    expect(verify(req?.headers ?? {}, req?.body ?? '')).toBe(true);
    expect(
      verify(
        req?.headers ?? {},
        req?.body ?? '',
        'whsec_' + Buffer.from('other').toString('base64'),
      ),
    ).toBe(false);
  });

  it('records a failed delivery; without a webhook, webhookRequest() hands the signed request to the test', async () => {
    const failing: FetchLike = () => Promise.reject(new Error('ECONNREFUSED'));
    const a = setup({ webhook: { url: 'http://127.0.0.1:9/h', secret: SECRET, fetch: failing } });
    await expect(a.server.sip.incoming().webhookDelivered).resolves.toEqual({
      state: 'failed',
      error: 'ECONNREFUSED',
    });
    const b = setup();
    const call = b.server.sip.incoming();
    expect(call.webhookDelivery).toBeUndefined();
    await expect(call.webhookRequest()).rejects.toThrow(FakeServerOptionsError);
    const req = await call.webhookRequest(SECRET);
    expect(req.url).toBeUndefined();
    expect(verify({ ...req.headers }, req.body)).toBe(true);
  });

  it('refuses a malformed webhook option at construction', () => {
    expect(() => setup({ webhook: { url: 'not a url', secret: SECRET } })).toThrow(/webhook.url/);
    expect(() => setup({ webhook: { url: 'https://a.example', secret: 'abc' } })).toThrow(/whsec_/);
  });

  it('accept → the caller speaks → transcript and an answer played to the caller → hangup closes the side-band', async () => {
    const { server, clock } = setup();
    const call = server.sip.incoming();
    expect(call.say(new Int16Array(2400))).toBe(false);
    expect(
      server.acceptCall(call.callId, {
        ...ACCEPT,
        audio: {
          input: { transcription: { model: 'gpt-4o-mini-transcribe' } },
          output: { voice: 'marin' },
        },
      }),
    ).toEqual({
      status: 200,
      body: undefined,
    });
    await expect(call.accepted).resolves.toBe(true);
    expect(call.state).toBe('active');
    expect(call.acceptBody).toMatchObject(ACCEPT);
    const conn = call.connection;
    expect(conn?.audioPath).toBe('media');
    expect(conn?.session).toMatchObject({
      instructions: 'You answer the phone.',
      audio: { output: { voice: 'marin' } },
    });
    const sb = await sideband(server, call.callId);
    expect(sb.events[0]).toMatchObject({
      type: 'session.created',
      session: { instructions: 'You answer the phone.' },
    });
    server.scriptTranscription('What time is it?');
    server.queueResponse((ctx) => ctx.say('Noon.'));
    expect(call.speakTurn(500, 600)).toBe(true);
    await clock.advanceAsync(0);
    await flush();
    expect(sb.types()).toEqual(
      expect.arrayContaining([
        'input_audio_buffer.speech_started',
        'input_audio_buffer.committed',
        'conversation.item.input_audio_transcription.completed',
        'response.done',
        'output_audio_buffer.started',
      ]),
    );
    expect(
      sb.events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed')
        ?.transcript,
    ).toBe('What time is it?');
    await clock.advanceAsync(5_000);
    expect(call.outputAudio).toEqual([
      expect.objectContaining({ state: 'stopped', playedMs: 300 }),
    ]);
    expect(server.hangupCall(call.callId).status).toBe(200);
    await flush();
    await expect(call.ended).resolves.toEqual({ state: 'ended', reason: 'hangup' });
    expect(sb.closed()).toBe(1000);
    expect(conn?.open).toBe(false);
    expect(call.say(new Int16Array(2400))).toBe(false);
  });

  it('the caller hanging up ends the call and closes its side-bands', async () => {
    const { server } = setup();
    const call = server.sip.incoming();
    server.acceptCall(call.callId, ACCEPT);
    const sb = await sideband(server, call.callId);
    call.hangUp();
    await flush();
    expect(call).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
    expect(call.connection?.closeInfo?.code).toBe(1000);
    expect(sb.closed()).toBe(1000);
  });

  it('reject: 603 by default, or the status_code given; then nothing else applies', async () => {
    const { server } = setup();
    const a = server.sip.incoming();
    expect(server.rejectCall(a.callId)).toEqual({ status: 200, body: undefined });
    await expect(a.accepted).resolves.toBe(false);
    await expect(a.ended).resolves.toEqual({ state: 'rejected', reason: undefined });
    expect(a).toMatchObject({ state: 'rejected', rejectStatus: 603 });
    const b = server.sip.incoming();
    expect(server.rejectCall(b.callId, { status_code: 486 }).status).toBe(200);
    expect(b.rejectStatus).toBe(486);
    const late = server.acceptCall(b.callId, ACCEPT);
    expect(late.status).toBe(400);
    expect(late.body?.['error']).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_call_state',
      message: expect.stringContaining('rejected'),
    });
    expect(server.connections).toHaveLength(0);
  });

  it('refer: records the target and ends the call (the transfer leaves the agent)', async () => {
    const { server } = setup();
    const call = server.sip.incoming();
    expect(server.referCall(call.callId, { target_uri: 'tel:+14155550100' }).status).toBe(400);
    server.acceptCall(call.callId, ACCEPT);
    const sb = await sideband(server, call.callId);
    expect(server.referCall(call.callId, { target_uri: 'tel:+14155550100' })).toEqual({
      status: 200,
      body: undefined,
    });
    await flush();
    expect(call).toMatchObject({
      state: 'ended',
      endReason: 'referred',
      referTargets: ['tel:+14155550100'],
    });
    expect(sb.closed()).toBe(1000);
  });

  it('an unanswered call rings out after 30 s on the server clock (sipRingTimeoutMs changes it)', async () => {
    const { server, clock } = setup();
    const call = server.sip.incoming();
    clock.advance(29_999);
    expect(call.state).toBe('ringing');
    clock.advance(1);
    expect(call).toMatchObject({ state: 'ended', endReason: 'unanswered' });
    await expect(call.accepted).resolves.toBe(false);
    expect(server.acceptCall(call.callId, ACCEPT).status).toBe(400);
    const short = setup({ sipRingTimeoutMs: 5_000 });
    const quick = short.server.sip.incoming();
    short.clock.advance(5_000);
    expect(quick.state).toBe('ended');
    // an accepted call does not ring out
    const kept = short.server.sip.incoming();
    short.server.acceptCall(kept.callId, ACCEPT);
    short.clock.advance(60_000);
    expect(kept.state).toBe('active');
  });

  it('a caller hanging up while ringing ends the call unanswered by the app', async () => {
    const { server } = setup();
    const call = server.sip.incoming();
    call.hangUp();
    expect(call).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
    await expect(call.ended).resolves.toEqual({ state: 'ended', reason: 'caller_hung_up' });
  });

  it('answers 404 for an unknown call, 400 for wrong states and bad bodies', () => {
    const { server } = setup({ models: ['gpt-realtime'] });
    expect(server.acceptCall('rtc_nope', ACCEPT)).toMatchObject({
      status: 404,
      body: { error: { code: 'call_not_found', message: "Call 'rtc_nope' not found." } },
    });
    expect(server.hangupCall('rtc_nope').status).toBe(404);
    const call = server.sip.incoming();
    const bad = (r: { status: number; body: any }) => [
      r.status,
      r.body?.error?.code,
      r.body?.error?.param,
    ];
    expect(bad(server.hangupCall(call.callId))).toEqual([400, 'invalid_call_state', 'call_id']);
    expect(bad(server.acceptCall(call.callId, 'x'))).toEqual([400, 'invalid_type', 'body']);
    expect(bad(server.acceptCall(call.callId, {}))).toEqual([
      400,
      'missing_required_parameter',
      'type',
    ]);
    expect(bad(server.acceptCall(call.callId, { type: 'transcription' }))).toEqual([
      400,
      'invalid_value',
      'type',
    ]);
    expect(bad(server.acceptCall(call.callId, { ...ACCEPT, colour: 'red' }))).toEqual([
      400,
      'unknown_parameter',
      'colour',
    ]);
    expect(bad(server.acceptCall(call.callId, { ...ACCEPT, model: 'gpt-4o' }))).toEqual([
      400,
      'invalid_model',
      'model',
    ]);
    expect(bad(server.rejectCall(call.callId, { status_code: 200 }))).toEqual([
      400,
      'integer_below_min_value',
      'status_code',
    ]);
    expect(bad(server.rejectCall(call.callId, { status_code: 700 }))).toEqual([
      400,
      'integer_above_max_value',
      'status_code',
    ]);
    expect(bad(server.rejectCall(call.callId, { status_code: 486.5 }))).toEqual([
      400,
      'invalid_type',
      'status_code',
    ]);
    expect(call.state).toBe('ringing');
    server.acceptCall(call.callId, ACCEPT);
    expect(bad(server.referCall(call.callId, { target_uri: 'https://x' }))).toEqual([
      400,
      'invalid_value',
      'target_uri',
    ]);
    expect(bad(server.referCall(call.callId, {}))).toEqual([
      400,
      'missing_required_parameter',
      'target_uri',
    ]);
    expect(bad(server.acceptCall(call.callId, ACCEPT))).toEqual([
      400,
      'invalid_call_state',
      'call_id',
    ]);
    expect(bad(server.rejectCall(call.callId))).toEqual([400, 'invalid_call_state', 'call_id']);
    expect(call.state).toBe('active');
  });
});
