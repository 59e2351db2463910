import { describe, expect, it } from 'vitest';
import {
  PcmResampler,
  audioFrame,
  base64ToBytes,
  base64ToPcm16,
  bytesToBase64,
  g711Decode,
} from '@voxwire/protocol';
import { silence, synthesizeSpeech } from '@voxwire/testing';
import { ServerError, type SessionError } from '../src/errors.js';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { DIALECTS, openSession, record, setup } from './helpers.js';

// `count` samples of a 440 Hz tone at `rate`, from sample `from` of the same endless tone
function tone(rate: number, count: number, from: number): Int16Array {
  return Int16Array.from({ length: count }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * (from + i)) / rate)),
  );
}

function chunks(samples: Int16Array, size = 2400) {
  const out = [];
  for (let i = 0; i < samples.length; i += size)
    out.push(audioFrame(samples.subarray(i, i + size)));
  return out;
}

describe.each(DIALECTS)('input audio and items (%s)', (dialect) => {
  it('server VAD: speech started / stopped / committed, transcription completed, then a response', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const events = record(session, [
      'input_speech_started',
      'input_speech_stopped',
      'input_speech_committed',
      'input_speech_transcription_completed',
      'response_created',
    ]);
    s.server.scriptTranscription('hello voxwire');
    s.server.queueResponse((ctx) => ctx.say('hi'));
    for (const f of chunks(synthesizeSpeech('hello voxwire'))) session.inputAudioBuffer.append(f);
    for (const f of chunks(silence(1500))) session.inputAudioBuffer.append(f);
    await s.clock.advanceAsync(5000);
    const names = events.map((e) => e[0]);
    expect(names.slice(0, 3)).toEqual([
      'input_speech_started',
      'input_speech_stopped',
      'input_speech_committed',
    ]);
    expect(names).toContain('input_speech_transcription_completed');
    expect(names).toContain('response_created');
    const started = events[0]?.[1] as { itemId: string; audioStartMs: number };
    const committed = events[2]?.[1] as { itemId: string };
    expect(started.itemId).toBe(committed.itemId);
    expect(typeof started.audioStartMs).toBe('number');
    const transcript = events.find((e) => e[0] === 'input_speech_transcription_completed')?.[1] as {
      transcript: string;
      itemId: string;
    };
    expect(transcript).toMatchObject({
      transcript: 'hello voxwire',
      itemId: committed.itemId,
      contentIndex: 0,
    });
    await session.close();
  });

  it('transcription deltas stream on input_speech_transcription_delta, before completed', async () => {
    const s = setup(dialect, {}, { transcriptionDeltas: 3 });
    const session = await openSession(s, { turnDetection: null });
    const events = record(session, [
      'input_speech_committed',
      'input_speech_transcription_delta',
      'input_speech_transcription_completed',
    ]);
    s.server.scriptTranscription('live captions for the caller');
    for (const f of chunks(synthesizeSpeech('live captions'))) session.inputAudioBuffer.append(f);
    session.inputAudioBuffer.commit();
    await s.clock.advanceAsync(5000);
    const itemId = (events[0]?.[1] as { itemId: string }).itemId;
    expect(events.map((e) => e[0])).toEqual([
      'input_speech_committed',
      'input_speech_transcription_delta',
      'input_speech_transcription_delta',
      'input_speech_transcription_delta',
      'input_speech_transcription_completed',
    ]);
    const deltas = events.slice(1, 4).map((e) => e[1]) as {
      itemId: string;
      contentIndex: number;
      delta: string;
    }[];
    expect(deltas.every((d) => d.itemId === itemId && d.contentIndex === 0)).toBe(true);
    expect(deltas.map((d) => d.delta).join('')).toBe('live captions for the caller');
    await session.close();
  });

  it('transcription failure is its own event with the message', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { turnDetection: null });
    const failed = record(session, ['input_speech_transcription_failed']);
    s.server.scriptTranscription({ fail: true });
    for (const f of chunks(synthesizeSpeech('lost words'))) session.inputAudioBuffer.append(f);
    session.inputAudioBuffer.commit();
    await s.clock.advanceAsync(5000);
    expect(failed).toHaveLength(1);
    const payload = failed[0]?.[1] as { message: string; error: { type: string } };
    expect(payload.message).not.toBe('');
    expect(payload.error.type).toBeTruthy();
    await session.close();
  });

  it('manual turns: commit and clear are sent; an empty commit is a server refusal on error', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { turnDetection: null });
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    session.inputAudioBuffer.commit();
    session.inputAudioBuffer.clear();
    await s.settle();
    expect(s.server.clientEvents.map((e) => e['type'])).toEqual([
      'session.update',
      'input_audio_buffer.commit',
      'input_audio_buffer.clear',
    ]);
    expect(errors[0]).toBeInstanceOf(ServerError);
    expect((errors[0] as ServerError).code).toBe('input_audio_buffer_commit_empty');
    await session.close();
  });

  it('append converts frames at another rate or channel count, seamlessly across frames', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const appended = () =>
      s.server.clientEvents
        .filter((e) => e['type'] === 'input_audio_buffer.append')
        .map((e) => base64ToPcm16(e['audio'] as string));
    const total = () => appended().reduce((n, a) => n + a.length, 0);
    // 100 ms of 16 kHz mono in 20 ms frames, committed: exactly 100 ms of 24 kHz go out
    for (let i = 0; i < 5; i++)
      session.inputAudioBuffer.append(audioFrame(tone(16_000, 320, i * 320), 16_000));
    session.inputAudioBuffer.commit();
    await s.settle();
    expect(total()).toBe(2400);
    // the stream is the one a single resampler gives for the whole input (no seams)
    const whole = new PcmResampler({ inputRate: 16_000, outputRate: 24_000 });
    const expected = [...whole.push(tone(16_000, 1600, 0)), ...whole.flush()];
    expect(appended().flatMap((a) => [...a])).toEqual(expected);
    // 48 kHz stereo: down-mixed and halved
    const before = total();
    session.inputAudioBuffer.append(audioFrame(new Int16Array(2 * 4800).fill(1000), 48_000, 2));
    session.inputAudioBuffer.commit();
    await s.settle();
    expect(total() - before).toBe(2400);
    await session.close();
  });

  it('held-back resampled samples go out before a frame in the session format, and clear() drops them', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const appends = () =>
      s.server.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append');
    session.inputAudioBuffer.append(audioFrame(new Int16Array(960).fill(500), 48_000));
    await s.settle();
    const converted = base64ToPcm16(appends()[0]!['audio'] as string).length;
    expect(converted).toBeLessThan(480);
    const native = new Int16Array(480).fill(-7);
    session.inputAudioBuffer.append(audioFrame(native, 24_000));
    await s.settle();
    const [, tail, last] = appends().map((e) => base64ToPcm16(e['audio'] as string));
    expect(converted + (tail?.length ?? 0)).toBe(480);
    expect(last).toEqual(native);
    // held back, then cleared: nothing more is sent for it
    session.inputAudioBuffer.append(audioFrame(new Int16Array(960).fill(500), 48_000));
    await s.settle();
    const count = appends().length;
    session.inputAudioBuffer.clear();
    session.inputAudioBuffer.append(audioFrame(native, 24_000));
    await s.settle();
    expect(appends().length).toBe(count + 1);
    expect(base64ToPcm16(appends().at(-1)!['audio'] as string)).toEqual(native);
    await session.close();
  });

  it('a user audio item at 16 kHz stereo reaches the server as 24 kHz mono', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const stereo = new Int16Array(2 * 1600).map((_, i) => Math.round(4000 * Math.sin(i / 9)));
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: audioFrame(stereo, 16_000, 2) }),
      s.settle(),
    ]);
    const creates = s.server.clientEvents.filter((e) => e['type'] === 'conversation.item.create');
    const part = (creates[0]?.['item'] as { content: { audio?: string }[] }).content[0];
    // what one resampler gives for the whole frame, down-mix included
    const r = new PcmResampler({ inputRate: 16_000, outputRate: 24_000, channels: 2 });
    const expected = [...r.push(stereo), ...r.flush()];
    expect(expected).toHaveLength(2400);
    expect([...base64ToPcm16(part?.audio ?? '')]).toEqual(expected);
    await session.close();
  });

  it('a G.711 session gets 24 kHz frames converted to 8 kHz', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { inputAudioFormat: 'g711_ulaw' });
    session.inputAudioBuffer.append(audioFrame(new Int16Array(2400), 24_000));
    session.inputAudioBuffer.commit();
    await s.settle();
    const bytes = s.server.clientEvents
      .filter((e) => e['type'] === 'input_audio_buffer.append')
      .reduce((n, e) => n + base64ToBytes(e['audio'] as string).length, 0);
    expect(bytes).toBe(800);
    await session.close();
  });

  it.each([
    ['not a frame', {}],
    ['data that is not an Int16Array', { data: [1, 2], sampleRate: 16_000, channels: 1 }],
    ['a rate that is not an integer', audioFrame(new Int16Array(4), 44_100.5)],
    ['a rate of 0', audioFrame(new Int16Array(4), 0)],
    ['no channels', audioFrame(new Int16Array(4), 48_000, 0)],
    ['a partial stereo frame', audioFrame(new Int16Array(3), 48_000, 2)],
    ['a rate too far from any ratio', audioFrame(new Int16Array(4), 24_001)],
  ])('append refuses %s with INVALID_ARGUMENT and sends nothing', async (_name, frame) => {
    const s = setup(dialect);
    const session = await openSession(s);
    expect(() => session.inputAudioBuffer.append(frame as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'frame' } }),
    );
    await s.settle();
    expect(s.server.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append')).toEqual(
      [],
    );
    await session.close();
  });

  it('G.711 sessions take 8 kHz PCM16 frames and deliver 8 kHz frames', async () => {
    const s = setup(dialect);
    const session = await openSession(s, {
      inputAudioFormat: 'g711_ulaw',
      outputAudioFormat: 'g711_alaw',
    });
    session.inputAudioBuffer.append(audioFrame(new Int16Array(800), 8000));
    const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
    s.server.queueResponse((ctx) => ctx.say('narrow band'));
    void session.response.create();
    await s.settle();
    const content = (await done).output[0]?.content[0];
    expect(content?.sampleRate).toBe(8000);
    expect(content?.audioSamples).toBeGreaterThan(0);
    const append = s.server.clientEvents.find((e) => e['type'] === 'input_audio_buffer.append');
    expect(typeof append?.['audio']).toBe('string');
    await session.close();
  });

  it('truncate cuts played assistant audio; at 0 ms it deletes the item instead', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    for (let i = 0; i < 2; i++) {
      s.server.queueResponse((ctx) => ctx.say('A long enough spoken answer to cut.'));
      void session.response.create();
      await s.settle();
    }
    const [a, b] = session.responses;
    const itemA = a?.output[0]?.itemId as string;
    const itemB = b?.output[0]?.itemId as string;
    const cut = session.conversation.item.truncate({
      itemId: itemA,
      contentIndex: 0,
      audioEndMs: 200.7,
    });
    const zero = session.conversation.item.truncate({
      itemId: itemB,
      contentIndex: 0,
      audioEndMs: 0,
    });
    await s.settle();
    await expect(cut).resolves.toBeUndefined();
    await expect(zero).resolves.toBeUndefined();
    const sent = s.server.clientEvents.map((e) => e['type']);
    expect(sent.filter((t) => t === 'conversation.item.truncate')).toHaveLength(1);
    expect(
      s.server.clientEvents.find((e) => e['type'] === 'conversation.item.truncate')?.[
        'audio_end_ms'
      ],
    ).toBe(200);
    expect(sent).toContain('conversation.item.delete');
    expect(s.server.conversation.map((i) => i['id'])).not.toContain(itemB);
    await expect(
      session.conversation.item.truncate({
        itemId: itemA,
        contentIndex: 0,
        audioEndMs: Number.NaN,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await session.close();
  });

  it('a truncate past the audio received is moved back to its end (the server would refuse it with an error naming no request)', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    s.server.queueResponse((ctx) => ctx.say('Short.'));
    const [response] = await Promise.all([session.response.generate(), s.settle()]);
    await response.done;
    const content = response.output[0]!.content[0]!;
    const received = Math.floor(content.audioDurationMs);
    expect(received).toBeGreaterThan(0);
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const cut = session.conversation.item.truncate({
      itemId: content.itemId,
      contentIndex: 0,
      audioEndMs: received + 2000,
    });
    await s.settle();
    await expect(cut).resolves.toBeUndefined();
    const sent = s.server.clientEvents.find((e) => e['type'] === 'conversation.item.truncate');
    expect(sent?.['audio_end_ms']).toBe(received);
    expect(errors).toEqual([]);
    await session.close();
  });

  it('truncating a user item is refused by the server and rejects with its error', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    const created = session.conversation.item.create({
      id: 'item_u',
      role: 'user',
      content: 'text',
    });
    await s.settle();
    await created;
    const r = session.conversation.item
      .truncate({ itemId: 'item_u', contentIndex: 0, audioEndMs: 100 })
      .catch((e: unknown) => e);
    await s.settle();
    expect(await r).toBeInstanceOf(ServerError);
    await session.close();
  });
});

