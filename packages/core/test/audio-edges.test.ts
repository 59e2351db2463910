/**
 * Edges of the audio paths: what a capped retention keeps, appends on a closed session, and a
 * stream its reader has left.
 */
import type { AudioFrame } from '@voxwire/protocol';
import { audioFrame, base64ToPcm16, float32ToPcm16 } from '@voxwire/protocol';
import { tone } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import type { RealtimeContent, RealtimeResponse } from '../src/responses/tree.js';
import { openSession, setup } from './helpers.js';

describe('audio edges', () => {
  it('audioRetention { maxDurationMs } keeps the first frames without a gap: a later, shorter frame is not kept', async () => {
    const s = setup(
      'ga',
      { audioRetention: { maxDurationMs: 250 } },
      { pacing: { audioChunkMs: 100 } },
    );
    const session = await openSession(s);
    const all: AudioFrame[] = [];
    session.on('response_audio', (f) => all.push(f));
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('Some words for speech here.'));
    void session.response.create();
    await s.settle();
    const content = (await done).output[0]!.content[0]!;
    // the last delta is short: it would fit where the third did not
    expect(all.at(-1)!.data.length).toBeLessThan(2400);
    expect(content.audio.map((f) => all.indexOf(f))).toEqual([0, 1]);
    expect(content.audioFramesDropped).toBe(all.length - 2);
    await session.close();
  });

  it('append on a closed session throws SESSION_CLOSED, also for a frame the resampler would hold back', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    session.inputAudioBuffer.append(audioFrame(tone(20, { sampleRate: 44100 }), 44100, 1));
    await session.close();
    expect(() => session.inputAudioBuffer.append(audioFrame(tone(20), 24000, 1))).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED' }),
    );
    expect(() => session.inputAudioBuffer.append(audioFrame(new Int16Array(1), 44100, 1))).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED' }),
    );
  });

  it("a stream its reader left ends at once when read again, though it failed ('error' policy)", async () => {
    const s = setup(
      'ga',
      { streamHighWaterMark: 2, streamPolicy: 'error' },
      { pacing: { audioChunkMs: 50 } },
    );
    const session = await openSession(s);
    let content!: RealtimeContent;
    session.on('response_content_added', (c) => {
      content = c;
      void c.audioStream; // buffering starts; nobody reads, so it overflows and fails
    });
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('A long enough sentence here.'));
    void session.response.create();
    await s.settle();
    await done;
    for await (const frame of content.audioStream) {
      expect(frame.sampleRate).toBe(24000);
      break;
    }
    const again: unknown[] = [];
    for await (const frame of content.audioStream) again.push(frame);
    expect(again).toEqual([]);
    await session.close();
  });

  it.each([
    ['a plain array', [1, 2, 3]],
    ['a Float32Array', new Float32Array([0.5, -0.5])],
    ['a Uint8Array of raw bytes', new Uint8Array([1, 2, 3])],
  ])(
    'item audio whose data is %s is refused, not sent empty or as garbled PCM',
    async (_name, data) => {
      const s = setup('ga');
      const session = await openSession(s, { turnDetection: null });
      const audio = { data, sampleRate: 24_000, channels: 1 } as unknown as AudioFrame;
      const part = { type: 'audio' as const, audio, transcript: null };
      await expect(
        session.conversation.item.create({ role: 'user', content: [part] }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      // setChatCtx runs item.create's checks on each item it will create, before sending
      // anything: a malformed part is an invalid item
      const item = { type: 'message' as const, id: 'u1', role: 'user' as const, content: [part] };
      await expect(session.setChatCtx([item])).rejects.toMatchObject({
        name: 'ConversationError',
        code: 'INVALID_ITEM',
      });
      await s.settle();
      expect(s.server.clientEvents.map((e) => e['type'])).not.toContain('conversation.item.create');
      await session.close();
    },
  );

  it('float samples (a browser capture) are refused naming the conversion; converted, they are appended', async () => {
    const s = setup('ga');
    const session = await openSession(s);
    const captured = new Float32Array(4800).fill(0.25);
    const frame = { data: captured, sampleRate: 48_000, channels: 1 } as unknown as AudioFrame;
    expect(() => session.inputAudioBuffer.append(frame)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('convert them with float32ToPcm16 from @voxwire/protocol'),
      }),
    );
    const part = { type: 'audio' as const, audio: frame, transcript: null };
    await expect(
      session.conversation.item.create({ role: 'user', content: [part] }),
    ).rejects.toThrow('float32ToPcm16');
    // converted: 100 ms at 48 kHz, resampled to the session's 24 kHz
    session.inputAudioBuffer.append({
      data: float32ToPcm16(captured),
      sampleRate: 48_000,
      channels: 1,
    });
    await s.settle();
    const appended = s.server.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append');
    expect(appended).toHaveLength(1);
    const samples = base64ToPcm16(String(appended[0]!['audio']));
    // (the streaming resampler holds back the few samples its filter still needs)
    expect(samples.length).toBeGreaterThan(2300);
    expect(Math.abs(samples[1200]! - 8192)).toBeLessThanOrEqual(2);
    await session.close();
  });

  it.each(['item.create', 'setChatCtx'] as const)(
    'the audio an item was sent with (%s) is what a restore sends again, though the app reused its buffer',
    async (how) => {
      const s = setup('ga');
      const session = await openSession(s, { turnDetection: null });
      const buffer = new Int16Array(2400).fill(1000);
      const item = { type: 'message' as const, id: 'u1', role: 'user' as const };
      const content = [{ type: 'audio' as const, audio: audioFrame(buffer), transcript: null }];
      await Promise.all([
        how === 'item.create'
          ? session.conversation.item.create({ ...item, content })
          : session.setChatCtx([{ ...item, content }]),
        s.settle(),
      ]);
      // an audio pipeline fills the same buffer with the next frame
      buffer.fill(-5);
      s.server.close(1006, '');
      await s.clock.advanceAsync(1000);
      const restored = (s.server.connections[1]?.clientEvents ?? []).find(
        (e) => e['type'] === 'conversation.item.create',
      );
      const part = (restored?.['item'] as { content: { audio?: string }[] }).content[0];
      expect(base64ToPcm16(part?.audio ?? '')).toEqual(new Int16Array(2400).fill(1000));
      await session.close();
    },
  );

  it('an empty frame sends nothing (in the session format or not), and still throws SESSION_CLOSED once closed', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    session.inputAudioBuffer.append(audioFrame(new Int16Array(0)));
    session.inputAudioBuffer.append(audioFrame(new Int16Array(0), 48_000, 2));
    await s.settle();
    expect(s.server.clientEvents.map((e) => e['type'])).not.toContain('input_audio_buffer.append');
    // a malformed empty frame is still malformed
    expect(() =>
      session.inputAudioBuffer.append({ data: [], sampleRate: 24_000, channels: 1 } as never),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await session.close();
    expect(() => session.inputAudioBuffer.append(audioFrame(new Int16Array(0)))).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED' }),
    );
  });

  it('a frame without a channel count or rate is refused naming the field', async () => {
    const s = setup('ga');
    const session = await openSession(s, { turnDetection: null });
    const data = new Int16Array(480);
    expect(() => session.inputAudioBuffer.append({ data, sampleRate: 48_000 } as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(
          'frame.channels must be a whole number ≥ 1, got undefined',
        ),
      }),
    );
    expect(() =>
      session.inputAudioBuffer.append({ data, sampleRate: '48000', channels: 1 } as never),
    ).toThrow(expect.objectContaining({ message: expect.stringContaining('frame.sampleRate') }));
    await session.close();
  });
});
