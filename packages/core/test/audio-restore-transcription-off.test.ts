/**
 * User turns with input transcription off (`inputAudioTranscription: null`, which saves the
 * transcription's cost). Once answered, such a turn had neither words nor samples in the mirror,
 * and a restore left it out: after a drop the model held its own answers without the questions.
 * The mirror now keeps each turn's audio from its commit, as it keeps the audio of the app's own
 * items, within `keepSentAudioMs` in all (the oldest let go first), and the restore sends the
 * turn as the audio it was.
 */
import { describe, expect, it } from 'vitest';
import { speechThenSilence } from '@voxwire/testing';
import type { RealtimeSession } from '../src/session.js';
import type { ChatItem } from '../src/conversation/chat-context.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const QUESTION = 'Where is my order?';

/** The samples of a mirrored user item's audio part (0 when it has none). */
function samplesOf(item: ChatItem | undefined): number {
  if (item?.type !== 'message') return 0;
  const part = item.content[0];
  return part?.type === 'audio' ? (part.audio?.data.length ?? 0) : 0;
}

/** The audio of the item created on connection `n` for `itemId` (base64; '' when none). */
function restoredAudio(s: Setup, n: number, itemId: string): string {
  const sent = s.server.connections[n]!.clientEvents.find(
    (e) =>
      e['type'] === 'conversation.item.create' &&
      (e['item'] as Record<string, unknown>)['id'] === itemId,
  );
  const part = (
    (sent?.['item'] as Record<string, unknown> | undefined)?.['content'] as
      Record<string, unknown>[] | undefined
  )?.[0];
  return part?.['type'] === 'input_audio' ? String(part['audio'] ?? '') : '';
}

function expectMirrorIsServer(session: RealtimeSession, s: Setup) {
  expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(
    s.server.conversation.map((i) => i['id']),
  );
}

/** A session on server VAD with transcription off, `turns` turns spoken and answered. */
async function answeredTurns(
  dialect: 'ga' | 'beta',
  turns: number,
  {
    overrides = {},
    keepSentAudioMs,
    speechMs = 500,
  }: {
    overrides?: Parameters<typeof openSession>[1];
    keepSentAudioMs?: number;
    speechMs?: number;
  } = {},
) {
  const s = setup(
    dialect,
    { random: () => 0, ...(keepSentAudioMs === undefined ? {} : { keepSentAudioMs }) },
    { transcribe: () => QUESTION },
  );
  s.server.onResponse((ctx) => ctx.say('In the oven.'));
  const session = await openSession(s, {
    turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    inputAudioTranscription: null,
    ...overrides,
  });
  const errors: unknown[] = [];
  session.on('error', (e) => errors.push(e.code));
  const committed: string[] = [];
  session.on('input_speech_committed', (e) => committed.push(e.itemId));
  for (let turn = 0; turn < turns; turn++) {
    for (const f of speechThenSilence(speechMs, 300)) {
      session.inputAudioBuffer.append(f);
      await s.clock.advanceAsync(100);
    }
    await s.clock.advanceAsync(5_000);
  }
  return { s, session, errors, committed };
}

