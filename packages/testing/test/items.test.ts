import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

const userText = (text: string, id?: string) => ({
  ...(id ? { id } : {}),
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
});

describe.each(['ga', 'beta'] as const)('conversation items (%s)', (dialect) => {
  it('creates with client and server ids, honours previous_item_id and root', async () => {
    const c = await connect({ dialect });
    c.send({ type: 'conversation.item.create', item: userText('one', 'a') });
    c.send({ type: 'conversation.item.create', item: userText('two') });
    c.send({
      type: 'conversation.item.create',
      item: userText('zero', 'z'),
      previous_item_id: 'root',
    });
    c.send({
      type: 'conversation.item.create',
      item: userText('half', 'h'),
      previous_item_id: 'a',
    });
    await c.flush();
    const ids = c.server.conversation.map((i) => i['id']);
    expect(ids[0]).toBe('z');
    expect(ids[1]).toBe('a');
    expect(ids[2]).toBe('h');
    expect(ids).toHaveLength(4);
    const acks = c.events.filter(
      (e) =>
        e.type === (dialect === 'ga' ? 'conversation.item.added' : 'conversation.item.created'),
    );
    expect(acks).toHaveLength(4);
    if (dialect === 'ga')
      expect(c.types().filter((t) => t === 'conversation.item.done')).toHaveLength(4);
    else expect(c.types()).not.toContain('conversation.item.done');
    expect(acks[3]!['previous_item_id']).toBe('a');
  });

  it('rejects an unknown previous_item_id (item not added) and echoes the event_id', async () => {
    const c = await connect({ dialect });
    c.send({
      type: 'conversation.item.create',
      event_id: 'ev9',
      item: userText('x', 'x'),
      previous_item_id: 'missing',
    });
    await c.flush();
    expect(c.server.conversation).toEqual([]);
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      param: 'previous_item_id',
      event_id: 'ev9',
    });
  });

  it('a user audio item is heard as a turn is (transcribe), with no transcription event and no scripted words taken', async () => {
    const c = await connect({
      dialect,
      transcribe: (samples) => (samples[0] === 1_000 ? 'where is my order' : ''),
    });
    c.server.scriptTranscription('the next spoken turn');
    const heard: (string | undefined)[] = [];
    c.server.onResponse((ctx) => {
      heard.push(ctx.userText);
      ctx.say('ok');
    });
    const audioItem = (id: string, level: number, transcript?: string) => ({
      id,
      type: 'message',
      role: 'user',
      content: [
        {
          type: 'input_audio',
          audio: Buffer.from(new Int16Array(2_400).fill(level).buffer).toString('base64'),
          ...(transcript === undefined ? {} : { transcript }),
        },
      ],
    });
    c.send({ type: 'conversation.item.create', item: audioItem('a1', 1_000) });
    c.send({ type: 'response.create' });
    await c.flush();
    // words the hook does not know, and a transcript the client gave: as before
    c.send({ type: 'conversation.item.create', item: audioItem('a2', 7) });
    c.send({ type: 'response.create' });
    await c.flush();
    c.send({ type: 'conversation.item.create', item: audioItem('a3', 1_000, 'my own words') });
    c.send({ type: 'response.create' });
    await c.flush();
    expect(heard).toEqual(['where is my order', undefined, 'my own words']);
    expect(c.types().filter((t) => t.includes('input_audio_transcription'))).toEqual([]);
    expect(c.server.conversation.find((i) => i['id'] === 'a1')?.['content']).toEqual([
      { type: 'input_audio', transcript: null },
    ]);
    // the scripted words are still the next spoken turn's
    c.send({
      type: 'input_audio_buffer.append',
      audio: Buffer.from(new Int16Array(4_800).fill(3).buffer).toString('base64'),
    });
    c.send({ type: 'input_audio_buffer.commit' });
    c.send({ type: 'response.create' });
    await c.flush();
    expect(heard.at(-1)).toBe('the next spoken turn');
  });

  it('deletes, retrieves (with audio) and errors on unknown ids', async () => {
    const c = await connect({ dialect });
    c.send({ type: 'conversation.item.create', item: userText('keep', 'k') });
    c.send({ type: 'conversation.item.delete', item_id: 'k' });
    c.send({ type: 'conversation.item.delete', event_id: 'd2', item_id: 'k' });
    c.send({ type: 'conversation.item.retrieve', event_id: 'r1', item_id: 'nope' });
    await c.flush();
    expect(c.events.find((e) => e.type === 'conversation.item.deleted')!['item_id']).toBe('k');
    const errors = c.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(errors.map((e) => e.event_id)).toEqual(['d2', 'r1']);
    expect(errors[0].code).toBe('item_not_found');
  });

  it('an audio answer with no audio in it cannot be truncated, not even at 0 ms (protocol.md §7.7)', async () => {
    const c = await connect({ dialect });
    c.server.queueResponse((ctx) => ctx.say(''));
    c.send({ type: 'response.create' });
    await c.flush();
    const id = String(c.server.conversation.find((i) => i['role'] === 'assistant')!['id']);
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't0',
      item_id: id,
      content_index: 0,
      audio_end_ms: 0,
    });
    await c.flush();
    expect(c.types()).not.toContain('conversation.item.truncated');
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      code: 'unsupported_content_type',
      event_id: 't0',
    });
  });

  it('truncates assistant audio only, checks the range, drops the transcript', async () => {
    const c = await connect({ dialect });
    c.server.queueResponse((ctx) => ctx.say('Hello world'));
    c.send({ type: 'conversation.item.create', item: userText('hi', 'u1') });
    c.send({ type: 'response.create' });
    await c.flush();
    const assistant = c.server.conversation.find((i) => i['role'] === 'assistant')!;
    const id = String(assistant['id']);
    // "Hello world" = 11 chars × 60 ms = 660 ms of audio
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't1',
      item_id: 'u1',
      content_index: 0,
      audio_end_ms: 10,
    });
    c.send({
      type: 'conversation.item.truncate',
      event_id: 't2',
      item_id: id,
      content_index: 0,
      audio_end_ms: 5000,
    });
    c.send({
      type: 'conversation.item.truncate',
      item_id: id,
      content_index: 0,
      audio_end_ms: 300,
    });
    c.send({ type: 'conversation.item.retrieve', item_id: id });
    await c.flush();
    const errors = c.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(errors[0]).toMatchObject({
      code: 'unsupported_content_type',
      message: 'Only model output audio messages can be truncated',
      event_id: 't1',
    });
    // as the real server: this error names no request (protocol.md §7.7)
    expect(errors[1]).toMatchObject({
      message: 'Audio content of 660ms is already shorter than 5000ms',
      event_id: null,
    });
    expect(c.events.find((e) => e.type === 'conversation.item.truncated')).toMatchObject({
      item_id: id,
      audio_end_ms: 300,
    });
    const retrieved = c.events.find((e) => e.type === 'conversation.item.retrieved')!['item'];
    const part = retrieved.content[0];
    expect(part.transcript).toBe('');
    // 300 ms at 24 kHz = 7200 samples = 14400 bytes
    expect(Buffer.from(part.audio, 'base64').length).toBe(14_400);
  });

  it('G.711 sessions: item audio is read in the input format, and retrieve hands audio back in the format of its direction', async () => {
    const c = await connect({ dialect });
    c.send({
      type: 'session.update',
      session:
        dialect === 'ga'
          ? {
              type: 'realtime',
              audio: {
                input: { format: { type: 'audio/pcmu' } },
                output: { format: { type: 'audio/pcma' } },
              },
            }
          : { input_audio_format: 'g711_ulaw', output_audio_format: 'g711_alaw' },
    });
    // 1 s of µ-law at 8 kHz: codes that survive a decode/encode round trip
    const ulaw = Uint8Array.from({ length: 8000 }, (_, i) => 0x10 + (i % 0x60));
    c.send({
      type: 'conversation.item.create',
      item: {
        id: 'u1',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_audio', audio: Buffer.from(ulaw).toString('base64') }],
      },
    });
    c.server.queueResponse((ctx) => ctx.say('Hi'));
    c.send({ type: 'response.create' });
    await c.flush();
    // the response heard 1 s of user audio: 10 tokens of 100 ms (read as PCM16, it was 167 ms)
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.usage.input_token_details.audio_tokens).toBe(10);
    const assistant = String(c.server.conversation.find((i) => i['role'] === 'assistant')!['id']);
    c.send({ type: 'conversation.item.retrieve', item_id: 'u1' });
    c.send({ type: 'conversation.item.retrieve', item_id: assistant });
    await c.flush();
    const [user, model] = c.events
      .filter((e) => e.type === 'conversation.item.retrieved')
      .map((e) => Buffer.from(e['item'].content[0].audio as string, 'base64'));
    // the user's audio comes back as the µ-law bytes it was created with
    expect([...user!]).toEqual([...ulaw]);
    // the model's as A-law at 8 kHz: one byte per sample, as many as its deltas carried
    const deltas = c.events
      // the test client reads beta frames under their GA names
      .filter((e) => e.type === 'response.output_audio.delta')
      .reduce((n, e) => n + Buffer.from(e['delta'] as string, 'base64').length, 0);
    expect(deltas).toBeGreaterThan(0);
    expect(model!.length).toBe(deltas);
  });

  it('checks that a function_call_output answers a known call_id', async () => {
    const c = await connect({ dialect });
    c.send({
      type: 'conversation.item.create',
      event_id: 'f1',
      item: { type: 'function_call_output', call_id: 'call_nope', output: '{}' },
    });
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      event_id: 'f1',
      param: 'item.call_id',
    });
  });
});
