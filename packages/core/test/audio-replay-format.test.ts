import { describe, expect, it } from 'vitest';
import type { ReconnectedEvent } from '../src/reconnect/reliability-events.js';
import { audioFrame } from '@voxwire/protocol';
import { openSession, setup } from './helpers.js';

// 20 ms frames tagged by their samples: PCM16 at 24 kHz (960 bytes on the wire) and the 8 kHz
// PCM16 the engine encodes as G.711 µ-law (160 bytes)
const pcmFrame = (level: number) => ({
  data: new Int16Array(480).fill(level),
  sampleRate: 24000,
  channels: 1,
});
const phoneFrame = (level: number) => ({
  data: new Int16Array(160).fill(level),
  sampleRate: 8000,
  channels: 1,
});

/** Decoded byte lengths of the appends among `events`. */
const appendBytes = (events: readonly Record<string, unknown>[]): number[] =>
  events
    .filter((e) => e['type'] === 'input_audio_buffer.append')
    .map((e) => Buffer.from(String(e['audio']), 'base64').length);

/** The GA input format type of the last session.update among `events`. */
const lastInputFormat = (events: readonly Record<string, unknown>[]): unknown => {
  const update = events.filter((e) => e['type'] === 'session.update').at(-1) as
    { session: { audio: { input: { format: { type: string } } } } } | undefined;
  return update?.session.audio.input.format.type;
};

describe('the uncommitted-audio replay after an input format change', () => {
  it('a confirmed change: only the frames in the format the restore configures come back', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(pcmFrame(1000));
    await session.sessionUpdate({ inputAudioFormat: 'g711_ulaw' });
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(phoneFrame(2000));
    await s.settle();
    expect(appendBytes(s.server.clientEvents)).toEqual([
      960, 960, 960, 960, 960, 160, 160, 160, 160, 160,
    ]);
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(1000);
    const after = s.server.clientEvents.slice(before);
    // the fresh server is configured for µ-law: 24 kHz PCM16 bytes would be heard as noise
    expect(lastInputFormat(after)).toBe('audio/pcmu');
    expect(appendBytes(after)).toEqual([160, 160, 160, 160, 160]);
    expect(reconnected[0]?.replayedAudioMs).toBe(100);
    // what was left out is said
    const warned = s.logs.find((l) => l.message.includes('earlier input format'));
    expect(warned?.level).toBe('warn');
    expect(warned?.fields?.['skippedAudioMs']).toBe(100);
    await session.close();
  });

  it('a change still unanswered at the drop: the replay follows its re-sent update', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(pcmFrame(1000));
    await s.settle();
    // written, but the connection drops before the echo comes back
    const update = session.sessionUpdate({ inputAudioFormat: 'g711_ulaw' });
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(phoneFrame(2000));
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(1000);
    const after = s.server.clientEvents.slice(before);
    const firstAppend = after.findIndex((e) => e['type'] === 'input_audio_buffer.append');
    // the restore configures what the old server confirmed (PCM16), then re-sends the change:
    // the replay lands after it, so it carries the µ-law frames only
    expect(lastInputFormat(after.slice(0, firstAppend))).toBe('audio/pcmu');
    expect(appendBytes(after)).toEqual([160, 160, 160, 160, 160]);
    expect(reconnected[0]?.replayedAudioMs).toBe(100);
    await update;
    await session.close();
  });

  it('appends queued across a change during an outage are counted in the format they were encoded in', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    s.server.close(1006, 'network drop');
    await s.settle();
    // disconnected: all of this waits in the outbox, and is written after the restore
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(pcmFrame(1000));
    const update = session.sessionUpdate({ inputAudioFormat: 'g711_ulaw' });
    for (let i = 0; i < 5; i++) session.inputAudioBuffer.append(phoneFrame(2000));
    await s.clock.advanceAsync(1000);
    await update;
    expect(reconnected).toHaveLength(1);
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(1000);
    const after = s.server.clientEvents.slice(before);
    expect(appendBytes(after)).toEqual([160, 160, 160, 160, 160]);
    expect(reconnected[1]?.replayedAudioMs).toBe(100);
    await session.close();
  });

  it('server VAD: the turn audio_start_ms is matched against offsets counted per frame format', async () => {
    const s = setup('ga');
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', createResponse: false },
    });
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    const started: number[] = [];
    session.on('input_speech_started', (e) => started.push(e.audioStartMs));
    s.server.close(1006, 'network drop');
    await s.settle();
    // queued while disconnected: 1 s of PCM16 silence, the change, 1 s of µ-law silence, then
    // 200 ms of speech (from 2000 ms of input; reported from 1700 with the 300 ms padding)
    for (let i = 0; i < 50; i++) session.inputAudioBuffer.append(pcmFrame(0));
    const update = session.sessionUpdate({ inputAudioFormat: 'g711_ulaw' });
    for (let i = 0; i < 50; i++) session.inputAudioBuffer.append(phoneFrame(0));
    for (let i = 0; i < 10; i++) session.inputAudioBuffer.append(phoneFrame(8000));
    await s.clock.advanceAsync(1000);
    await update;
    expect(started).toEqual([1700]);
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(1000);
    // the turn from 1700 ms: 300 ms of padding and the 200 ms of speech (the 960-byte PCM16
    // frames are 20 ms each, not the 120 ms they would be read as µ-law)
    expect(appendBytes(s.server.clientEvents.slice(before))).toEqual(new Array(25).fill(160));
    expect(reconnected[1]?.replayedAudioMs).toBe(500);
    await session.close();
  });

  it('a restore re-creates item audio in the format it configures, not in one still unanswered', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    const content = [
      {
        type: 'audio' as const,
        audio: audioFrame(new Int16Array(2400).fill(1000)),
        transcript: null,
      },
    ];
    await Promise.all([
      session.conversation.item.create({ type: 'message', id: 'u1', role: 'user', content }),
      s.settle(),
    ]);
    // written, but the connection drops before the echo comes back
    const update = session.sessionUpdate({ inputAudioFormat: 'g711_ulaw' });
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(1000);
    const after = s.server.clientEvents.slice(before);
    const create = after.findIndex((e) => e['type'] === 'conversation.item.create');
    // the restore's update (what the old server confirmed: PCM16) is the one in force here
    expect(lastInputFormat(after.slice(0, create))).toBe('audio/pcm');
    const part = (after[create]?.['item'] as { content: { audio?: string }[] }).content[0];
    // 100 ms of 24 kHz PCM16: 4800 bytes (µ-law at 8 kHz would be 800)
    expect(Buffer.from(part?.audio ?? '', 'base64').length).toBe(4800);
    await update;
    await session.close();
  });
});
