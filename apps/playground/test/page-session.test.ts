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

function open(): { page: MessageRecorder; fake: FakeServer; session: PageSession } {
  const kit = createFakeServer();
  const provider: ProviderRuntime = {
    info: { kind: 'fake', label: 'test fake', model: 'demo' },
    connector: () => kit.connector,
    transcription: true,
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
});