describe('item audio in a G.711 session (ga)', () => {
  it('the mirror decodes it in the format of its direction, and a restore sends it back', async () => {
    const s = setup('ga', { random: () => 0 });
    const session = await openSession(s, {
      modalities: ['text'],
      inputAudioFormat: 'g711_ulaw',
      outputAudioFormat: 'g711_alaw',
    });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    // 20 ms at 8 kHz; codes that survive a decode/encode round trip in either law
    const bytes = Uint8Array.from({ length: 160 }, (_, i) => 0x10 + (i % 0x60));
    const audio = bytesToBase64(bytes);
    for (const [id, role, type] of [
      ['item_user', 'user', 'input_audio'],
      ['item_model', 'assistant', 'output_audio'],
    ] as const) {
      s.server.emit({
        type: 'conversation.item.added',
        event_id: `ev_${id}`,
        previous_item_id: null,
        item: {
          id,
          object: 'realtime.item',
          type: 'message',
          status: 'completed',
          role,
          content: [{ type, audio, transcript: null }],
        },
      });
    }
    await s.settle();
    const frameOf = (id: string) => {
      const item = session.chatCtxCopy().items.find((i) => i.id === id);
      const part = item?.type === 'message' ? item.content[0] : undefined;
      return part?.type === 'audio' ? part.audio : undefined;
    };
    const user = frameOf('item_user');
    const model = frameOf('item_model');
    expect(user?.sampleRate).toBe(8000);
    expect(user?.data).toEqual(g711Decode(bytes, 'ulaw'));
    expect(model?.sampleRate).toBe(8000);
    expect(model?.data).toEqual(g711Decode(bytes, 'alaw'));

    // the restore re-encodes the user item's audio in the input format: the same bytes go back
    s.server.close(1006, '');
    await s.clock.advanceAsync(1000);
    expect(errors.filter((e) => (e as { code?: string }).code !== 'SOCKET_CLOSED')).toEqual([]);
    const restored = (s.server.connections[1]?.clientEvents ?? []).filter(
      (e) => e['type'] === 'conversation.item.create',
    );
    const userCreate = restored.find((e) => (e['item'] as { role?: string }).role === 'user');
    const content = (userCreate?.['item'] as { content: { audio?: string }[] }).content[0];
    expect([...base64ToBytes(content?.audio ?? '')]).toEqual([...bytes]);
    await session.close();
  });
});
