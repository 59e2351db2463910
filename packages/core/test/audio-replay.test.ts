import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '@voxwire/testing';
import type { RealtimeModelOptions } from '../src/model.js';
import type { ReconnectedEvent } from '../src/reconnect/reliability-events.js';
import type { SessionOptionsInput } from '../src/options.js';
import { firstAppendedSamples, openSession, setup, taggedFrame } from './helpers.js';

// 20 ms of 24 kHz PCM16; `level` 0 is silence, 8000 is speech to the fake's energy VAD
const frame = (level: number, samples = 480) => ({
  data: new Int16Array(samples).fill(level),
  sampleRate: 24000,
  channels: 1,
});

async function scenario(
  engine: Partial<RealtimeModelOptions>,
  session: SessionOptionsInput,
  script: (append: (level: number, count: number) => Promise<void>) => Promise<void>,
) {
  const s = setup('ga', engine);
  const realtime = await openSession(s, session);
  const reconnected: ReconnectedEvent[] = [];
  realtime.on('reconnected', (e) => reconnected.push(e));
  const sent: string[] = [];
  // a microphone: one 20 ms frame every 20 ms of clock
  const append = async (level: number, count: number) => {
    for (let i = 0; i < count; i++) {
      realtime.inputAudioBuffer.append(frame(level));
      await s.clock.advanceAsync(20);
    }
  };
  await script(append);
  await s.settle();
  for (const e of s.server.clientEvents)
    if (e['type'] === 'input_audio_buffer.append') sent.push(String(e['audio']));
  const before = s.server.clientEvents.length;
  s.server.close(1006, 'network drop');
  await s.clock.advanceAsync(1000);
  const after = s.server.clientEvents.slice(before);
  const replayed = after
    .filter((e) => e['type'] === 'input_audio_buffer.append')
    .map((e) => String(e['audio']));
  return { s, realtime, reconnected, sent, after, replayed };
}

describe('input audio the old server had not committed is written again after a drop', () => {
  it('turn detection off: everything since the last commit, after the restore; the commit takes it all', async () => {
    const { s, realtime, reconnected, sent, after, replayed } = await scenario(
      {},
      { turnDetection: null },
      (append) => append(8000, 8),
    );
    // all 8 appends come back, in order, after the restored configuration
    expect(sent).toHaveLength(8);
    expect(replayed).toEqual(sent);
    expect(reconnected[0]?.replayedAudioMs).toBe(160);
    expect(after[0]?.['type']).toBe('session.update');
    const firstAppend = after.findIndex((e) => e['type'] === 'input_audio_buffer.append');
    expect(firstAppend).toBeGreaterThan(0);
    // the app's commit on the new connection makes one user item of the whole utterance
    realtime.inputAudioBuffer.commit();
    await s.settle();
    const user = s.server.conversation.at(-1) as { role?: string };
    expect(user.role).toBe('user');
    await realtime.close();
  });

  it('turn detection off: only appends after the acknowledged commit come back', async () => {
    const s = setup('ga');
    const realtime = await openSession(s, { turnDetection: null });
    const reconnected: ReconnectedEvent[] = [];
    realtime.on('reconnected', (e) => reconnected.push(e));
    // 120 ms: the server commits at least 100 ms
    for (let i = 0; i < 6; i++) realtime.inputAudioBuffer.append(frame(8000));
    realtime.inputAudioBuffer.commit();
    await s.settle(); // the server's input_audio_buffer.committed arrives
    for (let i = 0; i < 2; i++) realtime.inputAudioBuffer.append(frame(4000));
    await s.settle();
    const pending = s.server.clientEvents
      .filter((e) => e['type'] === 'input_audio_buffer.append')
      .slice(-2)
      .map((e) => e['audio']);
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'drop');
    await s.clock.advanceAsync(1000);
    const replayed = s.server.clientEvents
      .slice(before)
      .filter((e) => e['type'] === 'input_audio_buffer.append')
      .map((e) => e['audio']);
    expect(replayed).toEqual(pending);
    expect(reconnected[0]?.replayedAudioMs).toBe(40);
    await realtime.close();
  });

  it('server VAD, mid-turn: the turn from its audio_start_ms; between turns: only the short tail', async () => {
    const mid = await scenario({}, {}, async (append) => {
      await append(0, 50); // 1 s of silence
      await append(8000, 10); // 200 ms of speech: speech_started at 1000 ms, reported from 700 (300 ms padding)
    });
    expect(mid.realtime.connectionState.status).toBe('open');
    // the speech and its padding, not the second of silence before it
    expect(mid.reconnected[0]?.replayedAudioMs).toBe(500);
    expect(mid.replayed).toEqual(mid.sent.slice(-25));
    await mid.realtime.close();

    // between turns: the tail that may hold the onset of a turn not reported yet (padding +
    // report delay, 1.3 s): all of a 400 ms session, the last 1.3 s of a 3 s one
    const between = await scenario({}, {}, (append) => append(0, 20));
    expect(between.replayed).toEqual(between.sent);
    expect(between.reconnected[0]?.replayedAudioMs).toBe(400);
    await between.realtime.close();
    const longer = await scenario({}, {}, (append) => append(0, 150));
    expect(longer.reconnected[0]?.replayedAudioMs).toBe(1_300);
    expect(longer.replayed).toEqual(longer.sent.slice(-65));
    await longer.realtime.close();
  });

  it('keeps at most replayUncommittedAudioMs (the newest); 0 turns it off', async () => {
    const bounded = await scenario(
      { replayUncommittedAudioMs: 100 },
      { turnDetection: null },
      (a) => a(8000, 10),
    );
    expect(bounded.replayed).toEqual(bounded.sent.slice(-5));
    expect(bounded.reconnected[0]?.replayedAudioMs).toBe(100);
    await bounded.realtime.close();

    const off = await scenario({ replayUncommittedAudioMs: 0 }, { turnDetection: null }, (a) =>
      a(8000, 10),
    );
    expect(off.replayed).toEqual([]);
    expect(off.reconnected[0]?.replayedAudioMs).toBe(0);
    await off.realtime.close();
  });
});

