/**
 * How a call starts and ends, and what it survives: Twilio's `stop`, a socket closed under it,
 * a session ended on an error or refused at start (401), malformed frames, audio before `start`,
 * a dropped provider link, the session's rollover (also under an answer still playing), a dead
 * Twilio connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectFakeTwilio } from '@voxwire/testing/ws';
import type { FakeTwilioCall } from '@voxwire/testing/ws';
import { DEFAULT_START_TIMEOUT_MS } from '../src/bridge-options.js';
import { DEFAULT_HEARTBEAT_MS } from '../src/heartbeat.js';
import { KEY, LONG, LONG_MS, io, startCall } from './helpers.js';
import type { Cleanups } from './helpers.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a call’s lifecycle', () => {
  it('Twilio’s stop closes the session; the fake server sees the close, then Twilio’s socket is closed', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    expect(await c.run(() => c.fake.server.connections[0]?.open === true)).toBe(true);
    const call = c.call()!;
    c.twilio.stop();
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    expect(c.twilio.closeEvent).toEqual({ code: 1000, reason: 'stream stopped' });
    expect(call.session.connectionState.status).toBe('closed');
    expect(c.fake.server.connections[0]!.open).toBe(false);
    expect(c.fake.server.connections[0]!.closeInfo?.code).toBe(1000);
    expect(await c.run(() => c.bridge.calls.size === 0)).toBe(true);
  });

  it('Twilio’s socket closing (no stop) closes the session too', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    expect(await c.run(() => c.fake.server.connections[0]?.open === true)).toBe(true);
    c.twilio.socket.close(1001, 'going away');
    expect(await c.run(() => c.fake.server.connections[0]!.open === false)).toBe(true);
    expect(c.call()).toBeUndefined();
    // the call's end is in the log, with Twilio's close (the only trace of a hang-up without stop)
    expect(c.logs).toContainEqual({
      level: 'info',
      message: 'call ended: Twilio closed the socket',
      fields: { code: 1001, reason: 'going away', callSid: 'CA1' },
    });
  });

  it('a media stream that never sends start is ended after startTimeoutMs (1008, logged): its session is closed, not held open', async () => {
    const c = await startCall(cleanups);
    // the session opens with the socket; "Twilio" answers pings and sends nothing at all
    const opened = c.clock.now();
    expect(await c.run(() => c.fake.server.connections[0]?.open === true)).toBe(true);
    expect(await c.run(() => c.twilio.closeEvent !== undefined, 60_000)).toBe(true);
    expect(c.clock.now() - opened).toBeGreaterThanOrEqual(DEFAULT_START_TIMEOUT_MS);
    expect(c.clock.now() - opened).toBeLessThanOrEqual(DEFAULT_START_TIMEOUT_MS + 100);
    expect(c.twilio.closeEvent).toEqual({
      code: 1008,
      reason: `no start message within ${DEFAULT_START_TIMEOUT_MS} ms`,
    });
    expect(c.logs).toContainEqual({
      level: 'error',
      message: 'no start message from Twilio in time: ending the call',
      fields: { startTimeoutMs: DEFAULT_START_TIMEOUT_MS },
    });
    expect(await c.run(() => c.fake.server.connections[0]!.open === false)).toBe(true);
    expect(c.bridge.calls.size).toBe(0);
  });

  it('…and a start in time keeps the call past startTimeoutMs', async () => {
    const c = await startCall(cleanups, { bridge: { startTimeoutMs: 1_000 } });
    expect(await c.run(() => c.clock.now() >= 900)).toBe(true);
    c.twilio.start();
    expect(await c.run(() => c.clock.now() >= 5_000)).toBe(true);
    expect(c.twilio.closeEvent).toBeUndefined();
    expect(c.bridge.calls.size).toBe(1);
  });

  it('a session that ends on an error closes Twilio’s socket with the reason', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    expect(await c.run(() => c.fake.server.connections[0]?.open === true)).toBe(true);
    // the key is revoked: the reconnect after the drop is refused for good
    c.fake.refuseUpgrades(401, Infinity);
    c.fake.server.close(1011, 'server restart');
    expect(await c.run(() => c.twilio.closeEvent !== undefined, 120_000)).toBe(true);
    expect(c.twilio.closeEvent?.code).toBe(1011);
    expect(c.twilio.closeEvent?.reason).toMatch(/^session ended: [A-Z_]+$/);
    expect(c.logs.some((l) => l.message === 'session error')).toBe(true);
  });

  it('malformed, unknown and binary frames are logged and skipped; the call goes on', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    c.twilio.socket.send('{not json');
    c.twilio.json({ event: 'hello' });
    c.twilio.json({ event: 'media', media: { track: 'inbound' } });
    // not base64: it would be decoded leniently into noise and appended as the caller's voice
    c.twilio.json({ event: 'media', media: { track: 'inbound', payload: '!!!not base64***' } });
    c.twilio.json({ event: 'mark', mark: { name: 'never-sent' } });
    c.twilio.socket.send(Buffer.from([1, 2, 3]));
    c.say(600, 600);
    // the call still answers
    expect(await c.run(() => c.twilio.sent('media').length > 0)).toBe(true);
    const skipped = c.logs.filter((l) => l.message === 'Twilio message skipped');
    expect(skipped.map((l) => [l.fields?.['problem'], l.fields?.['event']])).toEqual([
      ['not_json', undefined],
      ['unknown_event', 'hello'],
      ['malformed', 'media'],
      ['malformed', 'media'],
    ]);
    expect(skipped.at(-1)?.fields?.['detail']).toContain('not base64');
    expect(c.logs.some((l) => l.message.startsWith('binary frame skipped'))).toBe(true);
    expect(c.twilio.closeEvent).toBeUndefined();
  });

  it('audio made before Twilio’s start is held and sent with the streamSid once it comes', async () => {
    const c = await startCall(cleanups, { behaviour: (ctx) => ctx.say('Hi.') });
    c.twilio.json({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    c.say(600, 600);
    expect(await c.run(() => c.call()?.session.responses.length === 1)).toBe(true);
    expect(await c.run(() => c.call()?.session.activeResponse === undefined)).toBe(true);
    expect(c.twilio.received).toEqual([]);
    c.twilio.start();
    expect(await c.run(() => c.twilio.sent('mark').length > 0)).toBe(true);
    expect(c.twilio.sent('media').length).toBeGreaterThan(0);
    expect(c.twilio.received.every((m) => m.streamSid === 'MZ1')).toBe(true);
  });

  it('…up to a bound: past it the call is ended with 1008, not held without end', async () => {
    const c = await startCall(cleanups, { bridge: { maxMessagesBeforeStart: 4 } });
    c.twilio.json({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    c.say(600, 600);
    expect(await c.run(() => c.twilio.closeEvent !== undefined)).toBe(true);
    expect(c.twilio.closeEvent).toEqual({
      code: 1008,
      reason: 'no start message after 4 messages',
    });
    expect(c.twilio.received).toEqual([]);
    expect(c.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'no start message from Twilio: ending the call',
      }),
    );
    expect(await c.run(() => c.fake.server.connections[0]!.open === false)).toBe(true);
  });

  it('onStart sees the call’s ids and <Parameter>s, and its per-call instructions reach the server', async () => {
    const seen: { callSid: string | undefined; params: Record<string, string> }[] = [];
    const c = await startCall(cleanups, {
      bridge: {
        onStart: (call, session) => {
          seen.push({ callSid: call.callSid, params: { ...call.customParameters } });
          void session.sessionUpdate({ instructions: `Greet ${call.customParameters['name']}.` });
        },
      },
    });
    expect(c.call()!.customParameters).toEqual({});
    c.twilio.start({ name: 'Ada' });
    expect(await c.run(() => seen.length === 1)).toBe(true);
    expect(seen).toEqual([{ callSid: 'CA1', params: { name: 'Ada' } }]);
    expect(c.call()!.callSid).toBe('CA1');
    expect(
      await c.run(() => c.fake.server.connections[0]?.session['instructions'] === 'Greet Ada.'),
    ).toBe(true);
  });

  it('a key press reaches onDtmf', async () => {
    const digits: string[] = [];
    const c = await startCall(cleanups, { bridge: { onDtmf: (d) => digits.push(d) } });
    c.twilio.start();
    c.twilio.dtmf('7');
    expect(await c.run(() => digits.length === 1)).toBe(true);
    expect(digits).toEqual(['7']);
  });

  it('an onDtmf that throws is logged; the call goes on', async () => {
    const c = await startCall(cleanups, {
      bridge: {
        onDtmf: () => {
          throw new Error('app bug');
        },
      },
    });
    c.twilio.start();
    c.twilio.dtmf('1');
    c.say(600, 600);
    expect(await c.run(() => c.twilio.sent('media').length > 0)).toBe(true);
    expect(c.logs).toContainEqual({
      level: 'error',
      message: 'Twilio message handling failed',
      fields: { event: 'dtmf', error: 'app bug', callSid: 'CA1' },
    });
    expect(c.twilio.closeEvent).toBeUndefined();
  });

  it('the provider link drops between turns: the session reconnects and the call answers on', async () => {
    const c = await startCall(cleanups, { behaviour: (ctx) => ctx.say('Hello there.') });
    c.twilio.start();
    c.say(600, 600);
    expect(await c.run(() => c.call()?.session.responses.length === 1)).toBe(true);
    const session = c.call()!.session;
    expect(
      await c.run(() => session.activeResponse === undefined && c.twilio.held.length === 0),
    ).toBe(true);
    const before = c.twilio.sent('media').length;
    for (const socket of c.fake.sockets) socket.terminate();
    expect(
      await c.run(
        () => c.fake.server.connections.length === 2 && session.connectionState.status === 'open',
      ),
    ).toBe(true);
    c.say(600, 600);
    expect(
      await c.run(() => session.responses.length === 2 && session.activeResponse === undefined),
    ).toBe(true);
    expect(c.twilio.sent('media').length).toBeGreaterThan(before);
    expect(c.twilio.closeEvent).toBeUndefined();
  });

  it('the provider refuses the key at start (401): Twilio’s socket is closed with 1011 and the error’s code, the call is gone, and no log carries the key', async () => {
    const c = await startCall(cleanups);
    c.fake.refuseUpgrades(401, Infinity);
    c.twilio.start();
    expect(await c.run(() => c.twilio.closeEvent !== undefined, 60_000)).toBe(true);
    expect(c.twilio.closeEvent?.code).toBe(1011);
    expect(c.twilio.closeEvent?.reason).toMatch(/^session ended: [A-Z_]+$/);
    expect(await c.run(() => c.bridge.calls.size === 0)).toBe(true);
    expect(c.fake.server.connections).toHaveLength(0);
    expect(c.logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(c.logs)).not.toContain(KEY);
    expect(JSON.stringify(c.logs)).not.toContain('PHONE-BRIDGE-test');
  });

  it('the session rolls over to a fresh connection at a quiet moment mid-call: the call answers on, and a barge-in cuts the new answer at its marks', async () => {
    const c = await startCall(cleanups, {
      behaviour: (ctx) => ctx.say('Hello there.'),
      // the API's minimum: renewed at its half, 30 s in
      maxSessionDurationMs: 60_000,
      rolloverMarginMs: 50_000,
    });
    c.twilio.start();
    c.say(600, 600);
    expect(await c.run(() => c.call()?.session.responses.length === 1)).toBe(true);
    const session = c.call()!.session;
    // renewed before its minute was up, the server never expiring it
    expect(
      await c.run(
        () => c.fake.server.connections.length === 2 && session.connectionState.status === 'open',
        45_000,
      ),
    ).toBe(true);
    expect(c.clock.now()).toBeLessThan(40_000);
    expect(c.fake.server.connections[0]!.closeInfo?.code).not.toBe(1001);
    expect(session.stats.rollovers).toBe(1);
    expect(c.twilio.closeEvent).toBeUndefined();

    // the next turn, on the fresh connection, answered at length and talked over
    c.fake.server.queueResponse((ctx) => ctx.say(LONG_TEXT));
    c.say(600, 600);
    expect(await c.run(() => c.twilio.playedMs >= 1_400 + 800)).toBe(true);
    const answer = session.responses.at(-1)!.output[0]!.content[0]!;
    expect(answer.text).toBe(LONG_TEXT);
    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.truncate').length === 1)).toBe(true);
    const truncate = c.wire('conversation.item.truncate')[0]!;
    expect(truncate).toMatchObject({ item_id: answer.itemId, content_index: 0 });
    expect(truncate['audio_end_ms'] as number).toBeGreaterThan(0);
    expect(truncate['audio_end_ms'] as number).toBeLessThan(answer.audioDurationMs);
    expect(c.twilio.closeEvent).toBeUndefined();
  });

  it('an answer still playing on the phone when the session rolls over is cut at its marks at a barge-in after it (deleted and retold as the words heard)', async () => {
    const c = await startCall(cleanups, {
      maxSessionDurationMs: 60_000,
      rolloverMarginMs: 50_000,
    });
    c.twilio.start();
    // the turn ends just before the rollover is due (30 s): the answer is all sent by then, and
    // the phone plays it on across the new connection
    expect(await c.run(() => c.clock.now() >= 28_000, 45_000)).toBe(true);
    c.say(600, 600);
    expect(await c.run(() => c.fake.server.connections.length === 2, 45_000)).toBe(true);
    const session = c.call()!.session;
    const answer = session.responses.at(-1)!.output[0]!.content[0]!;
    expect(answer.audioDurationMs).toBe(LONG_MS);
    expect(c.twilio.held.length).toBeGreaterThan(0);
    expect(await c.run(() => session.connectionState.status === 'open')).toBe(true);
    const playedBefore = c.twilio.playedMs;
    expect(await c.run(() => c.twilio.playedMs >= playedBefore + 600)).toBe(true);

    c.fake.server.queueResponse((ctx) => ctx.say('Sure.'));
    c.line.splice(0);
    c.say(600, 600);
    expect(await c.run(() => c.wire('conversation.item.delete').length === 1)).toBe(true);
    expect(c.wire('conversation.item.delete')[0]).toMatchObject({ item_id: answer.itemId });
    expect(c.wire('conversation.item.truncate')).toEqual([]);
    // retold as the words the marks confirmed, not the whole answer the new server was given
    const retold = c.wire('conversation.item.create').at(-1)!['item'] as {
      role: string;
      content: { text: string }[];
    };
    expect(retold.role).toBe('assistant');
    const heard = retold.content[0]!.text;
    expect(heard).toMatch(/^One two three .*\.\.\.$/);
    expect(LONG.startsWith(heard.slice(0, -3))).toBe(true);
    expect(heard.length).toBeLessThan(LONG.length / 2);
    expect(
      await c.run(() => session.responses.at(-1)?.text === 'Sure.' && !session.activeResponse),
    ).toBe(true);
    expect(c.twilio.closeEvent).toBeUndefined();
  });

  it('Twilio’s connection goes dead (no close, no pong): the call is ended within two heartbeats, the session closed, not left billing', async () => {
    const c = await startCall(cleanups, { twilioAnswersPings: false });
    c.twilio.start();
    expect(await c.run(() => c.fake.server.connections[0]?.open === true)).toBe(true);
    const session = c.call()!.session;
    const opened = c.clock.now();
    expect(await c.run(() => c.bridge.calls.size === 0, 60_000)).toBe(true);
    expect(c.clock.now() - opened).toBeLessThanOrEqual(2 * DEFAULT_HEARTBEAT_MS + 100);
    expect(c.clock.now() - opened).toBeGreaterThan(DEFAULT_HEARTBEAT_MS);
    expect(session.connectionState.status).toBe('closed');
    expect(c.fake.server.connections[0]!.open).toBe(false);
    expect(c.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Twilio socket unresponsive: ending the call',
      }),
    );
  });

  it('a live connection answers the pings: the call goes on across many heartbeats', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    expect(await c.run(() => c.clock.now() >= 5 * DEFAULT_HEARTBEAT_MS, 120_000)).toBe(true);
    expect(c.bridge.calls.size).toBe(1);
    expect(c.twilio.closeEvent).toBeUndefined();
  });
  it('the server’s close() ends the calls in flight, and a media stream opened while it closes is refused, not left running', async () => {
    const c = await startCall(cleanups);
    c.twilio.start();
    expect(await c.run(() => c.fake.server.connections[0]?.open === true)).toBe(true);
    const closing = c.bridge.close();
    let late: FakeTwilioCall | undefined;
    const refused = await connectFakeTwilio(`ws://127.0.0.1:${c.bridge.port}/media-stream`).then(
      (client) => {
        late = client;
        return false;
      },
      () => true,
    );
    cleanups.push(async () => late?.socket.terminate());
    await closing;
    await io();
    expect(c.twilio.closeEvent?.code).toBe(1000);
    expect(c.bridge.calls.size).toBe(0);
    // the late one never got a session (or had it closed with the server)
    expect(refused || late?.closeEvent !== undefined).toBe(true);
    expect(c.fake.server.connections.every((connection) => !connection.open)).toBe(true);
  });
});

const LONG_TEXT = 'One two three four five six seven eight nine ten.';
