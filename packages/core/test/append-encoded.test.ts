/**
 * `inputAudioBuffer.appendEncoded(bytes)`: audio already in the session's wire format (a phone
 * line's µ-law) goes out byte for byte, without a PCM16 round trip, and counts for the replay
 * after a drop like any append.
 */
import { describe, expect, it } from 'vitest';
import { MAX_APPEND_BYTES } from '@voxwire/protocol';
import type { ReconnectedEvent } from '../src/reconnect/reliability-events.js';
import { DIALECTS, openSession, setup } from './helpers.js';

const appendsOf = (events: readonly Record<string, unknown>[]): Buffer[] =>
  events
    .filter((e) => e['type'] === 'input_audio_buffer.append')
    .map((e) => Buffer.from(String(e['audio']), 'base64'));

// 20 ms of µ-law at 8 kHz: 160 bytes, every value a code (0xff is µ-law's silence)
const ulaw = (seed: number) => Uint8Array.from({ length: 160 }, (_, i) => (seed * 31 + i) & 0xff);

describe.each(DIALECTS)('inputAudioBuffer.appendEncoded (%s)', (dialect) => {
  it('sends G.711 bytes as they are, and they are replayed after a drop', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { inputAudioFormat: 'g711_ulaw', turnDetection: null });
    const frames = [ulaw(1), ulaw(2), ulaw(3)];
    for (const f of frames) session.inputAudioBuffer.appendEncoded(f);
    await s.settle();
    expect(appendsOf(s.server.clientEvents)).toEqual(frames.map((f) => Buffer.from(f)));
    const reconnected: ReconnectedEvent[] = [];
    session.on('reconnected', (e) => reconnected.push(e));
    const before = s.server.clientEvents.length;
    s.server.close(1006, 'network drop');
    await s.clock.advanceAsync(1000);
    // the uncommitted turn comes back on the fresh connection, 60 ms of it
    expect(Buffer.concat(appendsOf(s.server.clientEvents.slice(before)))).toEqual(
      Buffer.concat(frames),
    );
    expect(reconnected[0]?.replayedAudioMs).toBe(60);
    await session.close();
  });

  it('PCM16 bytes at 24 kHz too; an odd byte count, a non-Uint8Array and an oversize append are refused, nothing sent', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { turnDetection: null });
    const pcm = new Uint8Array(960).fill(7);
    session.inputAudioBuffer.appendEncoded(pcm);
    const bad: unknown[] = [new Uint8Array(961), new Int16Array(480), 'AAAA', null];
    for (const b of bad)
      expect(() => session.inputAudioBuffer.appendEncoded(b as Uint8Array)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    expect(() =>
      session.inputAudioBuffer.appendEncoded(new Uint8Array(MAX_APPEND_BYTES + 2)),
    ).toThrow(/one append carries at most/);
    // empty: nothing sent
    session.inputAudioBuffer.appendEncoded(new Uint8Array(0));
    await s.settle();
    expect(appendsOf(s.server.clientEvents)).toEqual([Buffer.from(pcm)]);
    await session.close();
    expect(() => session.inputAudioBuffer.appendEncoded(pcm)).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED' }),
    );
  });

  it('resampled audio append() still holds back goes out first', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { turnDetection: null });
    // 44.1 kHz: the resampler holds a few samples back for the next frame
    session.inputAudioBuffer.append({
      data: new Int16Array(441).fill(500),
      sampleRate: 44_100,
      channels: 1,
    });
    const encoded = new Uint8Array(960).fill(9);
    session.inputAudioBuffer.appendEncoded(encoded);
    await s.settle();
    const appends = appendsOf(s.server.clientEvents);
    expect(appends.length).toBeGreaterThanOrEqual(2);
    expect(appends.at(-1)).toEqual(Buffer.from(encoded));
    // every sample of the resampled 10 ms went out before the encoded bytes: 240 samples
    const resampled = appends.slice(0, -1).reduce((n, b) => n + b.length / 2, 0);
    expect(resampled).toBe(240);
    await session.close();
  });
});
