import { describe, expect, it } from 'vitest';
import { audioFrame, base64ToBytes, bytesToBase64, g711Decode } from '@voxwire/protocol';
import { silence, synthesizeSpeech } from '@voxwire/testing';
import { ServerError, type SessionError } from '../src/errors.js';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { DIALECTS, openSession, record, setup } from './helpers.js';

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

  it('append refuses frames at the wrong rate or channel count', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    expect(() => session.inputAudioBuffer.append(audioFrame(new Int16Array(160), 16000))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() =>
      session.inputAudioBuffer.append(audioFrame(new Int16Array(160), 24000, 2)),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => session.inputAudioBuffer.append({} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
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
