/**
 * SIP mode end to end over real loopback sockets: the fake SIP trunk rings, its signed webhook
 * reaches the bridge's `/openai/webhook`, the bridge accepts the call and drives it over a
 * side-band session; the caller hangs up and the session ends cleanly. Also: refused webhooks,
 * ignored event types, a failed accept, and the bridge's close hanging up live calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { realtimeCalls } from '@voxwire/node';
import type { FakeSipCall } from '@voxwire/testing';
import {
  CALL_ID_PLACEHOLDER,
  fakeSipCurlCommands,
  generateWebhookSecret,
} from '../src/fake-sip.js';
import { DEFAULT_SIP_INSTRUCTIONS, DEFAULT_SIP_VOICE, OPENAI_WEBHOOK_PATH } from '../src/sip.js';
import type { Cleanups } from './helpers.js';
import { startSipBridge } from './sip-helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SIP mode (OpenAI’s SIP trunk)', () => {
  it('verifies the webhook, accepts, greets and answers the caller; the caller’s hang-up ends the session cleanly', async () => {
    const s = await startSipBridge(cleanups);
    s.fake.server.queueResponse((ctx) => ctx.say('Hello, you reached the bridge.'));
    s.fake.server.queueResponse((ctx) => ctx.say('I heard you.'));

    const call = s.fake.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 200 });
    await s.steps(() => call.state === 'active' && s.bridge.sipCalls.size === 1, 'the accept');
    expect(call.acceptBody).toMatchObject({
      type: 'realtime',
      model: 'gpt-realtime',
      instructions: DEFAULT_SIP_INSTRUCTIONS,
      audio: {
        input: { format: { type: 'audio/pcmu' } },
        output: { format: { type: 'audio/pcmu' }, voice: DEFAULT_SIP_VOICE },
      },
    });
    const sipCall = [...s.bridge.sipCalls][0]!;
    expect(sipCall.callId).toBe(call.callId);
    expect(sipCall.from).toBe('sip:+14155550123@carrier.example');
    expect(sipCall.session.audioPath).toBe('media');

    // the greeting: the side-band asks, the call's session plays it to the caller
    await s.steps(() => call.outputAudio[0]?.state === 'stopped', 'the greeting played');
    expect(call.outputAudio[0]!.generatedMs).toBeGreaterThan(0);

    // the caller speaks; the call's session answers, seen by the side-band too
    expect(call.speakTurn(600, 700)).toBe(true);
    await s.steps(() => call.outputAudio[1]?.state === 'stopped', 'the answer played');
    await s.steps(
      () => sipCall.session.responses.filter((r) => r.status === 'completed').length === 2,
      'both responses seen on the side-band',
    );
    const sideband = call.clientEvents.filter((e) => e.via === 'sideband');
    expect(sideband.map((e) => e.event['type'])).toEqual(
      expect.arrayContaining(['session.update', 'response.create']),
    );
    const update = sideband.find((e) => e.event['type'] === 'session.update')!.event;
    expect(update).toMatchObject({ session: { instructions: DEFAULT_SIP_INSTRUCTIONS } });

    // the caller hangs up: the server closes the side-band (1000) and the session ends, no retry
    call.hangUp();
    await sipCall.ended;
    expect(sipCall.session.connectionState).toEqual({ status: 'closed', error: undefined });
    expect(s.bridge.sipCalls.size).toBe(0);
    expect(call.endReason).toBe('caller_hung_up');
    expect(call.sidebands).toHaveLength(1);
    expect(s.logs.map((l) => l.message)).toEqual(
      expect.arrayContaining(['SIP call incoming', 'SIP call accepted', 'SIP call ended']),
    );
    expect(s.problems()).toEqual([]);
  });

  it('a delivery of a call’s webhook after the call ended is answered 200 and ignored: no accept, no error', async () => {
    const s = await startSipBridge(cleanups);
    const call = s.fake.sip.incoming();
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 200 });
    await s.steps(() => s.bridge.sipCalls.size === 1, 'the accept');
    const sipCall = [...s.bridge.sipCalls][0]!;
    call.hangUp();
    await sipCall.ended;
    // a late retry, or a replay, of the same event: signed afresh
    const answer = await s.postSigned('wh_late', JSON.stringify(call.webhookEvent));
    expect(answer.status).toBe(200);
    await s.steps(
      () => s.logs.some((l) => l.message === 'SIP call already ended: webhook ignored'),
      'the ignored delivery',
    );
    expect(s.logs.filter((l) => l.message === 'SIP call accepted')).toHaveLength(1);
    expect(s.logs.filter((l) => l.message === 'SIP call incoming')).toHaveLength(1);
    expect(s.problems()).toEqual([]);
  });

  it('a webhook with a bad signature is answered 400 and logged; nothing is accepted', async () => {
    const s = await startSipBridge(cleanups, {
      sip: (trunk) => ({ ...trunk.sip, webhookSecret: generateWebhookSecret() }),
    });
    const call = s.fake.sip.incoming();
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 400 });
    // and one without any signature
    const unsigned = await fetch(`${s.bridge.url}${OPENAI_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(call.webhookEvent),
    });
    expect(unsigned.status).toBe(400);
    await s.steps(() => s.logs.length >= 2, 'the log lines', 5);
    expect(s.logs.map((l) => [l.level, l.message, l.fields?.['code']])).toEqual([
      ['warn', 'OpenAI webhook refused', 'INVALID_SIGNATURE'],
      ['warn', 'OpenAI webhook refused', 'MISSING_HEADER'],
    ]);
    expect(call.state).toBe('ringing');
    expect(call.acceptBody).toBeUndefined();
    expect(s.bridge.sipCalls.size).toBe(0);
  });

  it('another event type, correctly signed, is answered 200 and ignored', async () => {
    const s = await startSipBridge(cleanups);
    const body = JSON.stringify({
      object: 'event',
      id: 'evt_other',
      type: 'response.completed',
      created_at: Math.floor(s.clock.now() / 1000),
      data: { id: 'resp_1' },
    });
    const answer = await s.postSigned('wh_other', body);
    expect(answer.status).toBe(200);
    expect(s.logs).toEqual([
      { level: 'info', message: 'OpenAI webhook ignored', fields: { type: 'response.completed' } },
    ]);
    expect(s.fake.server.calls).toEqual([]);
  });

  it('a second delivery of a call’s webhook (a retry, a duplicate) is answered 200 and accepts nothing twice', async () => {
    const s = await startSipBridge(cleanups);
    const call = s.fake.sip.incoming();
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 200 });
    // the same event again, as OpenAI sends it on a retry: same id, signed afresh
    const body = JSON.stringify(call.webhookEvent);
    const redeliver = () => s.postSigned('wh_retry', body);
    // while the first accept is in flight, and once the call is live
    expect((await redeliver()).status).toBe(200);
    await s.steps(() => s.bridge.sipCalls.size === 1, 'the accept');
    expect((await redeliver()).status).toBe(200);
    await s.steps(
      () => s.logs.filter((l) => l.message === 'SIP call repeated').length === 2,
      'the repeats',
    );
    expect(s.fake.server.calls.filter((c) => c.callId === call.callId)).toHaveLength(1);
    expect(s.bridge.sipCalls.size).toBe(1);
    expect(s.logs.filter((l) => l.message === 'SIP call accepted')).toHaveLength(1);
    expect(s.problems()).toEqual([]);
    expect(call.state).toBe('active');
  });

  it('a failed accept is logged with its code and the call is rejected', async () => {
    const s = await startSipBridge(cleanups, {
      sip: (trunk) => {
        // a revoked key for the accept only: the reject still gets through
        const baseURL = trunk.fake.url.replace(/^ws/, 'http');
        const revoked = realtimeCalls({ apiKey: 'sk-revoked', baseURL, env: {} });
        return { ...trunk.sip, calls: { ...trunk.sip.calls, accept: revoked.accept } };
      },
    });
    const call = s.fake.sip.incoming();
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 200 });
    await s.steps(() => call.state === 'rejected', 'the reject');
    expect(call.rejectStatus).toBe(603);
    expect(s.problems()).toEqual([
      {
        level: 'error',
        message: 'SIP call could not be accepted',
        fields: expect.objectContaining({ callId: call.callId, code: 'HTTP_ERROR', status: 401 }),
      },
    ]);
    expect(s.bridge.sipCalls.size).toBe(0);
  });

  it('closing the bridge (Ctrl-C) hangs up every live SIP call and closes its session', async () => {
    const s = await startSipBridge(cleanups);
    s.fake.server.queueResponse((ctx) => ctx.say('Hello.'));
    const first = s.fake.sip.incoming();
    const second = s.fake.sip.incoming();
    await s.steps(() => s.bridge.sipCalls.size === 2, 'both accepts');
    const sessions = [...s.bridge.sipCalls].map((c) => c.session);
    await s.steps(
      () => sessions.every((session) => session.connectionState.status === 'open'),
      'both side-bands',
    );
    let closed = false;
    const closing = s.bridge.close().then(() => (closed = true));
    await s.steps(() => closed, 'the close');
    await closing;
    expect([first.state, second.state]).toEqual(['ended', 'ended']);
    expect([first.endReason, second.endReason]).toEqual(['hangup', 'hangup']);
    for (const session of sessions) expect(session.connectionState.status).toBe('closed');
    expect(s.bridge.sipCalls.size).toBe(0);
    expect(s.problems()).toEqual([]);
  });

  it('the printed curl commands drive the fake trunk’s caller both ways: ring, speak, hang up', async () => {
    const s = await startSipBridge(cleanups);
    s.fake.server.queueResponse((ctx) => ctx.say('Hello, you reached the bridge.'));
    s.fake.server.queueResponse((ctx) => ctx.say('I heard you.'));
    const commands = fakeSipCurlCommands(s.trunk);
    const origin = new URL(s.fake.url.replace(/^ws/, 'http')).origin;
    expect(commands).toEqual({
      ring: `curl -X POST ${origin}/fake/sip/incoming`,
      speak: `curl -X POST ${origin}/fake/sip/calls/${CALL_ID_PLACEHOLDER}/speak`,
      hangUp: `curl -X POST ${origin}/fake/sip/calls/${CALL_ID_PLACEHOLDER}/hangup`,
    });
    // what a person does with them: run one, the call id of its answer in the next ones
    const run = async (command: string, callId = '') => {
      const url = command.replace(CALL_ID_PLACEHOLDER, callId).replace('curl -X POST ', '');
      const res = await fetch(url, { method: 'POST' });
      return { status: res.status, body: (await res.json()) as { call_id: string } };
    };
    const rung = await run(commands.ring);
    expect(rung.status).toBe(201);
    const callId = rung.body.call_id;
    await s.steps(() => s.bridge.sipCalls.size === 1, 'the accept');
    const call = s.fake.server.calls.find((c) => c.callId === callId) as FakeSipCall;
    await s.steps(() => call.outputAudio[0]?.state === 'stopped', 'the greeting played');

    expect(await run(commands.speak, callId)).toEqual({
      status: 200,
      body: { call_id: callId, state: 'active' },
    });
    await s.steps(() => call.outputAudio[1]?.state === 'stopped', 'the answer played');

    const sipCall = [...s.bridge.sipCalls][0]!;
    expect(await run(commands.hangUp, callId)).toEqual({
      status: 200,
      body: { call_id: callId, state: 'ended' },
    });
    await sipCall.ended;
    expect(call.endReason).toBe('caller_hung_up');
    expect(s.bridge.sipCalls.size).toBe(0);
    expect(s.logs.map((l) => l.message)).toEqual(
      expect.arrayContaining(['SIP call accepted', 'SIP call ended']),
    );
    expect(s.problems()).toEqual([]);
  });
});
