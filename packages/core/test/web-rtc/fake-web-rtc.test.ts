/**
 * A voice session over WebRTC end to end, as an app tests one without a browser: `webRtcConnector`
 * on `@voxwire/testing`'s `createFakeWebRtc()` (a scripted peer, calls endpoint and media-mode
 * fake server), a key minted per connect, the microphone heard by the server's VAD, the answer
 * played by the server (`output_audio_*`), a barge-in by `interrupt()` and by the server's VAD,
 * and a hang-up the session reconnects through with a fresh key.
 */
import { describe, expect, it } from 'vitest';
import { createFakeWebRtc, SimulatedClock, type FakeWebRtcKit } from '@voxwire/testing';
import {
  RealtimeModel,
  webRtcConnector,
  type OutputAudioEvent,
  type RealtimeResponse,
  type RealtimeSession,
} from '../../src/index.js';

// 48 characters: the fake speaks 60 ms per character, 2880 ms of audio
const SAID = 'one two three four five six seven eight nine ten';

interface Call {
  clock: SimulatedClock;
  kit: FakeWebRtcKit;
  session: RealtimeSession;
  model: RealtimeModel;
  audio: [string, OutputAudioEvent][];
  done: RealtimeResponse[];
  errors: unknown[];
  secrets: string[];
  mic: ReturnType<FakeWebRtcKit['microphone']>;
}

async function call(): Promise<Call> {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const kit = createFakeWebRtc({ clock });
  const mic = kit.microphone();
  const secrets: string[] = [];
  const model = new RealtimeModel({
    connector: webRtcConnector({
      RTCPeerConnection: kit.RTCPeerConnection,
      fetch: kit.fetch,
      // the app's server mints a fresh key for every (re)connect
      clientSecret: () => {
        const minted = kit.server.mintClientSecret({});
        const value = String((minted.body as { value: string }).value);
        secrets.push(value);
        return value;
      },
      microphone: mic,
      clock,
    }),
    clock,
  });
  const session = model.session();
  const audio: [string, OutputAudioEvent][] = [];
  const done: RealtimeResponse[] = [];
  const errors: unknown[] = [];
  session.on('output_audio_started', (e) => audio.push(['started', e]));
  session.on('output_audio_stopped', (e) => audio.push(['stopped', e]));
  session.on('output_audio_cleared', (e) => audio.push(['cleared', e]));
  session.on('response_done', (r) => done.push(r));
  session.on('error', (e) => errors.push(e));
  await clock.advanceAsync(0);
  return { clock, kit, session, model, audio, done, errors, secrets, mic };
}

