/**
 * Hanging up after the goodbye: `call.hangUp()` waits until the answer has been streamed and the
 * phone has played it (the mark after the last audio came back), so the caller hears the end of
 * it; a phone that stops echoing marks is hung up on after `maxWaitMs`; called from an
 * `end_call` tool, it waits for the goodbye the model gives in its answer to the tool's output.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { endCallTool, startCall } from './helpers.js';
import type { Cleanups } from './helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const GOODBYE = 'Thank you for calling, goodbye.';

/** A started call whose session is configured; `echoMarks: false` makes the phone hold marks. */
async function startedCall(echoMarks = true) {
  const c = await startCall(cleanups);
  c.twilio.start();
  expect(await c.run(() => c.fake.server.sessionConfig !== undefined)).toBe(true);
  c.twilio.echoMarks = echoMarks;
  return { c, call: c.call()! };
}

/** Has the model say goodbye (a generated response). */
function sayGoodbye(c: Awaited<ReturnType<typeof startCall>>): void {
  c.fake.server.queueResponse((ctx) => ctx.say(GOODBYE));
  void c.call()!.session.response.generate();
}

describe('call.hangUp()', () => {
  it('closes the media stream only once the goodbye has been streamed and played', async () => {
    const { c, call } = await startedCall();
    sayGoodbye(c);
    expect(await c.run(() => c.twilio.sent('media').length > 0)).toBe(true);
    let hungUp = false;
    void call.hangUp().then(() => (hungUp = true));
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    expect(hungUp).toBe(true);
    expect(c.twilio.closeEvent).toEqual({ code: 1000, reason: 'call ended' });
    // everything sent was played, and the last mark sent came back before the close
    const sentMs = c.twilio.sent('media').length * 20;
    expect(sentMs).toBeGreaterThan(1_000);
    expect(c.twilio.playedMs).toBeGreaterThanOrEqual(sentMs - 20);
    expect(c.twilio.held).toEqual([]);
    expect(c.twilio.echoed.at(-1)).toBe(c.twilio.sent('mark').at(-1)!.mark!.name);
    expect(c.fake.server.connections[0]!.open).toBe(false);
  });

  it('with nothing playing, hangs up at once', async () => {
    const { c, call } = await startedCall();
    await call.hangUp();
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    expect(c.twilio.sent('media')).toEqual([]);
  });

  it('a phone that stops echoing marks is hung up on after maxWaitMs', async () => {
    const { c, call } = await startedCall(false);
    sayGoodbye(c);
    expect(await c.run(() => c.twilio.sent('media').length > 0)).toBe(true);
    const asked = c.clock.now();
    void call.hangUp({ maxWaitMs: 5_000 });
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    const waited = c.clock.now() - asked;
    expect(waited).toBeGreaterThanOrEqual(5_000);
    expect(waited).toBeLessThanOrEqual(5_100);
    expect(call.marksOutstanding).toBe(0); // emptied at the end
  });

  it('a barge-in during the goodbye (streamed, still playing) hangs up once it is cleared, not after an answer to the interruption', async () => {
    // the phone still holds the goodbye when the caller speaks: its marks are not echoed yet
    const { c, call } = await startedCall(false);
    sayGoodbye(c);
    expect(
      await c.run(
        () => call.session.responses.length === 1 && call.session.activeResponse === undefined,
      ),
    ).toBe(true);
    expect(call.marksOutstanding).toBeGreaterThan(0);
    void call.hangUp();
    c.say(600, 600);
    expect(await c.run(() => c.twilio.closeEvent !== undefined, 3_000)).toBe(true);
    expect(c.twilio.closeEvent).toEqual({ code: 1000, reason: 'call ended' });
    // Twilio was told to drop the goodbye, and no answer to the interruption was started
    expect(c.twilio.sent('clear').length).toBeGreaterThanOrEqual(1);
    expect(call.session.responses).toHaveLength(1);
    expect(c.logs.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('a maxWaitMs that is negative, NaN, infinite or over an hour is refused with a ConfigError', async () => {
    const { c, call } = await startedCall();
    for (const maxWaitMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, 3_600_001])
      await expect(call.hangUp({ maxWaitMs })).rejects.toBeInstanceOf(ConfigError);
    // nothing was ended by the refused calls
    expect(c.twilio.closeEvent).toBeUndefined();
  });
});

describe('call.hangUp() from an end_call tool', () => {
  it('waits for the goodbye the model gives after the tool’s output', async () => {
    const c = await startCall(cleanups, {
      bridge: {
        onStart: (call, session) => {
          void session.setTools([endCallTool(call)]);
        },
      },
    });
    c.twilio.start();
    expect(await c.run(() => c.fake.server.sessionConfig !== undefined)).toBe(true);
    // the model calls end_call, then says its goodbye in the answer to the tool's output
    c.fake.server.queueResponse((ctx) => ctx.callFunction('end_call', {}));
    c.fake.server.queueResponse((ctx) => ctx.say(GOODBYE));
    void c.call()!.session.response.create();
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    // the goodbye was streamed and played before the close
    const sentMs = c.twilio.sent('media').length * 20;
    expect(sentMs).toBeGreaterThan(1_000);
    expect(c.twilio.playedMs).toBeGreaterThanOrEqual(sentMs - 20);
    expect(c.twilio.closeEvent).toEqual({ code: 1000, reason: 'call ended' });
  });
});

describe('call.hangUp() right after the app asked for a goodbye', () => {
  it('waits for the goodbye response.create() asked for, not yet started, to be played', async () => {
    const { c, call } = await startedCall();
    c.fake.server.queueResponse((ctx) => ctx.say(GOODBYE));
    void call.session.response.create({ response: { instructions: 'Say goodbye.' } });
    void call.hangUp();
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    const sentMs = c.twilio.sent('media').length * 20;
    expect(sentMs).toBeGreaterThan(1_000);
    expect(c.twilio.playedMs).toBeGreaterThanOrEqual(sentMs - 20);
    expect(c.twilio.closeEvent).toEqual({ code: 1000, reason: 'call ended' });
  });

  it('a goodbye the server refuses is followed by the hang-up at once, not after maxWaitMs', async () => {
    const { c, call } = await startedCall();
    c.fake.server.faults.refuse('response.create');
    const asked = c.clock.now();
    void call.session.response.create({ response: { instructions: 'Say goodbye.' } });
    void call.hangUp({ maxWaitMs: 30_000 });
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    expect(c.clock.now() - asked).toBeLessThan(1_000);
    expect(c.twilio.sent('media')).toEqual([]);
  });
});
