/**
 * The page ⇄ session bridge on the in-memory fake (no sockets, no pacing): interruption through
 * core's `session.interrupt()` (truncation at the played milliseconds, deletion at 0 ms), refused settings, audio frame validation.
 */
import { SimulatedClock, createFakeServer } from '@voxwire/testing';
import type { FakeServer } from '@voxwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PageSession } from '../src/server/page-session.js';
import type { ProviderRuntime } from '../src/server/provider.js';
import { MessageRecorder } from './helpers.js';

let session: PageSession | undefined;

afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

function open(
  transcription = true,
  clock?: SimulatedClock,
): {
  page: MessageRecorder;
  fake: FakeServer;
  session: PageSession;
} {
  const kit = createFakeServer();
  const provider: ProviderRuntime = {
    info: { kind: 'fake', label: 'test fake', model: 'demo' },
    connector: () => kit.connector,
    transcription,
  };
  const page = new MessageRecorder();
  session = new PageSession({
    socket: { send: (t) => page.record(t), close: () => undefined },
    provider,
    now: () => 0,
    clock,
  });
  return { page, fake: kit.server, session };
}

function send(s: PageSession, message: unknown): void {
  s.receive(JSON.stringify(message), false);
}

function item(fake: FakeServer, id: string): Record<string, unknown> | undefined {
  return fake.conversation.find((i) => i['id'] === id);
}