describe('UncommittedAudio keeps little between turns', () => {
  it('VAD, no speech: only the last padding + report delay; manual: at most the bound', async () => {
    const { UncommittedAudio } = await import('../src/reconnect/uncommitted-audio.js');
    // 20 ms of PCM16 at 24 kHz is 960 bytes: 1280 base64 characters
    const append = { type: 'input_audio_buffer.append', audio: 'A'.repeat(1280) } as const;
    const vadOptions = {
      inputAudioFormat: 'pcm16',
      turnDetection: { type: 'server_vad', prefixPaddingMs: 300 },
    } as const;
    const manualOptions = { inputAudioFormat: 'pcm16', turnDetection: null } as const;
    const vad = new UncommittedAudio(10_000);
    for (let i = 0; i < 500; i++) vad.wrote(append, vadOptions);
    expect(vad.keptMs).toBeLessThanOrEqual(1_320);
    // that tail is what a replay writes (the onset of a turn the server had not reported)
    const tail = vad.takeReplay(vadOptions, 'pcm16');
    expect(tail.ms).toBeGreaterThanOrEqual(1_300);
    expect(tail.ms).toBeLessThanOrEqual(1_320);
    expect(vad.keptMs).toBe(0);
    expect(tail.events).toHaveLength(tail.ms / 20);
    const manual = new UncommittedAudio(2_000);
    for (let i = 0; i < 500; i++) manual.wrote(append, manualOptions);
    expect(manual.keptMs).toBe(2_000);
    const replay = manual.takeReplay(manualOptions, 'pcm16');
    expect(replay.ms).toBe(2_000);
    expect(replay.events).toHaveLength(100);
    // a fresh ledger afterwards
    expect(manual.keptMs).toBe(0);
  });
});

