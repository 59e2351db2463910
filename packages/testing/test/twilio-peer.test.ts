/** The scripted Twilio peer of @voxwire/testing/ws, against a bridge the test scripts by hand (events only, no sleeps). */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServerOptionsError } from '../src/index.js';
import {
  closedPort,
  connectFakeTwilio,
  FakeTwilioError,
  startLoopbackWsServer,
} from '../src/ws/index.js';
import type { FakeTwilioOptions } from '../src/ws/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** 20 ms of µ-law silence, base64 (160 bytes of 0xff). */
const FRAME_20MS = Buffer.alloc(160, 0xff).toString('base64');

/** A "bridge": the server end of one Media Streams socket, recording what the peer sends. */
async function call(options: FakeTwilioOptions = {}) {
  const server = await startLoopbackWsServer({ path: '/media-stream' });
  cleanups.push(() => server.close());
  const twilio = await connectFakeTwilio(server.url, options);
  cleanups.push(async () => twilio.socket.terminate());
  const bridge = (await server.nextHandshake()).socket;
  const fromTwilio: Record<string, unknown>[] = [];
  bridge.on('message', (data) => fromTwilio.push(JSON.parse(String(data))));
  /** Sends to the peer and resolves once the peer has handled the frame. */
  const send = async (message: unknown) => {
    const handled = once(twilio.socket, 'message');
    bridge.send(JSON.stringify(message));
    await handled;
  };
  /** Resolves once the bridge holds `count` messages from the peer. */
  const heard = async (count: number) => {
    while (fromTwilio.length < count) await once(bridge, 'message');
    return fromTwilio;
  };
  return { server, twilio, bridge, fromTwilio, send, heard };
}

const media = (payload = FRAME_20MS) => ({ event: 'media', streamSid: 'MZ1', media: { payload } });
const mark = (name: string) => ({ event: 'mark', streamSid: 'MZ1', mark: { name } });

describe('connectFakeTwilio: what "Twilio" sends', () => {
  it('start() sends connected then start; every message after it takes the next sequenceNumber, as Twilio numbers them', async () => {
    const c = await call({ streamSid: 'MZabc', callSid: 'CAabc', accountSid: 'ACabc' });
    c.twilio.start({ name: 'Ada' });
    c.twilio.sendAudio(Buffer.alloc(160, 0xff));
    c.twilio.sendAudio(FRAME_20MS);
    c.twilio.dtmf('#');
    c.twilio.stop();
    const messages = await c.heard(6);
    expect(messages).toEqual([
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
      {
        event: 'start',
        sequenceNumber: '1',
        streamSid: 'MZabc',
        start: {
          streamSid: 'MZabc',
          accountSid: 'ACabc',
          callSid: 'CAabc',
          tracks: ['inbound'],
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
          customParameters: { name: 'Ada' },
        },
      },
      {
        event: 'media',
        sequenceNumber: '2',
        streamSid: 'MZabc',
        media: { track: 'inbound', chunk: '1', timestamp: '0', payload: FRAME_20MS },
      },
      {
        event: 'media',
        sequenceNumber: '3',
        streamSid: 'MZabc',
        media: { track: 'inbound', chunk: '2', timestamp: '20', payload: FRAME_20MS },
      },
      {
        event: 'dtmf',
        sequenceNumber: '4',
        streamSid: 'MZabc',
        dtmf: { track: 'inbound_track', digit: '#' },
      },
      {
        event: 'stop',
        sequenceNumber: '5',
        streamSid: 'MZabc',
        stop: { accountSid: 'ACabc', callSid: 'CAabc' },
      },
    ]);
    expect(c.twilio.sentMessages).toEqual(messages);
  });

  it('defaults: streamSid MZ1, callSid CA1, accountSid AC1, no custom parameters', async () => {
    const c = await call();
    c.twilio.start();
    const [, start] = await c.heard(2);
    expect(start).toMatchObject({
      streamSid: 'MZ1',
      start: { streamSid: 'MZ1', callSid: 'CA1', accountSid: 'AC1', customParameters: {} },
    });
  });

  it('say() queues 20 ms µ-law frames of speech then silence; sendNext() sends them one by one', async () => {
    const c = await call();
    c.twilio.say(40, 20);
    expect(c.twilio.line.map((frame) => frame.length)).toEqual([160, 160, 160]);
    // speech is not µ-law silence (0xff); the silence is
    expect(c.twilio.line[0]!.some((byte) => byte !== 0xff)).toBe(true);
    const frames = [...c.twilio.line];
    expect(c.twilio.sendNext()).toBe(frames[0]);
    c.twilio.sendNext();
    c.twilio.sendNext();
    expect(c.twilio.sendNext()).toBeUndefined();
    const messages = await c.heard(3);
    expect(messages.map((m) => (m['media'] as { payload: string }).payload)).toEqual(
      frames.map((frame) => Buffer.from(frame).toString('base64')),
    );
    expect(messages.map((m) => (m['media'] as { timestamp: string }).timestamp)).toEqual([
      '0',
      '20',
      '40',
    ]);
  });
});

