/**
 * What a fake server keeps of a long run: recorded appends keep their audio for the last
 * `keepAppendedAudioMs` of each connection only, and closed connections beyond the newest
 * `keepClosedConnections` let go of their conversation and audio. Short tests see everything.
 */
import { pcm16ToBase64 } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import {
  FakeServer,
  FakeServerOptionsError,
  SimulatedClock,
  tone,
  type FakeServerOptions,
  type JsonObject,
} from '../src/index.js';
import { connect } from './helpers.js';

const FRAME = pcm16ToBase64(tone(100)); // 100 ms of PCM16 at 24 kHz
const isAppend = (e: JsonObject) => e['type'] === 'input_audio_buffer.append';
const hasAudio = (e: JsonObject) => typeof e['audio'] === 'string';

describe('recorded appends keep their audio for the last keepAppendedAudioMs', () => {
  it('by default the last 60 s of each connection keep it; older appends stay, without audio', async () => {
    const c = await connect();
    const first = c.server.expectClientEvent('input_audio_buffer.append');
    for (let i = 0; i < 1_000; i++) c.send({ type: 'input_audio_buffer.append', audio: FRAME });
    c.send({ type: 'input_audio_buffer.clear' });
    await c.flush();
    for (const log of [c.server.clientEvents, c.server.connections[0]!.clientEvents]) {
      const appends = log.filter(isAppend);
      // every append is still there, in order, so counts and indices are as before
      expect(appends).toHaveLength(1_000);
      expect(log.at(-1)?.['type']).toBe('input_audio_buffer.clear');
      expect(appends.slice(0, 400).some(hasAudio)).toBe(false);
      expect(appends.slice(400).every((e) => e['audio'] === FRAME)).toBe(true);
      expect(appends[0]).toEqual({ type: 'input_audio_buffer.append' });
    }
    // a copy took its place: the event an expectation resolved with keeps its audio
    expect((await first)['audio']).toBe(FRAME);
    // an expectation made now still matches in the same order: the first append, as it is now
    expect(await c.server.expectClientEvent('input_audio_buffer.append')).not.toHaveProperty(
      'audio',
    );
  });

  it('a short test keeps every append whole', async () => {
    const c = await connect();
    for (let i = 0; i < 600; i++) c.send({ type: 'input_audio_buffer.append', audio: FRAME });
    await c.flush();
    expect(c.server.clientEvents.filter(isAppend).every(hasAudio)).toBe(true);
  });

  it('counts ms in the input format of the session (G.711: 8 kHz, a byte a sample)', async () => {
    const c = await connect({ keepAppendedAudioMs: 1_000 });
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' } } } },
    });
    const ulaw = Buffer.alloc(800, 0xff).toString('base64'); // 100 ms
    for (let i = 0; i < 15; i++) c.send({ type: 'input_audio_buffer.append', audio: ulaw });
    await c.flush();
    const appends = c.server.clientEvents.filter(isAppend);
    expect(appends.map(hasAudio)).toEqual([...Array(5).fill(false), ...Array(10).fill(true)]);
  });

  it('Infinity keeps every append whole; 0 keeps none', async () => {
    const all = await connect({ keepAppendedAudioMs: Infinity });
    const none = await connect({ keepAppendedAudioMs: 0 });
    for (const c of [all, none])
      for (let i = 0; i < 700; i++) c.send({ type: 'input_audio_buffer.append', audio: FRAME });
    await all.flush();
    await none.flush();
    expect(all.server.clientEvents.filter(hasAudio)).toHaveLength(700);
    expect(none.server.clientEvents.filter(hasAudio)).toHaveLength(0);
    expect(none.server.clientEvents.filter(isAppend)).toHaveLength(700);
  });
});

// One connection after another on `server`, each with a user turn of audio the server
// committed and an item of its own, closed by the client.
async function connectionsInTurn(server: FakeServer, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const accepted = server.accept({ send() {}, close() {} });
    const send = (e: object) => accepted.receive(JSON.stringify(e));
    send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    send({ type: 'input_audio_buffer.append', audio: FRAME });
    send({ type: 'input_audio_buffer.commit' });
    send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `n${n}` }] },
    });
    send({ type: 'input_audio_buffer.append', audio: FRAME }); // left in the input buffer
    await (server.clock as SimulatedClock).advanceAsync(0);
    accepted.closed(1000, '');
  }
}

const whole = (server: FakeServer) =>
  server.connections.map(
    (c) =>
      !c.released &&
      c.conversation.size === 2 &&
      c.heard.size === 1 &&
      c.input.bufferedMs === 100 &&
      c.clientEvents.filter(isAppend).every(hasAudio),
  );

describe('closed connections beyond keepClosedConnections let go of their state', () => {
  it('by default the 4 most recently closed connections stay whole; older ones are released', async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    await connectionsInTurn(server, 6);
    expect(whole(server)).toEqual([false, false, true, true, true, true]);
    const released = server.connections[0]!;
    expect(released.released).toBe(true);
    expect(released.conversation.size).toBe(0);
    expect(released.heard.size).toBe(0);
    expect(released.input.bufferedMs).toBe(0);
    // what it was sent and how it ended stay
    expect(released.clientEvents.map((e) => e['type'])).toEqual([
      'session.update',
      'input_audio_buffer.append',
      'input_audio_buffer.commit',
      'conversation.item.create',
      'input_audio_buffer.append',
    ]);
    expect(released.clientEvents.some(hasAudio)).toBe(false);
    expect(released.closeInfo).toEqual({ code: 1000, reason: '' });
    expect(server.clientEvents).toHaveLength(6 * 5);
    expect(server.clientEvents.filter(hasAudio)).toHaveLength(4 * 2);
  });

  it('a connection still open is never released, however many closed after it', async () => {
    const server = new FakeServer({ clock: new SimulatedClock(), keepClosedConnections: 0 });
    const open = server.accept({ send() {}, close() {} });
    open.receive(JSON.stringify({ type: 'input_audio_buffer.append', audio: FRAME }));
    await connectionsInTurn(server, 3);
    expect(server.connections.map((c) => c.released)).toEqual([false, true, true, true]);
    expect(server.connections[0]!.clientEvents.every(hasAudio)).toBe(true);
    open.closed(1000, '');
    expect(server.connections[0]!.released).toBe(true);
  });

  it("a conversation carried over (conversation: 'persist') is not emptied", async () => {
    const server = new FakeServer({
      clock: new SimulatedClock(),
      conversation: 'persist',
      keepClosedConnections: 1,
    });
    await connectionsInTurn(server, 3);
    expect(server.connections.map((c) => c.released)).toEqual([true, true, false]);
    expect(server.connections[0]!.conversation.size).toBe(6);
    expect(server.conversation).toHaveLength(6);
  });

  it('Infinity keeps every closed connection whole', async () => {
    const server = new FakeServer({ clock: new SimulatedClock(), keepClosedConnections: Infinity });
    await connectionsInTurn(server, 6);
    expect(whole(server)).toEqual(Array(6).fill(true));
  });
});

describe('the retention options are checked', () => {
  it.each<FakeServerOptions>([
    { keepAppendedAudioMs: -1 },
    { keepAppendedAudioMs: Number.NaN },
    { keepAppendedAudioMs: '60000' as unknown as number },
    { keepClosedConnections: -1 },
    { keepClosedConnections: 1.5 },
    { keepClosedConnections: Number.NaN },
  ])('%o is refused', (options) => {
    expect(() => new FakeServer(options)).toThrow(FakeServerOptionsError);
  });
});
