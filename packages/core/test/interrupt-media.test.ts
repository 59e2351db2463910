/**
 * `session.interrupt()` and the output audio events over a connection whose audio travels on
 * media tracks (WebRTC, `audioPath: 'media'`): the server plays the answer, so the barge-in is
 * `response.cancel` then `output_audio_buffer.clear`, with no truncate or delete of its own.
 * Over `createFakeWebRtc` (a media-mode fake server); its `output_audio_buffer.*` events are
 * also scripted with `server.emit` where a test needs one at a given moment.
 */
import { describe, expect, it } from 'vitest';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { createFakeWebRtc, SimulatedClock } from '@voxwire/testing';
import { RealtimeModel } from '../src/model.js';
import {
  webRtcConnector,
  type ConnectedEvent,
  type OutputAudioEvent,
  type RealtimeSession,
} from '../src/index.js';
import { VoxwireError } from '../src/errors.js';
import { openSession, setup, type Setup } from './helpers.js';
import { SAID, errors, sent } from './interrupt-helpers.js';

function mediaSetup(): Setup {
  const clock = new SimulatedClock({ microtaskRounds: 400 });
  const kit = createFakeWebRtc({ clock, pacing: { realtimeFactor: 1 } });
  const connector = webRtcConnector({
    RTCPeerConnection: kit.RTCPeerConnection,
    fetch: kit.fetch,
    clientSecret: 'ek_test',
    clock,
  });
  const model = new RealtimeModel({ connector, clock, generateId: createCounterIdGenerator('t') });
  return { clock, server: kit.server, model, logs: [], settle: () => clock.advanceAsync(0) };
}

/** Starts an answer of {@link SAID} (2880 ms, streamed in real time) and lets 500 ms pass. */
async function answering(s: Setup, session: RealtimeSession): Promise<string> {
  s.server.queueResponse((ctx) => ctx.say(SAID));
  void session.response.create();
  await s.clock.advanceAsync(500);
  const active = session.activeResponse;
  expect(active).toBeDefined();
  return active!.id;
}

const playing = (s: Setup, responseId: string) =>
  s.server.emit({ type: 'output_audio_buffer.started', event_id: 'ev_s', response_id: responseId });