describe('connectFakeTwilio: playing what the bridge sends', () => {
  it('holds the audio until played, and echoes each mark once the audio before it has played', async () => {
    const c = await call();
    c.twilio.start();
    await c.send(media());
    await c.send(mark('a'));
    await c.send(media());
    await c.send(mark('b'));
    await c.send(mark('b2'));
    expect(c.twilio.held).toEqual([
      { leftMs: 20, marks: ['a'] },
      { leftMs: 20, marks: ['b', 'b2'] },
    ]);
    c.twilio.play(10);
    expect(c.twilio.echoed).toEqual([]);
    c.twilio.play(10);
    expect(c.twilio.echoed).toEqual(['a']);
    expect(c.twilio.playedMs).toBe(20);
    c.twilio.play(100);
    expect(c.twilio.echoed).toEqual(['a', 'b', 'b2']);
    expect(c.twilio.playedMs).toBe(40);
    expect(c.twilio.held).toEqual([]);
    const messages = await c.heard(5);
    expect(messages.slice(2)).toEqual([
      { event: 'mark', sequenceNumber: '2', streamSid: 'MZ1', mark: { name: 'a' } },
      { event: 'mark', sequenceNumber: '3', streamSid: 'MZ1', mark: { name: 'b' } },
      { event: 'mark', sequenceNumber: '4', streamSid: 'MZ1', mark: { name: 'b2' } },
    ]);
    expect(c.twilio.sent('media')).toHaveLength(2);
    expect(c.twilio.received.map((m) => m.event)).toEqual([
      'media',
      'mark',
      'media',
      'mark',
      'mark',
    ]);
  });

  it('a mark with nothing held comes straight back', async () => {
    const c = await call();
    await c.send(mark('now'));
    expect(c.twilio.echoed).toEqual(['now']);
    expect(await c.heard(1)).toEqual([
      { event: 'mark', sequenceNumber: '1', streamSid: 'MZ1', mark: { name: 'now' } },
    ]);
  });

  it('clear drops what is held, unplayed, and echoes its marks at once', async () => {
    const c = await call();
    await c.send(media());
    await c.send(mark('a'));
    await c.send(media());
    await c.send(mark('b'));
    c.twilio.play(5);
    await c.send({ event: 'clear', streamSid: 'MZ1' });
    expect(c.twilio.echoed).toEqual(['a', 'b']);
    expect(c.twilio.held).toEqual([]);
    expect(c.twilio.playedMs).toBe(5);
    c.twilio.play(100);
    expect(c.twilio.playedMs).toBe(5);
    expect((await c.heard(2)).map((m) => m['mark'])).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('with echoMarks off the echoes are withheld (played or cleared), and releaseMarks() sends them in order', async () => {
    const c = await call();
    c.twilio.echoMarks = false;
    await c.send(media());
    await c.send(mark('a'));
    await c.send(media());
    await c.send(mark('b'));
    c.twilio.play(20);
    await c.send({ event: 'clear', streamSid: 'MZ1' });
    expect(c.twilio.withheld).toEqual(['a', 'b']);
    expect(c.twilio.echoed).toEqual([]);
    expect(c.twilio.sentMessages).toEqual([]);
    c.twilio.releaseMarks();
    expect(c.twilio.withheld).toEqual([]);
    expect(c.twilio.echoed).toEqual(['a', 'b']);
    expect((await c.heard(2)).map((m) => m['mark'])).toEqual([{ name: 'a' }, { name: 'b' }]);
    // and echoes again from now on
    await c.send(mark('c'));
    expect(c.twilio.echoed).toEqual(['a', 'b', 'c']);
  });

  it('frames it cannot act on are kept in unreadable, not thrown, and change nothing held', async () => {
    const c = await call();
    const handled = (count: number) =>
      new Promise<void>((resolve) => {
        let seen = 0;
        c.twilio.socket.on('message', () => ++seen === count && resolve());
      });
    const all = handled(5);
    c.bridge.send('{not json');
    c.bridge.send(Buffer.from([1, 2, 3]));
    c.bridge.send(JSON.stringify({ streamSid: 'MZ1' }));
    c.bridge.send(JSON.stringify({ event: 'media', media: {} }));
    c.bridge.send(JSON.stringify({ event: 'mark', mark: { name: 7 } }));
    await all;
    expect(c.twilio.unreadable).toEqual([
      { data: '{not json', problem: 'not_json' },
      { data: Buffer.from([1, 2, 3]).toString('base64'), problem: 'binary' },
      { data: '{"streamSid":"MZ1"}', problem: 'no_event' },
      { data: '{"event":"media","media":{}}', problem: 'malformed' },
      { data: '{"event":"mark","mark":{"name":7}}', problem: 'malformed' },
    ]);
    expect(c.twilio.received).toEqual([]);
    expect(c.twilio.held).toEqual([]);
    expect(c.twilio.echoed).toEqual([]);
  });

  it('records the close: closeEvent and closed', async () => {
    const c = await call();
    c.bridge.close(1000, 'call over');
    expect(await c.twilio.closed).toEqual({ code: 1000, reason: 'call over' });
    expect(c.twilio.closeEvent).toEqual({ code: 1000, reason: 'call over' });
  });
});

describe('connectFakeTwilio: bad input', () => {
  it('play() of a negative, NaN or endless time is a TWILIO_INVALID_ARGUMENT', async () => {
    const c = await call();
    for (const ms of [-1, Number.NaN, Infinity])
      expect(() => c.twilio.play(ms)).toThrow(
        expect.objectContaining({ name: 'FakeTwilioError', code: 'TWILIO_INVALID_ARGUMENT' }),
      );
  });

  it('dtmf() of anything but 0-9, * or # is a TWILIO_INVALID_ARGUMENT, and nothing is sent', async () => {
    const c = await call();
    for (const digit of ['', '12', 'x', 'A'])
      expect(() => c.twilio.dtmf(digit)).toThrow(FakeTwilioError);
    expect(c.twilio.sentMessages).toEqual([]);
  });

  it('say() of a bad duration throws FakeServerOptionsError and queues nothing', async () => {
    const c = await call();
    expect(() => c.twilio.say(-20)).toThrow(FakeServerOptionsError);
    expect(c.twilio.line).toEqual([]);
  });

  it('a bridge that cannot be reached is a TWILIO_CONNECT_FAILED with the ws error as its cause', async () => {
    const port = await closedPort();
    const error = await connectFakeTwilio(`ws://127.0.0.1:${port}/media-stream`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FakeTwilioError);
    expect(error).toMatchObject({ code: 'TWILIO_CONNECT_FAILED' });
    expect((error as FakeTwilioError).cause).toBeInstanceOf(Error);
  });
});
