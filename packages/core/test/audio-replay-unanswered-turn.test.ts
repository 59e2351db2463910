/**
 * A turn the server's VAD committed, lost with the connection before its answer started: the
 * fresh server never heard it, and the restore cannot give it back (its item, if it got that
 * far, has no transcript yet: transcription finishes after the answer starts). Its audio is
 * written again, as a turn cut mid-sentence is, so the fresh server hears it and answers it;
 * the user item the old server made is not restored beside it. Once the answer started the turn
 * is the old server's: it is restored from the mirror as usual, and not heard twice; as its
 * words, or, when the drop came before its transcript (the real server transcribes beside the
 * answer), as the audio it was.
 */
import { describe, expect, it } from 'vitest';
import { speechThenSilence } from '@voxwire/testing';
import type { RealtimeSession } from '../src/session.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const QUESTION = 'Where is my order?';

async function turnLostAt(dialect: 'ga' | 'beta', type: string, transcriptionDelayMs = 0) {
  const s = setup(
    dialect,
    { random: () => 0 },
    { transcribe: () => QUESTION, transcriptionDelayMs },
  );
  s.server.onResponse((ctx) => ctx.say(ctx.userText === QUESTION ? 'In the oven.' : '?'));
  const session = await openSession(s, {
    turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
  });
  const errors: unknown[] = [];
  session.on('error', (e) => errors.push(e.code));
  const committed: string[] = [];
  session.on('input_speech_committed', (e) => committed.push(e.itemId));
  // the socket goes right after the server sent `type` for the turn
  s.server.faults.closeAt(type, { when: 'after' });
  session.once('disconnected', () => s.server.faults.clear());
  for (const f of speechThenSilence(500, 300)) {
    session.inputAudioBuffer.append(f);
    await s.clock.advanceAsync(100);
  }
  await s.clock.advanceAsync(5_000);
  return { s, session, errors, committed };
}

/** The server's conversation: each item's role and words. */
function said(s: Setup): string[] {
  return s.server.conversation.map((i) => {
    const part = (i['content'] as Record<string, unknown>[] | undefined)?.[0];
    return `${String(i['role'])}: ${String(part?.['transcript'] ?? part?.['text'] ?? '')}`;
  });
}

function expectMirrorIsServer(session: RealtimeSession, s: Setup) {
  expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(
    s.server.conversation.map((i) => i['id']),
  );
}

