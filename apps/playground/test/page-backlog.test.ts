/**
 * A page that stops reading (a stalled connection, a frozen tab): the server drops its audio and
 * log lines instead of queueing them without end, keeps every state message, tells the page what
 * it missed once it has caught up, and gives the page up past a hard limit.
 */
import { createFakeServer } from '@voxwire/testing';
import type { FakeServer } from '@voxwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_TOO_SLOW_CODE, PageSession } from '../src/server/page-session.js';
import type { ProviderRuntime } from '../src/server/provider.js';
import type { ServerMessage } from '../src/shared/page-messages.js';
import { MessageRecorder } from './helpers.js';

let session: PageSession | undefined;

afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

const MB = 1 << 20;

/** A page session whose socket reports `lag()` unsent bytes. */
function open(lag: () => number): {
  page: MessageRecorder;
  fake: FakeServer;
  session: PageSession;
  closes: { code: number; reason: string }[];
} {
  const kit = createFakeServer();
  const provider: ProviderRuntime = {
    info: { kind: 'fake', label: 'test fake', model: 'demo' },
    connector: () => kit.connector,
    transcription: true,
  };
  const page = new MessageRecorder();
  const closes: { code: number; reason: string }[] = [];
  session = new PageSession({
    socket: {
      send: (t) => page.record(t),
      close: (code, reason) => closes.push({ code, reason }),
      get bufferedAmount() {
        return lag();
      },
    },
    provider,
    now: () => 0,
  });
  return { page, fake: kit.server, session, closes };
}

function send(s: PageSession, message: unknown): void {
  s.receive(JSON.stringify(message), false);
}

const after = (page: MessageRecorder, from: number): ServerMessage[] => page.messages.slice(from);

describe('a page that does not read', () => {
  it('gets no audio or log lines while behind, every state message, then a note of what it missed', async () => {
    let lag = 0;
    const { page, session: s } = open(() => lag);
    await page.next('link', (m) => m.state === 'connected');
    lag = 2 * MB;
    const from = page.messages.length;
    send(s, { type: 'text', text: 'Tell me something long' });
    const done = await page.next('response_done');
    await page.next('metrics', (m) => m.responseId === done.responseId);
    const behind = after(page, from);
    expect(behind.filter((m) => m.type === 'audio')).toEqual([]);
    expect(behind.filter((m) => m.type === 'log')).toEqual([]);
    expect(behind.map((m) => m.type)).toEqual(
      expect.arrayContaining(['user_text', 'response_created', 'assistant_delta', 'metrics']),
    );
    expect(done.status).toBe('completed');

    lag = 0; // the page has read everything
    const caughtUp = page.nextNew('backlog_dropped');
    const next = page.messages.length;
    send(s, { type: 'text', text: 'And again' });
    const note = await caughtUp;
    expect(note.audioChunks).toBeGreaterThan(0);
    expect(note.logLines).toBeGreaterThan(0);
    expect(page.messages[next]).toEqual(note); // before anything else
    // the next answer plays again
    await page.nextNew('audio');
    expect(page.messages.filter((m) => m.type === 'backlog_dropped')).toHaveLength(1);
  });

  it('an answer that lost audio in the middle plays no further, even once the page has caught up', async () => {
    let stalledSends = 0;
    let audioSeen = 0;
    // behind for the ten messages that follow the first audio chunk (some are audio)
    const { page, session: s } = open(() => (stalledSends-- > 0 ? 2 * MB : 0));
    const record = page.record.bind(page);
    page.record = (text: string) => {
      record(text);
      if ((JSON.parse(text) as ServerMessage).type === 'audio' && ++audioSeen === 1)
        stalledSends = 10;
    };
    await page.next('link', (m) => m.state === 'connected');
    send(s, { type: 'text', text: 'Tell me something long' });
    const first = await page.next('audio');
    await page.next('backlog_dropped');
    const done = await page.next('response_done');
    expect(page.messages.filter((m) => m.type === 'audio' && m.itemId === first.itemId)).toEqual([
      first,
    ]);
    expect(done.status).toBe('completed');
  });

  it('past the hard limit the page is given up on: its socket closes and its session ends', async () => {
    let lag = 0;
    const { page, fake, session: s, closes } = open(() => lag);
    await page.next('link', (m) => m.state === 'connected');
    lag = 8 * MB;
    send(s, { type: 'text', text: 'Hi' }); // its first message finds the page still not reading
    await fake.expectClientEvent('conversation.item.create');
    expect(closes).toEqual([
      { code: PAGE_TOO_SLOW_CODE, reason: 'the page stopped reading its messages' },
    ]);
    const creates = () =>
      fake.clientEvents.filter((e) => e['type'] === 'conversation.item.create').length;
    const before = creates();
    send(s, { type: 'text', text: 'anyone?' });
    expect(creates()).toBe(before);
  });
});
