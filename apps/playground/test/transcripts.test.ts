/**
 * User turns always end on the page: a transcription that will never complete (its item deleted,
 * the connection lost) is closed with what was heard of it, and a turn committed with
 * transcription off is not shown as "transcribing…".
 */
import { createFakeServer } from '@voxwire/testing';
import type { FakeServer } from '@voxwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PageSession } from '../src/server/page-session.js';
import type { ProviderRuntime } from '../src/server/provider.js';
import { MessageRecorder, toneThenSilence } from './helpers.js';

let session: PageSession | undefined;

afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

function open(transcription = true): { page: MessageRecorder; fake: FakeServer; s: PageSession } {
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
  return { page, fake: kit.server, s: session };
}

/** One spoken turn the fake's server VAD commits. */
function speak(s: PageSession): void {
  const pcm = toneThenSilence(800, 900);
  for (let i = 0; i < pcm.length; i += 960) {
    const chunk = pcm.slice(i, i + 960);
    s.receive(new Uint8Array(chunk.buffer), true);
  }
}

const COMPLETED = 'conversation.item.input_audio_transcription.completed';

describe('user transcripts', () => {
  it('a turn whose item is deleted before its transcription completes is closed with its partial text', async () => {
    const { page, fake, s } = open();
    await page.next('link', (m) => m.state === 'connected');
    fake.scriptTranscription('what is the weather like');
    fake.faults.drop(COMPLETED);
    speak(s);
    const committed = await page.next('committed');
    expect(committed.transcribing).toBe(true);
    const partial = await page.next('user_transcript', (m) => m.itemId === committed.itemId);
    expect(partial.final).toBe(false);
    await page.next('response_done');
    fake.emit({ type: 'conversation.item.deleted', event_id: 'ev_del', item_id: committed.itemId });
    const closed = await page.next(
      'user_transcript',
      (m) => m.itemId === committed.itemId && m.final,
    );
    expect(closed.text).toMatch(/the item was deleted/);
    expect(closed.text.startsWith(partial.text)).toBe(true);
  });

  it('a transcription the lost connection was running is closed when it drops', async () => {
    const { page, fake, s } = open();
    await page.next('link', (m) => m.state === 'connected');
    fake.scriptTranscription('what is the weather like');
    fake.faults.closeAt(COMPLETED);
    speak(s);
    const committed = await page.next('committed');
    await page.next('user_transcript', (m) => m.itemId === committed.itemId && !m.final);
    await page.next('link', (m) => m.state === 'disconnected');
    const closed = await page.next(
      'user_transcript',
      (m) => m.itemId === committed.itemId && m.final,
    );
    expect(closed.text).toMatch(/^what is the .*connection was lost/);
  });

  it('with transcription off, a committed turn says no transcription follows', async () => {
    const { page, s } = open(false);
    await page.next('link', (m) => m.state === 'connected');
    speak(s);
    expect((await page.next('committed')).transcribing).toBe(false);
    await page.next('response_done');
    expect(page.messages.filter((m) => m.type === 'user_transcript')).toEqual([]);
  });
});