describe('a voice session over WebRTC (createFakeWebRtc)', () => {
  it('the user speaks, the server answers and plays it out: no audio frames reach the app', async () => {
    const c = await call();
    expect(c.session.connectionState.status).toBe('open');
    expect(c.session.audioPath).toBe('media');
    expect(c.kit.calls.map((k) => k.clientSecret)).toEqual(c.secrets);
    let frames = 0;
    c.session.on('response_audio', () => frames++);
    c.kit.server.scriptTranscription('count to ten');
    c.kit.server.queueResponse((ctx) => ctx.say(SAID));

    expect(c.mic.speakTurn(600, 800)).toBe(true);
    await c.clock.advanceAsync(10_000);

    expect(c.done.map((r) => r.status)).toEqual(['completed']);
    const id = c.done[0]!.id;
    expect(c.done[0]!.output[0]!.content[0]!.text).toBe(SAID);
    expect(c.audio).toEqual([
      ['started', { responseId: id }],
      ['stopped', { responseId: id }],
    ]);
    expect(frames).toBe(0);
    // nothing was appended: the microphone went as a media track
    expect(c.kit.server.clientEvents.map((e) => e['type'])).not.toContain(
      'input_audio_buffer.append',
    );
    expect(c.errors).toEqual([]);
    await c.model.close();
  });

  it('interrupt() mid-answer: cancel then clear, and the server cuts its item at what it played', async () => {
    const c = await call();
    c.kit.server.queueResponse((ctx) => ctx.say(SAID));
    void c.session.response.create();
    await c.clock.advanceAsync(1_000);
    const playing = c.audio.at(-1);
    expect(playing?.[0]).toBe('started');
    const id = playing![1].responseId;

    const result = await c.session.interrupt();
    await c.clock.advanceAsync(5_000);
    expect(result.clearedResponseId).toBe(id);
    expect(c.audio.at(-1)).toEqual(['cleared', { responseId: id, reason: 'server' }]);
    // the server kept only what it had played: under the whole 2880 ms
    const connection = c.kit.calls[0]!.connection!;
    const played = connection.outputAudio.playedMs(id);
    expect(played).toBeGreaterThan(0);
    expect(played).toBeLessThan(2880);
    expect(c.errors).toEqual([]);
    await c.model.close();
  });

  it("the server's VAD barge-in clears playback; the session hears output_audio_cleared", async () => {
    const c = await call();
    c.kit.server.scriptTranscription('tell me a story', 'stop');
    c.kit.server.queueResponse((ctx) => ctx.say(SAID));
    c.kit.server.queueResponse((ctx) => ctx.say('Sure.'));
    c.mic.speakTurn(600, 800);
    await c.clock.advanceAsync(2_500);
    const first = c.audio.find(([kind]) => kind === 'started')![1].responseId;
    c.mic.speakTurn(600, 800);
    await c.clock.advanceAsync(10_000);
    expect(c.audio).toContainEqual(['cleared', { responseId: first, reason: 'server' }]);
    expect(c.done.map((r) => r.status)).toContain('completed');
    expect(c.errors).toEqual([]);
    await c.model.close();
  });

  it('a connection lost or closed while the server plays ends that playback: output_audio_cleared once', async () => {
    // an app muting its microphone from output_audio_started until stopped/cleared (half
    // duplex) must not stay muted after a drop: the old peer's remote track plays nothing more
    const c = await call();
    const order: string[] = [];
    c.session.on('output_audio_cleared', (e) => order.push(`cleared ${e.responseId}`));
    c.session.on('disconnected', () => order.push('disconnected'));
    c.kit.server.queueResponse((ctx) => ctx.say(SAID));
    void c.session.response.create();
    await c.clock.advanceAsync(1_000);
    expect(c.audio.at(-1)?.[0]).toBe('started');
    const id = c.audio.at(-1)![1].responseId;

    c.kit.calls[0]!.hangUp(1011, 'server restart');
    await c.clock.advanceAsync(30_000);
    expect(c.session.connectionState.status).toBe('open');
    expect(order).toEqual([`cleared ${id}`, 'disconnected']);
    expect(c.audio.at(-1)).toEqual(['cleared', { responseId: id, reason: 'connection_ended' }]);

    // the session's close while the new server plays an answer: cleared before closed too
    c.kit.server.queueResponse((ctx) => ctx.say(SAID));
    void c.session.response.create();
    await c.clock.advanceAsync(1_000);
    const next = c.audio.at(-1)![1].responseId;
    expect(c.audio.at(-1)).toEqual(['started', { responseId: next }]);
    c.session.on('closed', () => order.push('closed'));
    await c.model.close();
    expect(order.slice(-3)).toEqual([`cleared ${next}`, 'disconnected', 'closed']);
    expect(c.audio.filter(([kind]) => kind === 'cleared')).toHaveLength(2);
  });

  it('a connection ending with nothing playing emits no output_audio_cleared', async () => {
    const c = await call();
    // nothing asked for, nothing playing
    await c.clock.advanceAsync(10_000);
    expect(c.audio).toEqual([]);
    const before = c.audio.length;
    c.kit.calls[0]!.hangUp(1011, 'server restart');
    await c.clock.advanceAsync(30_000);
    await c.model.close();
    expect(c.audio.slice(before)).toEqual([]);
  });

  it('a hang-up: the session reconnects on a new peer with a freshly minted key', async () => {
    const c = await call();
    const reconnected: unknown[] = [];
    c.session.on('reconnected', (e) => reconnected.push(e));
    c.kit.calls[0]!.hangUp(1011, 'server restart');
    await c.clock.advanceAsync(30_000);
    expect(c.session.connectionState.status).toBe('open');
    expect(reconnected).toHaveLength(1);
    expect(c.kit.calls).toHaveLength(2);
    expect(c.secrets).toHaveLength(2);
    expect(new Set(c.secrets).size).toBe(2);
    expect(c.kit.calls[1]!.clientSecret).toBe(c.secrets[1]);
    // the new call hears the microphone
    c.kit.server.scriptTranscription('are you there');
    c.kit.server.queueResponse((ctx) => ctx.say('Yes.'));
    expect(c.mic.speakTurn(600, 800)).toBe(true);
    await c.clock.advanceAsync(10_000);
    expect(c.done.at(-1)?.status).toBe('completed');
    await c.model.close();
  });
});