describe.each(DIALECTS)('a user turn with input transcription off (%s)', (dialect) => {
  it('is restored after a drop as the audio it was, before its answer', async () => {
    const { s, session, errors, committed } = await answeredTurns(dialect, 1);
    expect(committed).toHaveLength(1);
    const before = s.server.conversation.map((i) => i['id']);
    expect(before).toHaveLength(2);
    expect(before[0]).toBe(committed[0]);
    // the mirror keeps the turn's samples from its commit
    expect(samplesOf(session.chatCtxCopy().items[0])).toBeGreaterThan(0);

    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(session.connectionState.status).toBe('open');
    expect(errors).toEqual(['SOCKET_CLOSED']);
    // the question and its answer, in order, under their ids
    expect(s.server.conversation.map((i) => i['id'])).toEqual(before);
    expect(s.server.conversation[0]?.['role']).toBe('user');
    expect(restoredAudio(s, 1, committed[0]!).length).toBeGreaterThan(0);
    expectMirrorIsServer(session, s);

    // and again on the next drop: the mirror still holds the samples
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(before);
    expect(restoredAudio(s, 2, committed[0]!).length).toBeGreaterThan(0);
    expectMirrorIsServer(session, s);
    await session.close();
  });

  it('keeps the newest turns within keepSentAudioMs: an older one is left out', async () => {
    // one turn (~1.1 s with its prefix padding) fits the budget, two do not
    const { session, committed } = await answeredTurns(dialect, 2, { speechMs: 800 });
    expect(committed).toHaveLength(2);
    const sampleRate = 24_000;
    const items = session.chatCtxCopy().items;
    const firstMs = (samplesOf(items[0]) * 1000) / sampleRate;
    const secondMs = (samplesOf(items[2]) * 1000) / sampleRate;
    expect(firstMs).toBeGreaterThan(0);
    expect(secondMs).toBeGreaterThan(0);
    await session.close();

    const budgetMs = Math.max(firstMs, secondMs) + 100;
    expect(firstMs + secondMs).toBeGreaterThan(budgetMs);
    const bounded = await answeredTurns(dialect, 2, { keepSentAudioMs: budgetMs, speechMs: 800 });
    const kept = bounded.session.chatCtxCopy().items;
    expect(samplesOf(kept[0])).toBe(0);
    expect(samplesOf(kept[2])).toBeGreaterThan(0);
    bounded.s.server.close(1006, 'network');
    await bounded.s.clock.advanceAsync(5_000);
    // the first question, with nothing to restore it as, is left out; the second is audio
    const ids = bounded.s.server.conversation.map((i) => i['id']);
    expect(ids).not.toContain(bounded.committed[0]);
    expect(ids).toContain(bounded.committed[1]);
    expect(restoredAudio(bounded.s, 1, bounded.committed[1]!).length).toBeGreaterThan(0);
    expectMirrorIsServer(bounded.session, bounded.s);
    await bounded.session.close();
  });

  it('keepSentAudioMs: 0 keeps no turn audio (the turn is left out, as before)', async () => {
    const { s, session, committed } = await answeredTurns(dialect, 1, { keepSentAudioMs: 0 });
    expect(samplesOf(session.chatCtxCopy().items[0])).toBe(0);
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(s.server.conversation.map((i) => i['id'])).not.toContain(committed[0]);
    expect(s.server.conversation).toHaveLength(1);
    await session.close();
  });

  it('push-to-talk: the committed turn is restored as its audio', async () => {
    const s = setup(dialect, { random: () => 0 }, { transcribe: () => QUESTION });
    s.server.onResponse((ctx) => ctx.say('In the oven.'));
    const session = await openSession(s, {
      turnDetection: null,
      inputAudioTranscription: null,
    });
    const committed: string[] = [];
    session.on('input_speech_committed', (e) => committed.push(e.itemId));
    for (const f of speechThenSilence(500, 0)) {
      session.inputAudioBuffer.append(f);
      await s.clock.advanceAsync(20);
    }
    await session.inputAudioBuffer.commit();
    await session.response.create();
    await s.clock.advanceAsync(5_000);
    expect(committed).toHaveLength(1);
    expect(samplesOf(session.chatCtxCopy().items[0])).toBeGreaterThan(0);
    const before = s.server.conversation.map((i) => i['id']);
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(s.server.conversation.map((i) => i['id'])).toEqual(before);
    expect(restoredAudio(s, 1, committed[0]!).length).toBeGreaterThan(0);
    await session.close();
  });

  it('with transcription on, the turn keeps no samples once its transcript came', async () => {
    const { s, session } = await answeredTurns(dialect, 1, {
      overrides: { inputAudioTranscription: { model: 'whisper-1' } },
    });
    const first = session.chatCtxCopy().items[0];
    expect(samplesOf(first)).toBe(0);
    expect(first?.type === 'message' && first.content[0]).toMatchObject({ transcript: QUESTION });
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(s.server.conversation).toHaveLength(2);
    await session.close();
  });
});
