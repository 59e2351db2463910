/**
 * The page ⇄ session bridge on the in-memory fake (no sockets, no pacing): truncation at the
 * played milliseconds, deletion at 0 ms, refused settings, audio frame validation.
 */
import { createFakeServer } from '@voxwire/testing';
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

function open(transcription = true): {
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
    send(s, { type: 'truncate', itemId: audio.itemId, contentIndex: 0, audioEndMs: 120.9 });
    expect(await page.next('truncated')).toEqual({
      type: 'truncated',
      itemId: audio.itemId,
      audioEndMs: 120,
      deleted: false,
    });
    const truncate = fake.clientEvents.find((e) => e['type'] === 'conversation.item.truncate');
    expect(truncate).toMatchObject({ item_id: audio.itemId, content_index: 0, audio_end_ms: 120 });
    expect(item(fake, audio.itemId)).toBeDefined();
  });

  it('deletes the item when nothing of it was heard (0 ms)', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Hi' });
    const audio = await page.next('audio');
    await page.next('response_done');
    send(s, { type: 'truncate', itemId: audio.itemId, audioEndMs: 0 });
    expect(await page.next('truncated')).toMatchObject({ itemId: audio.itemId, deleted: true });
    expect(fake.clientEvents.some((e) => e['type'] === 'conversation.item.delete')).toBe(true);
    expect(item(fake, audio.itemId)).toBeUndefined();
  });

  it('a refused truncate (unknown item) is shown as an error and the session goes on', async () => {
    const { page, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'truncate', itemId: 'item_nope', audioEndMs: 50 });
    const error = await page.next('error');
    expect(error.source).toBe('provider');
    send(s, { type: 'text', text: 'still here' });
    expect((await page.next('response_done')).status).toBe('completed');
  });

  it('a cancel after the response ended is not sent and shows no error', async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Hi' });
    const first = await page.next('response_done');
    // the page still plays the answer and thinks it runs: its cancel arrives after the end
    send(s, { type: 'cancel' });
    send(s, { type: 'text', text: 'next question' });
    await page.next('response_done', (m) => m.responseId !== first.responseId);
    expect(fake.clientEvents.filter((e) => e['type'] === 'response.cancel')).toEqual([]);
    expect(page.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it("a cancel that crosses the response's end (response_cancel_not_active) is logged, not shown as an error", async () => {
    const { page, fake, session: s } = open();
    await page.next('link', (m) => m.state === 'connected');
    // the server has finished the response, but its response.done is still on the way
    fake.faults.stallAt('response.done');
    send(s, { type: 'text', text: 'Hi' });
    await page.next('log', (m) => m.eventType === 'response.output_item.done');
    send(s, { type: 'cancel' });
    await fake.expectClientEvent('response.cancel');
    fake.faults.release();
    await page.next('log', (m) => m.direction === 'server' && m.eventType === 'error');
    await page.next('response_done');
    // the session goes on, and a real error is still shown
    send(s, { type: 'truncate', itemId: 'item_nope', audioEndMs: 50 });
    expect(await page.next('error')).toMatchObject({ code: 'item_not_found' });
    expect(page.messages.filter((m) => m.type === 'error').map((m) => m.code)).toEqual([
      'item_not_found',
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
