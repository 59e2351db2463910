/**
 * SIP mode's per-call hook and hang-up, end to end over real loopback sockets against the fake
 * SIP trunk: `onCall` sees the caller's SIP headers before the greeting; `call.hangUp()` waits
 * until the caller heard the answer (the side-band's `output_audio_stopped`), ends at once when
 * the caller speaks over it (`output_audio_cleared`), or after `maxWaitMs`; called from an
 * `end_call` tool, it waits for the goodbye the model gives in its answer to the tool's output.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SipCall } from '../src/sip.js';
import { endCallTool, io } from './helpers.js';
import type { Cleanups } from './helpers.js';
import { startSipBridge } from './sip-helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The bridge with an `onCall` that keeps each call (and may throw). */
async function withOnCall(onCall?: (call: SipCall) => void) {
  const seen: SipCall[] = [];
  const s = await startSipBridge(cleanups, {
    sip: (trunk) => ({
      ...trunk.sip,
      onCall: (call) => {
        seen.push(call);
        onCall?.(call);
      },
    }),
  });
  return { ...s, seen };
}

describe('SIP mode: per-call setup and hanging up', () => {
  it('onCall gets the call with its SIP headers before the greeting; a throw is logged and the call goes on', async () => {
    let responsesAtCall: number | undefined;
    const s = await withOnCall((call) => {
      responsesAtCall = call.session.responses.length;
      throw new Error('no CRM today');
    });
    s.fake.server.queueResponse((ctx) => ctx.say('Hello.'));
    const call = s.fake.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
    await s.steps(() => s.seen.length === 1, 'onCall');
    const sipCall = s.seen[0]!;
    expect(sipCall.callId).toBe(call.callId);
    expect(sipCall.from).toBe('sip:+14155550123@carrier.example');
    expect(sipCall.sipHeaders).toEqual(
      (call.webhookEvent.data as { sip_headers: unknown }).sip_headers,
    );
    expect(responsesAtCall).toBe(0);
    await s.steps(() => call.outputAudio[0]?.state === 'stopped', 'the greeting played');
    expect(s.problems()).toEqual([
      {
        level: 'warn',
        message: 'onCall threw',
        fields: { callId: call.callId, error: 'no CRM today' },
      },
    ]);
    expect(call.state).toBe('active');
  });

  it('hangUp() waits until the caller heard the goodbye, then hangs up', async () => {
    const s = await withOnCall();
    s.fake.server.queueResponse((ctx) => ctx.say('Thanks for calling, goodbye!'));
    const call = s.fake.sip.incoming();
    await s.steps(() => call.outputAudio[0]?.state === 'playing', 'the goodbye playing');
    const hungUp = s.seen[0]!.hangUp();
    // still on the line while it plays
    for (let step = 0; step < 5; step++) {
      await io();
      await s.clock.advanceAsync(20);
    }
    expect(call.outputAudio[0]!.state).toBe('playing');
    expect(call.state).toBe('active');
    await s.steps(() => call.state === 'ended', 'the hang-up');
    expect(call.outputAudio[0]!.state).toBe('stopped');
    expect(call.endReason).toBe('hangup');
    await hungUp;
    expect(s.bridge.sipCalls.size).toBe(0);
    expect(s.problems()).toEqual([]);
  });

  it('a side-band drop during the goodbye is not taken for its end: the hang-up waits for the stop heard after the re-attach', async () => {
    const s = await withOnCall();
    s.fake.server.queueResponse((ctx) =>
      ctx.say('Thanks for calling. Before you go, let me read you our opening hours in full.'),
    );
    const call = s.fake.sip.incoming();
    await s.steps(() => call.outputAudio[0]?.state === 'playing', 'the goodbye playing');
    const sipCall = s.seen[0]!;
    const hungUp = sipCall.hangUp();
    call.sidebands[0]!.close(1006, 'network');
    await s.steps(
      () => call.sidebands.length === 2 || call.state === 'ended',
      'the re-attach or the hang-up',
    );
    // the caller was still hearing it: the call stayed up
    expect(call.state).toBe('active');
    expect(call.outputAudio[0]!.state).toBe('playing');
    await s.steps(() => call.state === 'ended', 'the hang-up');
    expect(call.outputAudio[0]!.state).toBe('stopped');
    expect(call.endReason).toBe('hangup');
    await hungUp;
  });

  it('a caller who speaks over the goodbye ends the call there', async () => {
    const s = await withOnCall();
    s.fake.server.queueResponse((ctx) =>
      ctx.say('Thanks for calling. Before you go, let me read you our opening hours in full.'),
    );
    const call = s.fake.sip.incoming();
    await s.steps(() => call.outputAudio[0]?.state === 'playing', 'the goodbye playing');
    const hungUp = s.seen[0]!.hangUp();
    expect(call.speakTurn(400, 700)).toBe(true);
    await s.steps(() => call.state === 'ended', 'the hang-up');
    await hungUp;
    expect(call.outputAudio[0]!.state).toBe('cleared');
    expect(call.endReason).toBe('hangup');
  });

  it('maxWaitMs bounds the wait; a bad one is refused with a ConfigError', async () => {
    const s = await withOnCall();
    s.fake.server.queueResponse((ctx) => ctx.say('A long answer that takes a while to play out.'));
    const call = s.fake.sip.incoming();
    await s.steps(() => call.outputAudio[0]?.state === 'playing', 'the answer playing');
    const sipCall = s.seen[0]!;
    await expect(sipCall.hangUp({ maxWaitMs: -1 })).rejects.toMatchObject({
      name: 'ConfigError',
    });
    expect(call.state).toBe('active');
    const hungUp = sipCall.hangUp({ maxWaitMs: 0 });
    await s.steps(() => call.state === 'ended', 'the hang-up');
    await hungUp;
    // cut short: the answer had not played out
    expect(call.outputAudio[0]!.state).not.toBe('stopped');
    expect(call.endReason).toBe('hangup');
  });
});

