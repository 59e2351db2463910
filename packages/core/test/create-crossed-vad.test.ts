/**
 * A conversation create that crosses a response the server's VAD started: the engine saw no
 * response in progress and wrote it, the server had just started answering the user's turn and
 * refuses it (`conversation_already_has_active_response`). It is what `keep_both` asks for: held,
 * written again when that answer is done, not reported (peers.md: the most common complaint
 * about tool follow-ups). `cancel_existing` cancels that answer first; `cancel_new` declines, as it
 * would have had the answer been known.
 */
import { speechThenSilence } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import type { OnDuplicate } from '../src/responses/create-options.js';
import { DIALECTS, gate, openSession, setup, type Setup, slowLookup } from './helpers.js';

/** A VAD that ends the turn after 200 ms of silence: the second silence frame. */
const VAD = { type: 'server_vad', silenceDurationMs: 200 } as const;

const creates = (s: Setup) => s.server.clientEvents.filter((e) => e['type'] === 'response.create');

/** The user's turn, with the VAD's answer held until `answer.open()`. */
async function turnAnswered(s: Setup) {
  const answer = gate();
  s.server.queueResponse(async (ctx) => {
    await answer.promise;
    ctx.say('You said something.');
  });
  const frames = speechThenSilence(400, 200);
  const last = frames.pop()!;
  return { answer, frames, last };
}

describe.each(DIALECTS)('a create that crossed the VAD’s answer (%s)', (dialect) => {
  for (const onDuplicate of ['keep_both', 'cancel_existing', 'cancel_new'] as OnDuplicate[])
    it(`create({ onDuplicate: '${onDuplicate}' }) written as the user's turn ends`, async () => {
      const s = setup(dialect);
      const session = await openSession(s, { modalities: ['text'], turnDetection: VAD });
      const errors: unknown[] = [];
      session.on('error', (e) => errors.push(e.code));
      const { answer, frames, last } = await turnAnswered(s);
      s.server.queueResponse((ctx) => ctx.say('Asked for.'));
      for (const frame of frames) session.inputAudioBuffer.append(frame);
      await s.settle();
      // the last frame ends the turn on the server, and the create goes right behind it
      session.inputAudioBuffer.append(last);
      const sent = session.response.create({ onDuplicate });
      await s.settle();
      await expect(sent).resolves.toBe(true);
      // cancel_existing cancelled the answer at once: the create went again when it ended
      expect(creates(s)).toHaveLength(onDuplicate === 'cancel_existing' ? 2 : 1);
      answer.open();
      await s.clock.advanceAsync(1_000);
      if (onDuplicate === 'cancel_new') {
        // declined, as it would have been had the answer been known: the server's word stands
        expect(errors).toEqual(['conversation_already_has_active_response']);
        expect(creates(s)).toHaveLength(1);
        expect(session.responses.map((r) => [r.text, r.status])).toEqual([
          ['You said something.', 'completed'],
        ]);
      } else {
        expect(errors).toEqual([]);
        expect(creates(s)).toHaveLength(2);
        expect(session.responses.map((r) => [r.text, r.status])).toEqual([
          onDuplicate === 'cancel_existing'
            ? ['', 'cancelled']
            : ['You said something.', 'completed'],
          ['Asked for.', 'completed'],
        ]);
      }
      expect(session.responseRequested).toBe(false);
      expect(session.stats.pendingRequests).toBe(0);
      await session.close();
      expect(s.clock.pendingTimers).toBe(0);
    });

  it('the follow-up to a tool that finished as the user spoke: held, then answered', async () => {
    const done = gate();
    const lookup = slowLookup(done.promise);
    const s = setup(dialect, { tools: [lookup], random: () => 0 });
    const session = await openSession(s, { modalities: ['text'], turnDetection: VAD });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e.code));
    const warnings = () => s.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'c1' }));
    await Promise.all([session.response.generate(), s.settle()]);
    const { answer, frames, last } = await turnAnswered(s);
    s.server.queueResponse((ctx) => ctx.say('The lookup found it.'));
    for (const frame of frames) session.inputAudioBuffer.append(frame);
    await s.settle();
    // the tool finishes in the same moment the user's turn ends on the server
    session.inputAudioBuffer.append(last);
    done.open();
    await s.settle();
    answer.open();
    await s.clock.advanceAsync(1_000);
    expect(errors).toEqual([]);
    expect(warnings()).toEqual([]);
    const conversation = s.server.conversation;
    expect(conversation.filter((i) => i['type'] === 'function_call_output')).toHaveLength(1);
    expect(session.responses.slice(1).map((r) => r.text)).toEqual([
      'You said something.',
      'The lookup found it.',
    ]);
    expect(session.responseRequested).toBe(false);
    await session.close();
  });
});