describe('PageSession', () => {
  it('truncates an assistant item at the played milliseconds the page reports', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Tell me something long' });
    const audio = await page.next('audio');
    await page.next('response_done');
    send(s, {
      type: 'interrupt',
      cancel: false,
      items: [{ itemId: audio.itemId, contentIndex: 0, playedMs: 120.9 }],
    });
    expect(await page.next('truncated')).toEqual({
      type: 'truncated',
      itemId: audio.itemId,
      audioEndMs: 120,
      deleted: false,
    });
    const truncate = fake.clientEvents.find((e) => e['type'] === 'conversation.item.truncate');
    expect(truncate).toMatchObject({ item_id: audio.itemId, content_index: 0, audio_end_ms: 120 });
    expect(item(fake, audio.itemId)).toBeDefined();
    expect(page.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('deletes the item when nothing of it was heard (0 ms)', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Hi' });
    const audio = await page.next('audio');
    await page.next('response_done');
    send(s, { type: 'interrupt', cancel: false, items: [{ itemId: audio.itemId, playedMs: 0 }] });
    expect(await page.next('truncated')).toMatchObject({ itemId: audio.itemId, deleted: true });
    expect(fake.clientEvents.some((e) => e['type'] === 'conversation.item.delete')).toBe(true);
    expect(item(fake, audio.itemId)).toBeUndefined();
  });

  it('interrupt during an answer: cancels it, truncates at the page position once it is over, tells the page, then takes the next turn', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    // the answer is still streaming when the person types over it: its response.done is held
    fake.faults.stallAt('response.done');
    send(s, { type: 'text', text: 'Tell me something long' });
    const audio = await page.next('audio');
    // everything but the held response.done is out: the response still runs for core
    await page.next('log', (m) => m.eventType === 'response.output_item.done');
    send(s, {
      type: 'interrupt',
      cancel: true,
      items: [{ itemId: audio.itemId, contentIndex: 0, playedMs: 250.4 }],
    });
    send(s, { type: 'text', text: 'Stop, another question' });
    await fake.expectClientEvent('response.cancel');
    // let everything not waiting on the server run: neither the truncate (it would race the
    // generator) nor the next turn (it would be answered with the whole answer in context) goes
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    const types = () => fake.clientEvents.map((e) => e['type']);
    expect(types()).not.toContain('conversation.item.truncate');
    expect(types().filter((t) => t === 'conversation.item.create')).toHaveLength(1);
    fake.faults.release();
    expect(await page.next('truncated')).toEqual({
      type: 'truncated',
      itemId: audio.itemId,
      audioEndMs: 250,
      deleted: false,
    });
    const second = await page.next('user_text', (m) => m.text === 'Stop, another question');
    await page.next(
      'response_done',
      (m) => m.status === 'completed' && m.responseId !== audio.responseId,
    );
    const sent = types();
    const truncateAt = sent.indexOf('conversation.item.truncate');
    expect(sent.indexOf('response.cancel')).toBeLessThan(truncateAt);
    expect(sent.lastIndexOf('conversation.item.create')).toBeGreaterThan(truncateAt);
    expect(sent.lastIndexOf('response.create')).toBeGreaterThan(truncateAt);
    expect(fake.clientEvents[truncateAt]).toMatchObject({
      item_id: audio.itemId,
      audio_end_ms: 250,
    });
    // the page learnt of the cut before the next turn
    const order = page.messages.map((m) => m.type);
    expect(order.indexOf('truncated')).toBeLessThan(
      page.messages.findIndex((m) => m.type === 'user_text' && m.itemId === second.itemId),
    );
    // the cancel crossed the answer's end (its generation was over): not an error to show
    expect(page.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('a typed turn over an answer the page has not played yet: cancelled, deleted, never cut at a clock estimate', async () => {
    const clock = new SimulatedClock();
    const { page, fake, session: s } = open(true, clock);
    await page.next('link', (m) => m.state === 'connected');
    fake.faults.stallAt('response.done');
    send(s, { type: 'text', text: 'Tell me something long' });
    const audio = await page.next('audio');
    // everything but the held response.done is out: the response still runs for core
    await page.next('log', (m) => m.eventType === 'response.output_item.done');
    // 400 ms after the first audio, by the session's clock; the page's speaker played nothing
    // of it (its audio had not reached the speaker, say): core must not guess it was heard
    clock.advance(400);
    send(s, { type: 'interrupt', cancel: true, items: [] });
    await fake.expectClientEvent('response.cancel');
    fake.faults.release();
    expect(await page.next('truncated')).toEqual({
      type: 'truncated',
      itemId: audio.itemId,
      audioEndMs: 0,
      deleted: true,
    });
    expect(item(fake, audio.itemId)).toBeUndefined();
    expect(
      fake.clientEvents.some(
        (e) => e['type'] === 'conversation.item.truncate' && e['audio_end_ms'] !== 0,
      ),
    ).toBe(false);
  });

  it('two turns typed over the same answer in quick succession: it is cut once, and no error is shown', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    fake.faults.stallAt('response.done');
    send(s, { type: 'text', text: 'Tell me something long' });
    const audio = await page.next('audio');
    await page.next('log', (m) => m.eventType === 'response.output_item.done');
    send(s, { type: 'interrupt', cancel: true, items: [] });
    send(s, { type: 'text', text: 'one' });
    send(s, { type: 'interrupt', cancel: true, items: [] });
    send(s, { type: 'text', text: 'two' });
    await fake.expectClientEvent('response.cancel');
    fake.faults.release();
    await page.next('user_text', (m) => m.text === 'two');
    await page.next('response_done', (m) => m.status === 'completed');
    expect(page.messages.filter((m) => m.type === 'truncated')).toEqual([
      { type: 'truncated', itemId: audio.itemId, audioEndMs: 0, deleted: true },
    ]);
    expect(page.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(item(fake, audio.itemId)).toBeUndefined();
  });

  it('several items cut without a cancel: the one playing is truncated, the one queued behind it deleted', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'First' });
    const first = await page.next('audio');
    await page.next('response_done', (m) => m.responseId === first.responseId);
    send(s, { type: 'text', text: 'Second' });
    const second = await page.next('audio', (m) => m.responseId !== first.responseId);
    await page.next('response_done', (m) => m.responseId === second.responseId);
    send(s, {
      type: 'interrupt',
      cancel: false,
      items: [
        { itemId: first.itemId, playedMs: 80 },
        { itemId: second.itemId, playedMs: 0 },
      ],
    });
    expect(await page.next('truncated', (m) => m.itemId === first.itemId)).toMatchObject({
      audioEndMs: 80,
      deleted: false,
    });
    expect(await page.next('truncated', (m) => m.itemId === second.itemId)).toMatchObject({
      audioEndMs: 0,
      deleted: true,
    });
    expect(item(fake, first.itemId)).toBeDefined();
    expect(item(fake, second.itemId)).toBeUndefined();
    expect(fake.clientEvents.filter((e) => e['type'] === 'response.cancel')).toEqual([]);
  });

  it('an interrupt naming an item the session does not know cuts nothing, and the session goes on', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'interrupt', cancel: false, items: [{ itemId: 'item_nope', playedMs: 50 }] });
    send(s, { type: 'text', text: 'still here' });
    expect((await page.next('response_done')).status).toBe('completed');
    expect(page.messages.filter((m) => m.type === 'truncated' || m.type === 'error')).toEqual([]);
    expect(fake.clientEvents.some((e) => e['type'] === 'conversation.item.truncate')).toBe(false);
  });

  it('a cancel after the response ended is not sent and shows no error', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Hi' });
    const first = await page.next('response_done');
    // the page still plays the answer and thinks it runs: its cancel arrives after the end
    send(s, { type: 'interrupt', cancel: true, items: [] });
    send(s, { type: 'text', text: 'next question' });
    await page.next('response_done', (m) => m.responseId !== first.responseId);
    expect(fake.clientEvents.filter((e) => e['type'] === 'response.cancel')).toEqual([]);
    expect(page.messages.filter((m) => m.type === 'error' || m.type === 'truncated')).toEqual([]);
  });

  it("a cancel that crosses the response's end (response_cancel_not_active) is logged, not shown as an error", async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    // the server has finished the response, but its response.done is still on the way
    fake.faults.stallAt('response.done');
    send(s, { type: 'text', text: 'Hi' });
    await page.next('log', (m) => m.eventType === 'response.output_item.done');
    send(s, { type: 'interrupt', cancel: true, items: [] });
    await fake.expectClientEvent('response.cancel');
    fake.faults.release();
    await page.next('log', (m) => m.direction === 'server' && m.eventType === 'error');
    await page.next('response_done');
    // the session goes on, and a real error is still shown
    send(s, { type: 'settings', settings: { voice: 'cedar' } });
    expect(await page.next('error')).toMatchObject({ code: 'cannot_update_voice' });
    expect(page.messages.filter((m) => m.type === 'error').map((m) => m.code)).toEqual([
      'cannot_update_voice',
    ]);
  });

  it('applies settings with session.update and echoes what is in effect', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, {
      type: 'settings',
      settings: {
        voice: 'cedar',
        instructions: 'Be terse.',
        turnDetection: {
          type: 'server_vad',
          threshold: 0.7,
          prefixPaddingMs: 200,
          silenceDurationMs: 800,
        },
      },
    });
    const applied = await page.next('settings_applied');
    expect(applied.settings).toMatchObject({
      voice: 'cedar',
      instructions: 'Be terse.',
      turnDetection: { threshold: 0.7, silenceDurationMs: 800 },
    });
    expect(fake.sessionConfig).toMatchObject({
      instructions: 'Be terse.',
      audio: {
        output: { voice: 'cedar' },
        input: {
          turn_detection: {
            type: 'server_vad',
            threshold: 0.7,
            prefix_padding_ms: 200,
            silence_duration_ms: 800,
          },
        },
      },
    });
  });

  it('two partial settings sent back to back both apply: the second does not undo the first', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'settings', settings: { voice: 'ash' } });
    send(s, { type: 'settings', settings: { toolsEnabled: false } });
    const applied = () => page.messages.filter((m) => m.type === 'settings_applied');
    const second = await page.next('settings_applied', (m) => applied().indexOf(m) === 1);
    expect(second.settings).toMatchObject({ voice: 'ash', toolsEnabled: false });
    const updates = fake.clientEvents.filter((e) => e['type'] === 'session.update');
    expect(JSON.stringify(updates.at(-1))).toContain('"voice":"ash"');
  });

  it('semantic VAD, transcription model and language, noise reduction: applied and echoed', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    const hello = await page.next('hello');
    expect(hello.transcriptionAvailable).toBe(true);
    expect(hello.settings).toMatchObject({
      inputAudioTranscription: { model: 'whisper-1' },
      noiseReduction: null,
    });
    // "off" is the server default: not sent until it was once turned on
    const first = fake.clientEvents.find((e) => e['type'] === 'session.update') as {
      session: { audio: { input: Record<string, unknown> } };
    };
    expect(first.session.audio.input).not.toHaveProperty('noise_reduction');
    send(s, {
      type: 'settings',
      settings: {
        turnDetection: { type: 'semantic_vad', eagerness: 'high' },
        inputAudioTranscription: { model: 'gpt-4o-transcribe', language: 'fr' },
        noiseReduction: 'far_field',
      },
    });
    const applied = await page.next('settings_applied');
    expect(applied.settings).toMatchObject({
      turnDetection: { type: 'semantic_vad', eagerness: 'high' },
      inputAudioTranscription: { model: 'gpt-4o-transcribe', language: 'fr' },
      noiseReduction: 'far_field',
    });
    expect(fake.sessionConfig).toMatchObject({
      audio: {
        input: {
          turn_detection: { type: 'semantic_vad', eagerness: 'high' },
          transcription: { model: 'gpt-4o-transcribe', language: 'fr' },
          noise_reduction: { type: 'far_field' },
        },
      },
    });
    // and off again: explicit nulls, since core keeps an omitted option as it was
    send(s, {
      type: 'settings',
      settings: { turnDetection: null, inputAudioTranscription: null, noiseReduction: null },
    });
    expect((await page.nextNew('settings_applied')).settings).toMatchObject({
      turnDetection: null,
      inputAudioTranscription: null,
      noiseReduction: null,
    });
    expect(fake.sessionConfig).toMatchObject({
      audio: { input: { turn_detection: null, transcription: null, noise_reduction: null } },
    });
  });

  it('refuses bad semantic VAD, transcription and noise values with the field named', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    const updates = () => fake.clientEvents.filter((e) => e['type'] === 'session.update').length;
    const before = updates();
    const cases: [unknown, RegExp][] = [
      [{ turnDetection: { type: 'semantic_vad', eagerness: 'eager' } }, /eagerness/],
      [{ turnDetection: { type: 'semantic_vad', eagerness: 'low', threshold: 1 } }, /threshold/],
      [{ inputAudioTranscription: { model: 'whisper-9' } }, /inputAudioTranscription\.model/],
      [
        { inputAudioTranscription: { model: 'whisper-1', language: 'english' } },
        /inputAudioTranscription\.language: expected a two-letter ISO-639-1 code/,
      ],
      [{ noiseReduction: 'studio' }, /noiseReduction/],
    ];
    for (const [settings, message] of cases) {
      const refusal = page.nextNew('error'); // the refusal is synchronous: listen first
      send(s, { type: 'settings', settings });
      expect((await refusal).message).toMatch(message);
    }
    expect(updates()).toBe(before);
  });

  it('without transcription (Azure lacking a deployment): off from the start, turning it on is refused and rolled back', async () => {
    const { page, fake, session: s } = open(false);
    const hello = await page.next('hello');
    expect(hello.transcriptionAvailable).toBe(false);
    expect(hello.settings.inputAudioTranscription).toBeNull();
    await page.next('link', (m) => m.state === 'connected');
    const updates = () => fake.clientEvents.filter((e) => e['type'] === 'session.update').length;
    const before = updates();
    const rollback = page.nextNew('settings_applied');
    send(s, { type: 'settings', settings: { inputAudioTranscription: { model: 'whisper-1' } } });
    expect((await rollback).settings.inputAudioTranscription).toBeNull();
    expect(await page.next('error')).toMatchObject({ code: 'TRANSCRIPTION_UNAVAILABLE' });
    expect(updates()).toBe(before);
  });

  it('a refused update rolls the form back and core does not keep the refused noise reduction', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Hi' });
    await page.next('response_done'); // audio went out: the voice can no longer change
    send(s, { type: 'settings', settings: { voice: 'cedar', noiseReduction: 'near_field' } });
    const rollback = await page.next('settings_applied');
    expect(rollback.settings).toMatchObject({ voice: 'marin', noiseReduction: null });
    expect((await page.next('error')).code).toBe('cannot_update_voice');
    // the next update says "off" explicitly, so the refused near_field does not linger in core
    send(s, { type: 'settings', settings: { instructions: 'Shorter.' } });
    await page.nextNew('settings_applied');
    const last = fake.clientEvents.filter((e) => e['type'] === 'session.update').at(-1) as {
      session: { audio: { input: Record<string, unknown> } };
    };
    expect(last.session.audio.input['noise_reduction']).toBeNull();
  });

  it('refuses out-of-range settings before they reach the server', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    const updates = () => fake.clientEvents.filter((e) => e['type'] === 'session.update').length;
    const before = updates();
    send(s, {
      type: 'settings',
      settings: {
        turnDetection: {
          type: 'server_vad',
          threshold: 3,
          prefixPaddingMs: 0,
          silenceDurationMs: 0,
        },
      },
    });
    expect((await page.next('error')).message).toMatch(/settings\.turnDetection\.threshold/);
    const second = page.nextNew('error'); // the refusal is synchronous: listen first
    send(s, { type: 'settings', settings: { voice: 'x', extra: true } });
    expect((await second).message).toMatch(/extra/);
    expect(updates()).toBe(before);
  });

  it('appends valid PCM16 frames and refuses odd or oversized ones', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    s.receive(new Uint8Array(960 * 2), true);
    s.receive(new Uint8Array(5), true);
    expect(await page.next('error')).toMatchObject({ code: 'BAD_AUDIO' });
    const oversized = page.nextNew('error'); // the refusal is synchronous: listen first
    s.receive(new Uint8Array(48_002), true);
    expect((await oversized).message).toMatch(/48002/);
    send(s, { type: 'text', text: 'sync' });
    await page.next('response_done');
    expect(fake.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append')).toHaveLength(
      1,
    );
  });

  it('a microphone frame that arrives after the provider session closed is dropped, never thrown', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    // a fatal close (3000: the key was refused): core's session ends for good
    fake.close(3000, 'invalid_api_key');
    await page.next('link', (m) => m.state === 'closed');
    expect(() => s.receive(new Uint8Array(1920), true)).not.toThrow();
    expect(fake.clientEvents.filter((e) => e['type'] === 'input_audio_buffer.append')).toEqual([]);
  });
});