describe.each(DIALECTS)('a committed turn the drop took before its answer (%s)', (dialect) => {
  // (the fake names server events as the GA model does in both dialects)
  for (const type of ['input_audio_buffer.committed', 'conversation.item.added'])
    it(`lost right after ${type}: its audio is written again, and the fresh server answers it`, async () => {
      const { s, session, errors, committed } = await turnLostAt(dialect, type);
      expect(session.connectionState.status).toBe('open');
      expect(errors).toEqual(['SOCKET_CLOSED']);
      // heard once, on the fresh server, and answered
      expect(said(s)).toEqual([`user: ${QUESTION}`, 'assistant: In the oven.']);
      expect(committed).toHaveLength(2);
      expect(s.server.conversation[0]?.['id']).toBe(committed[1]);
      expectMirrorIsServer(session, s);
      await session.close();
    });

  it('lost right after conversation.item.added: a context trim asked for at the drop keeps the turn once, not refused', async () => {
    const s = setup(dialect, { random: () => 0 }, { transcribe: () => QUESTION });
    s.server.onResponse((ctx) => ctx.say(ctx.userText === QUESTION ? 'In the oven.' : '?'));
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'An old note.' }),
      s.settle(),
    ]);
    // the note's was the first: the turn's is the second
    s.server.faults.closeAt('conversation.item.added', { when: 'after', occurrence: 2 });
    // the app trims its history twice at the drop (the oldest message goes), from a copy with
    // the turn's first item in it; the second trim runs after the restore, which wrote the turn
    // again: the fresh server's item has another id, and the old one (its audio went as appends,
    // it has no samples) cannot be made again
    const trims: Promise<void>[] = [];
    session.once('disconnected', () => {
      s.server.faults.clear();
      const items = session.chatCtxCopy().items;
      expect(items).toHaveLength(2);
      trims.push(session.setChatCtx(items.slice(1)), session.setChatCtx(items.slice(1)));
    });
    for (const f of speechThenSilence(500, 300)) {
      session.inputAudioBuffer.append(f);
      await s.clock.advanceAsync(100);
    }
    await s.clock.advanceAsync(5_000);
    await Promise.all(trims);
    expect(said(s)).toEqual([`user: ${QUESTION}`, 'assistant: In the oven.']);
    expectMirrorIsServer(session, s);
    await session.close();
  });

  it('lost right after conversation.item.added: an item placed after the turn during the outage goes where the fresh server can put it', async () => {
    const s = setup(dialect, { random: () => 0 }, { transcribe: () => QUESTION });
    s.server.onResponse((ctx) => ctx.say(ctx.userText === QUESTION ? 'In the oven.' : '?'));
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    await Promise.all([
      session.conversation.item.create({ id: 'item_first', role: 'user', content: 'Hello.' }),
      s.settle(),
    ]);
    s.server.faults.closeAt('conversation.item.added', { when: 'after', occurrence: 2 });
    // during the outage the app places a note right after the turn (whose item the restore
    // leaves to the fresh server to make anew, under another id)
    let noted: Promise<unknown> | undefined;
    session.once('disconnected', () => {
      s.server.faults.clear();
      const turnId = session.chatCtxCopy().items.at(-1)!.id;
      expect(turnId).not.toBe('item_first');
      noted = session.conversation.item.create(
        { id: 'item_note', role: 'user', content: 'A note.' },
        turnId,
      );
    });
    for (const f of speechThenSilence(500, 300)) {
      session.inputAudioBuffer.append(f);
      await s.clock.advanceAsync(100);
    }
    await s.clock.advanceAsync(5_000);
    // not refused (the previous_item_id does not exist): after the item before the turn
    await expect(noted).resolves.toBeDefined();
    expect(said(s)).toEqual([
      'user: Hello.',
      'user: A note.',
      `user: ${QUESTION}`,
      'assistant: In the oven.',
    ]);
    expectMirrorIsServer(session, s);
    await session.close();
  });

  it('lost once its answer started: the turn is restored as its words, not heard again', async () => {
    const { s, session, errors, committed } = await turnLostAt(dialect, 'response.created');
    expect(errors).toEqual(['SOCKET_CLOSED']);
    expect(committed).toHaveLength(1);
    // the cut answer had no word heard: left out; the app asks again if it wants (README)
    expect(said(s)).toEqual([`user: ${QUESTION}`]);
    expect(s.server.conversation[0]?.['id']).toBe(committed[0]);
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.create')).toEqual([]);
    expectMirrorIsServer(session, s);
    await session.close();
  });

  it('lost once its answer started, before its transcript came: the turn is restored as its audio', async () => {
    const { s, session, errors, committed } = await turnLostAt(dialect, 'response.created', 1_500);
    expect(errors).toEqual(['SOCKET_CLOSED']);
    expect(committed).toHaveLength(1);
    const restored = s.server.conversation;
    expect(restored.map((i) => i['id'])).toEqual([committed[0]]);
    const part = (restored[0]?.['content'] as Record<string, unknown>[])[0];
    expect(part?.['type']).toBe('input_audio');
    // the turn as it was spoken (its speech and the silence the VAD waited for)
    const sent = s.server.connections[1]!.clientEvents.find(
      (e) => e['type'] === 'conversation.item.create',
    );
    const audio = String(
      ((sent?.['item'] as Record<string, unknown>)['content'] as Record<string, unknown>[])[0]?.[
        'audio'
      ],
    );
    expect(audio.length).toBeGreaterThan(0);
    // the mirror keeps the samples (as it keeps those of the app's audio items): a later drop
    // restores the turn as its audio again
    const mirrored = session.chatCtxCopy().items[0];
    expect(mirrored).toMatchObject({ id: committed[0], role: 'user' });
    expect(
      mirrored?.type === 'message' && mirrored.content[0]?.type === 'audio'
        ? mirrored.content[0].audio?.data.length
        : 0,
    ).toBeGreaterThan(0);
    s.server.close(1006, 'network');
    await s.clock.advanceAsync(5_000);
    expect(s.server.conversation.map((i) => i['id'])).toEqual([committed[0]]);
    expectMirrorIsServer(session, s);
    await session.close();
  });

  // push-to-talk: the app commits the turn and asks for its answer (commit(), create())
  for (const [type, when] of [
    ['input_audio_buffer.committed', 'before'],
    ['input_audio_buffer.committed', 'after'],
    ['conversation.item.added', 'after'],
  ] as const)
    it(`push-to-talk, lost ${when} ${type}: the turn is heard once and answered once`, async () => {
      const s = setup(dialect, { random: () => 0 }, { transcribe: () => QUESTION });
      s.server.onResponse((ctx) => ctx.say(ctx.userText === QUESTION ? 'In the oven.' : '?'));
      const session = await openSession(s, { turnDetection: null });
      const errors: unknown[] = [];
      session.on('error', (e) => errors.push(e.code));
      s.server.faults.closeAt(type, { when });
      session.once('disconnected', () => s.server.faults.clear());
      for (const f of speechThenSilence(500, 100)) {
        session.inputAudioBuffer.append(f);
        await s.clock.advanceAsync(100);
      }
      session.inputAudioBuffer.commit();
      const asked = session.response.create();
      await s.clock.advanceAsync(5_000);
      await expect(asked).resolves.toBe(true);
      expect(errors).toEqual(['SOCKET_CLOSED']);
      if (type === 'conversation.item.added') {
        // its item came, without its transcript yet: restored in place as the audio it was (the
        // fake hears no words in audio it is sent as an item, and answers '?')
        const [user, answer] = s.server.conversation;
        expect((user?.['content'] as Record<string, unknown>[])[0]?.['type']).toBe('input_audio');
        expect(s.server.conversation).toHaveLength(2);
        expect(answer?.['role']).toBe('assistant');
      } else {
        // its item never came: the turn is written again with its commit, before the create
        expect(said(s)).toEqual([`user: ${QUESTION}`, 'assistant: In the oven.']);
      }
      expectMirrorIsServer(session, s);
      await session.close();
    });
});
