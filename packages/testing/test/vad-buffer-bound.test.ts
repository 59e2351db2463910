import { describe, expect, it } from 'vitest';
import { silence, tone } from '../src/index.js';
import { InputAudio, VAD_SILENCE_KEPT_MS } from '../src/server/input-audio.js';
import { connect } from './helpers.js';

const vad = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 200 };
const minute = 60_000;

describe('input buffer under VAD keeps a bounded tail of silence', () => {
  it('ten minutes of silence in 20 ms frames leave only the kept tail buffered; counters stay absolute', () => {
    const input = new InputAudio(24_000, 0.05);
    const frame = silence(20);
    for (let i = 0; i < (10 * minute) / 20; i++) input.append(frame, vad);
    expect(input.totalMs).toBe(10 * minute);
    expect(input.bufferedMs).toBe(VAD_SILENCE_KEPT_MS);
    // a turn after the silence: times are offsets from the session's first sample
    const signals = [...input.append(tone(500), vad), ...input.append(silence(400), vad)];
    expect(signals).toEqual([
      { kind: 'speech_started', audioStartMs: 10 * minute - 300 },
      { kind: 'speech_stopped', audioStartMs: 10 * minute - 300, audioEndMs: 10 * minute + 700 },
    ]);
    const turn = input.commit(10 * minute - 300, 10 * minute + 700);
    // the committed item still holds the prefix padding before the speech
    expect(turn.samples.length).toBe(24 * 1000);
    expect(turn.samples.slice(0, 24 * 300).every((s) => s === 0)).toBe(true);
    expect(turn.samples.slice(24 * 300, 24 * 310).some((s) => s !== 0)).toBe(true);
  });

  it('without VAD nothing is dropped: the client decides what a manual commit holds', () => {
    const input = new InputAudio(24_000, 0.05);
    for (let i = 0; i < 100; i++) input.append(silence(1000), undefined);
    expect(input.bufferedMs).toBe(100_000);
    expect(input.commit().samples.length).toBe(24 * 100_000);
  });

  it('a manual commit under VAD after long silence commits only the kept tail of silence', async () => {
    const c = await connect();
    for (let i = 0; i < 150; i++) c.appendAudio(silence(1000));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    const committed = c.events.find((e) => e.type === 'input_audio_buffer.committed')!;
    expect(committed).toBeDefined();
    c.send({ type: 'conversation.item.retrieve', item_id: committed['item_id'] });
    await c.flush();
    const retrieved = c.events.find((e) => e.type === 'conversation.item.retrieved')!;
    const audio = Buffer.from(retrieved['item'].content[0].audio as string, 'base64');
    expect(audio.length / 2).toBe(24 * VAD_SILENCE_KEPT_MS);
  });
});

describe('input buffer under VAD stays bounded during speech, and a turn keeps its audio', () => {
  it('five minutes of continuous speech keep only the last VAD_SILENCE_KEPT_MS; the turn keeps its true times', () => {
    const input = new InputAudio(24_000, 0.05);
    const frame = tone(100);
    for (let i = 0; i < (5 * minute) / 100; i++) input.append(frame, vad);
    expect(input.speaking).toBe(true);
    expect(input.bufferedMs).toBeLessThanOrEqual(VAD_SILENCE_KEPT_MS + 100);
    const signals = input.append(silence(400), vad);
    expect(signals).toEqual([
      { kind: 'speech_stopped', audioStartMs: 0, audioEndMs: 5 * minute + 200 },
    ]);
    // the item holds the turn's last VAD_SILENCE_KEPT_MS (the silence included), not five minutes
    const turn = input.commit(0, 5 * minute + 200);
    expect(turn.endMs).toBe(5 * minute + 200);
    expect(turn.samples.length).toBeLessThanOrEqual(24 * (VAD_SILENCE_KEPT_MS + 400));
    expect(turn.samples.length).toBeGreaterThanOrEqual(24 * VAD_SILENCE_KEPT_MS);
  });

  it('one append holding a turn and then more than the kept silence still commits the whole turn', async () => {
    const c = await connect();
    const speech = tone(1000);
    const quiet = silence(VAD_SILENCE_KEPT_MS + 10_000);
    const all = new Int16Array(speech.length + quiet.length);
    all.set(speech, 0);
    all.set(quiet, speech.length);
    c.appendAudio(all);
    await c.flush();
    const committed = c.events.find((e) => e.type === 'input_audio_buffer.committed')!;
    expect(committed).toBeDefined();
    c.send({ type: 'conversation.item.retrieve', item_id: committed['item_id'] });
    await c.flush();
    const retrieved = c.events.find((e) => e.type === 'conversation.item.retrieved')!;
    const audio = Buffer.from(retrieved['item'].content[0].audio as string, 'base64');
    // speech from 0 (no room for padding) to 1000 ms + the 200 ms of silence that ended it
    expect(audio.length / 2).toBe(24 * 1200);
    const samples = new Int16Array(audio.buffer, audio.byteOffset, audio.length / 2);
    expect(samples.slice(0, 24 * 1000).some((s) => s !== 0)).toBe(true);
  });
});