describe('UncommittedAudio keeps a restore burst whole until the server had the time to hear it', () => {
  // a restore writes the replay and the audio queued during the outage at once: the server gets
  // it all together, and has had no time to report speech in any of it
  it('between turns, the restore is kept whole for the report delay (clock time), then the tail', async () => {
    const { UncommittedAudio } = await import('../src/reconnect/uncommitted-audio.js');
    const append = { type: 'input_audio_buffer.append', audio: 'A'.repeat(1280) } as const;
    const vad = {
      inputAudioFormat: 'pcm16',
      turnDetection: { type: 'server_vad', prefixPaddingMs: 300 },
    } as const;
    const clock = new SimulatedClock();
    const ledger = new UncommittedAudio(10_000);
    // the connection before: only the tail is kept
    for (let i = 0; i < 150; i++) ledger.wrote(append, vad, undefined, 0, clock);
    expect(ledger.keptMs).toBeLessThanOrEqual(1_320);
    ledger.takeReplay(vad, 'pcm16');
    clock.advance(500);
    ledger.restoring(clock.now());
    // the restore: 3 s written at once
    for (let i = 0; i < 150; i++) ledger.wrote(append, vad, undefined, 0, clock);
    expect(ledger.keptMs).toBe(3_000);
    // the microphone streams on in real time: within the report delay the burst is kept...
    for (let i = 0; i < 40; i++) {
      clock.advance(20);
      ledger.wrote(append, vad, undefined, 0, clock);
    }
    expect(ledger.keptMs).toBe(3_800);
    // ...and once the server had the time to report speech in it, only the tail is
    for (let i = 0; i < 20; i++) {
      clock.advance(20);
      ledger.wrote(append, vad, undefined, 0, clock);
    }
    expect(ledger.keptMs).toBeLessThanOrEqual(1_320);
    // a burst longer than the bound keeps the bound
    const long = new UncommittedAudio(2_000);
    long.takeReplay(vad, 'pcm16');
    long.restoring(clock.now());
    for (let i = 0; i < 500; i++) long.wrote(append, vad, undefined, 0, clock);
    expect(long.takeReplay(vad, 'pcm16').ms).toBe(2_000);
  });
});

describe('audio streamed while a commit or clear is on its way is still pending', () => {
  async function dropAfter(
    script: (session: Awaited<ReturnType<typeof openSession>>) => void,
    options: SessionOptionsInput = { turnDetection: null },
  ) {
    const s = setup('ga');
    const session = await openSession(s, options);
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    script(session);
    await s.settle();
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(2000);
    return {
      s,
      session,
      reconnected,
      replayed: firstAppendedSamples(s.server.clientEvents.slice(before)),
    };
  }

  for (const step of ['commit', 'clear'] as const)
    it(`manual turns: audio appended after ${step}() but before its acknowledgement is replayed`, async () => {
      const { session, reconnected, replayed } = await dropAfter((session) => {
        for (let i = 0; i < 6; i++) session.inputAudioBuffer.append(taggedFrame(1000));
        session.inputAudioBuffer[step]();
        // the microphone keeps streaming while the acknowledgement is a round trip away
        for (let i = 0; i < 3; i++) session.inputAudioBuffer.append(taggedFrame(2000 + i));
      });
      expect(replayed).toEqual([2000, 2001, 2002]);
      expect(reconnected[0]?.replayedAudioMs).toBe(60);
      await session.close();
    });

  it('a commit the server refused (an empty buffer) does not make a later acknowledgement cut short', async () => {
    const { session, replayed } = await dropAfter((session) => {
      session.inputAudioBuffer.commit(); // refused: input_audio_buffer_commit_empty
      for (let i = 0; i < 6; i++) session.inputAudioBuffer.append(taggedFrame(1000));
      session.inputAudioBuffer.commit();
      for (let i = 0; i < 2; i++) session.inputAudioBuffer.append(taggedFrame(3000 + i));
    });
    expect(replayed).toEqual([3000, 3001]);
    await session.close();
  });

  it('server VAD: a turn that began before the last commit came back is replayed from its start', async () => {
    const started: number[] = [];
    const { session, reconnected } = await dropAfter(
      (session) => {
        session.on('input_speech_started', (e) => started.push(e.audioStartMs));
        const turn = (speechMs: number, silenceMs: number) => [
          ...Array.from({ length: speechMs / 20 }, () => frame(8000)),
          ...Array.from({ length: silenceMs / 20 }, () => frame(0)),
        ];
        for (const f of [...turn(400, 600), ...turn(600, 0)]) session.inputAudioBuffer.append(f);
      },
      { turnDetection: { type: 'server_vad', createResponse: false } },
    );
    // two turns on the first connection (the replay is heard again on the second)
    expect(started[1]).toBeGreaterThan(started[0]!);
    // the second turn, from its audio_start_ms to the end of what was written (1600 ms)
    expect(reconnected[0]?.replayedAudioMs).toBeGreaterThanOrEqual(1600 - started[1]! - 20);
    await session.close();
  });
});