describe('over a media (WebRTC) connection', () => {
  it('connected and session.audioPath say where the audio travels', async () => {
    const s = mediaSetup();
    const session = s.model.session();
    const connected: ConnectedEvent[] = [];
    session.on('connected', (e) => connected.push(e));
    expect(session.audioPath).toBeUndefined();
    await s.settle();
    expect(connected.map((e) => e.audioPath)).toEqual(['media']);
    expect(session.audioPath).toBe('media');

    const plain = setup();
    const other = await openSession(plain);
    expect(other.audioPath).toBe('events');
  });

  it('output_audio_buffer.started / stopped / cleared become session events', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    const seen: [string, OutputAudioEvent][] = [];
    session.on('output_audio_started', (e) => seen.push(['started', e]));
    session.on('output_audio_stopped', (e) => seen.push(['stopped', e]));
    session.on('output_audio_cleared', (e) => seen.push(['cleared', e]));
    s.server.emit({ type: 'output_audio_buffer.started', event_id: 'e1', response_id: 'r1' });
    s.server.emit({ type: 'output_audio_buffer.stopped', event_id: 'e2', response_id: 'r1' });
    s.server.emit({ type: 'output_audio_buffer.cleared', event_id: 'e3', response_id: 'r2' });
    await s.settle();
    expect(seen).toEqual([
      ['started', { responseId: 'r1' }],
      ['stopped', { responseId: 'r1' }],
      ['cleared', { responseId: 'r2', reason: 'server' }],
    ]);
  });

  it('interrupt() mid-answer cancels, then clears the server buffer; no truncate, no delete', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    const errs = errors(session);
    const id = await answering(s, session);
    playing(s, id);
    await s.settle();

    const result = await session.interrupt();
    await s.clock.advanceAsync(5_000);
    expect(result).toEqual({
      cancelledResponseId: id,
      truncated: undefined,
      deletedItemIds: [],
      clearedResponseId: id,
    });
    const types = s.server.clientEvents.map((e) => e['type']);
    const cancelAt = types.indexOf('response.cancel');
    expect(cancelAt).toBeGreaterThan(-1);
    // the cancel first, as OpenAI asks
    expect(types.indexOf('output_audio_buffer.clear')).toBe(cancelAt + 1);
    expect(sent(s, 'conversation.item.truncate')).toEqual([]);
    expect(sent(s, 'conversation.item.delete')).toEqual([]);
    // (the fake's events mode refuses the clear as the API does over a WebSocket; a media-mode
    // server takes it)
    expect(errs.filter((e) => !String(e.message).includes('output_audio_buffer.clear'))).toEqual(
      [],
    );
  });

  it('an answer generated in full and still playing: no cancel, only the clear', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say('Sure.'));
    const response = await session.response.generate();
    await s.clock.advanceAsync(1_000);
    expect(response.isDone).toBe(true);
    playing(s, response.id);
    await s.settle();

    const result = await session.interrupt();
    expect(result.cancelledResponseId).toBeUndefined();
    expect(result.clearedResponseId).toBe(response.id);
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(1);
  });

  it('the buffer played out (stopped): interrupt() sends nothing', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say('Sure.'));
    const response = await session.response.generate();
    await s.clock.advanceAsync(1_000);
    expect(response.isDone).toBe(true);
    playing(s, response.id);
    s.server.emit({
      type: 'output_audio_buffer.stopped',
      event_id: 'e2',
      response_id: response.id,
    });
    await s.settle();
    const before = s.server.clientEvents.length;

    expect(await session.interrupt()).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
      clearedResponseId: undefined,
    });
    await s.settle();
    expect(s.server.clientEvents.length).toBe(before);
  });

  it('a cancelled answer whose started is still on its way is cleared too', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    const id = await answering(s, session);
    const result = await session.interrupt();
    expect(result.cancelledResponseId).toBe(id);
    expect(result.clearedResponseId).toBe(id);
    await s.settle();
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(1);
  });

  it('two quick interrupts: the second sends no second clear for the audio already being cut', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    const id = await answering(s, session);
    playing(s, id);
    await s.settle();
    const first = session.interrupt();
    // before the server's cleared arrives: the buffer still reads as playing
    const second = session.interrupt();
    expect((await first).clearedResponseId).toBe(id);
    expect(await second).toEqual({
      cancelledResponseId: undefined,
      truncated: undefined,
      deletedItemIds: [],
      clearedResponseId: undefined,
    });
    await s.clock.advanceAsync(5_000);
    expect(sent(s, 'response.cancel')).toHaveLength(1);
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(1);

    // a later answer's playback is cleared again
    const next = await answering(s, session);
    playing(s, next);
    await s.settle();
    expect((await session.interrupt()).clearedResponseId).toBe(next);
    await s.settle();
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(2);
  });

  it('a create interrupted before it started: cancelled when it starts, and its audio cleared', async () => {
    // the server generates faster than it plays: by the time the cancel arrives, audio of the
    // stale answer is in its buffer and would play out without the clear
    const clock = new SimulatedClock({ microtaskRounds: 400 });
    const kit = createFakeWebRtc({ clock });
    const s: Setup = {
      clock,
      server: kit.server,
      model: new RealtimeModel({
        connector: webRtcConnector({
          RTCPeerConnection: kit.RTCPeerConnection,
          fetch: kit.fetch,
          clientSecret: 'ek_test',
          clock,
        }),
        clock,
        generateId: createCounterIdGenerator('t'),
      }),
      logs: [],
      settle: () => clock.advanceAsync(0),
    };
    const session = await openSession(s);
    const heard: string[] = [];
    session.on('output_audio_stopped', (e) => heard.push(`stopped ${e.responseId}`));
    session.on('output_audio_cleared', (e) => heard.push(`cleared ${e.responseId}`));
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.create();
    const result = await session.interrupt();
    expect(result.cancelledResponseId).toBeUndefined();
    await clock.advanceAsync(5_000);
    const types = s.server.clientEvents.map((e) => e['type']);
    expect(types.slice(types.indexOf('response.create'))).toEqual([
      'response.create',
      'response.cancel',
      'output_audio_buffer.clear',
    ]);
    const [entry] = kit.calls[0]!.connection!.outputAudio.entries;
    expect(entry?.state).toBe('cleared');
    expect(entry?.playedMs).toBeLessThan(entry!.generatedMs);
    expect(heard).toEqual([`cleared ${entry!.responseId}`]);

    // a second interrupt() sends no second clear for it
    await session.interrupt();
    await s.settle();
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(1);
  });

  it('{ cancel: false } only clears; { at: null } only cancels', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    const id = await answering(s, session);
    playing(s, id);
    await s.settle();
    const quiet = await session.interrupt({ cancel: false });
    expect(quiet.cancelledResponseId).toBeUndefined();
    expect(quiet.clearedResponseId).toBe(id);
    await s.settle();
    expect(sent(s, 'response.cancel')).toEqual([]);
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(1);

    const muted = await session.interrupt({ at: null });
    expect(muted.cancelledResponseId).toBe(id);
    expect(muted.clearedResponseId).toBeUndefined();
    await s.settle();
    expect(sent(s, 'response.cancel')).toHaveLength(1);
    expect(sent(s, 'output_audio_buffer.clear')).toHaveLength(1);
  });

  it('interrupt({ at: position }) is refused: the server knows what it played', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    const error = await session
      .interrupt({ at: { itemId: 'item_1', contentIndex: 0, playedMs: 100 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoxwireError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', data: { argument: 'at' } });
    await expect(session.interrupt({ cancel: 'yes' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'cancel' },
    });
  });

  it('a lost connection forgets what the old server was playing', async () => {
    const s = mediaSetup();
    const session = await openSession(s);
    playing(s, 'resp_old');
    await s.settle();
    s.server.close(1011, 'gone');
    await s.clock.advanceAsync(10_000);
    expect(session.connectionState.status).toBe('open');
    const before = s.server.clientEvents.length;
    const result = await session.interrupt();
    expect(result.clearedResponseId).toBeUndefined();
    await s.settle();
    expect(s.server.clientEvents.slice(before).map((e) => e['type'])).not.toContain(
      'output_audio_buffer.clear',
    );
  });
});