describe('SIP mode: an end_call tool', () => {
  it('hangUp() from the tool waits for the goodbye the model gives after the tool’s output', async () => {
    const s = await startSipBridge(cleanups, {
      sip: (trunk) => ({
        ...trunk.sip,
        greet: false,
        onCall: (call, session) => {
          void session.setTools([endCallTool(call)]);
        },
      }),
    });
    // the caller says goodbye; the model calls end_call, then says its own goodbye
    s.fake.server.queueResponse((ctx) => ctx.callFunction('end_call', {}));
    s.fake.server.queueResponse((ctx) => ctx.say('Goodbye, and thanks for calling!'));
    const call = s.fake.sip.incoming();
    await s.steps(() => s.bridge.sipCalls.size === 1 && call.state === 'active', 'the accept');
    const sipCall = [...s.bridge.sipCalls][0]!;
    await s.steps(() => sipCall.session.connectionState.status === 'open', 'the side-band');
    expect(call.speakTurn(500, 700)).toBe(true);
    await s.steps(() => call.state === 'ended', 'the hang-up');
    // the goodbye was played out before the hang-up
    expect(call.outputAudio.map((a) => a.state)).toEqual(['stopped']);
    expect(call.endReason).toBe('hangup');
  });
});

describe('SIP mode: hangUp() right after the app asked for a goodbye', () => {
  /** A call with no greeting, its side-band open. */
  async function quietCall() {
    const s = await startSipBridge(cleanups, {
      sip: (trunk) => ({ ...trunk.sip, greet: false }),
    });
    const call = s.fake.sip.incoming();
    await s.steps(() => s.bridge.sipCalls.size === 1 && call.state === 'active', 'the accept');
    const sipCall = [...s.bridge.sipCalls][0]!;
    await s.steps(() => sipCall.session.connectionState.status === 'open', 'the side-band');
    return { s, call, sipCall };
  }

  it('waits for the goodbye response.create() asked for, not yet started, to be heard', async () => {
    const { s, call, sipCall } = await quietCall();
    s.fake.server.queueResponse((ctx) => ctx.say('Goodbye, and thanks for calling!'));
    void sipCall.session.response.create({ response: { instructions: 'Say goodbye.' } });
    const hungUp = sipCall.hangUp();
    await s.steps(() => call.state === 'ended', 'the hang-up');
    await hungUp;
    expect(call.outputAudio.map((a) => a.state)).toEqual(['stopped']);
    expect(call.endReason).toBe('hangup');
  });

  it('a goodbye the server refuses is followed by the hang-up at once, not after maxWaitMs', async () => {
    const { s, call, sipCall } = await quietCall();
    s.fake.server.faults.refuse('response.create');
    const asked = s.clock.now();
    void sipCall.session.response.create({ response: { instructions: 'Say goodbye.' } });
    const hungUp = sipCall.hangUp({ maxWaitMs: 30_000 });
    await s.steps(() => call.state === 'ended', 'the hang-up');
    await hungUp;
    expect(s.clock.now() - asked).toBeLessThan(1_000);
    expect(call.outputAudio).toEqual([]);
    expect(call.endReason).toBe('hangup');
  });
});
