/**
 * A side-band's drop right as the call's session starts an answer: the session goes on with it
 * (the call plays it), but its `response.created` — or an output's, a part's start — is lost
 * with the socket, and the re-attached side-band hears only the rest. The engine adopts the
 * response from what the rest says (`lost-starts.ts`): the app sees it start and end once, a
 * function call in it is run and answered, and nothing of it reaches `error` as unknown. The
 * `response.create` the drop left unanswered is sent again; the session refuses it as already
 * answering, and that refusal is not reported either.
 */
import { describe, expect, it } from 'vitest';
import { lostStarts, type LacksRef } from '../src/reconnect/lost-starts.js';
import { captureLogger } from './helpers.js';
import {
  expectCallAnsweredOnce,
  GREETING,
  lossyCall as call,
  named,
  runLossy,
} from './sip-lossy-call.js';

describe('a side-band drop that loses the start of an answer', () => {
  it('adopts the answer from its rest: started and done once, played once, no error but the drop', async () => {
    const c = call('response.created');
    await runLossy(c, 'spoken');

    expect(c.sip.sidebands).toHaveLength(2);
    expect(named(c.events, 'error').map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    const [played] = c.sip.outputAudio;
    expect(c.sip.outputAudio).toHaveLength(1);
    expect(played).toMatchObject({ state: 'stopped' });
    expect(named(c.events, 'response_created').map((r) => r.id)).toEqual([played!.responseId]);
    expect(named(c.events, 'response_done').map((r) => r.id)).toEqual([played!.responseId]);
    const adopted = c.session.responses.at(-1)!;
    expect(adopted.status).toBe('completed');
    // what the rest carried: the answer's whole transcript (its done events say it)
    expect(adopted.output[0]!.content[0]!.text).toBe(GREETING);
    // the create the drop left unanswered went again, and was refused as already answered
    const creates = c.sip.clientEvents.filter((e) => e.event['type'] === 'response.create');
    expect(creates).toHaveLength(2);
    await c.session.close();
  });

  it('a generate() whose answer was adopted resolves with it', async () => {
    const c = call('response.created');
    await c.clock.advanceAsync(0);
    c.server.queueResponse((ctx) => ctx.say(GREETING));
    c.arm();
    const answer = c.session.response.generate();
    await c.clock.advanceAsync(30_000);
    const response = await answer;
    expect(response.id).toBe(c.sip.outputAudio[0]!.responseId);
    expect(response.status).toBe('completed');
    expect(named(c.events, 'error').map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await c.session.close();
  });

  it('the follow-up whose start was lost is the adopted answer: requested once, nothing logged as failed', async () => {
    const { logger, lines } = captureLogger();
    const c = call('response.created', { logger, occurrence: 2 });
    await runLossy(c, 'function_call');
    expectCallAnsweredOnce(c);
    expect(c.sip.outputAudio).toEqual([expect.objectContaining({ state: 'stopped' })]);
    expect(
      lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message),
    ).toEqual(['connection lost', 'reconnecting']);
    await c.session.close();
  });

  it('runs a function call of the adopted answer once, and the model answers its output', async () => {
    const { logger, lines } = captureLogger();
    const c = call('response.created', { logger });
    await runLossy(c, 'function_call');
    // the follow-up was asked for and answered: nothing failed on the way
    expect(
      lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message),
    ).toEqual(['connection lost', 'reconnecting']);

    expectCallAnsweredOnce(c);
    expect(c.sip.outputAudio.at(-1)).toMatchObject({ state: 'stopped' });
    expect(named(c.events, 'error').map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await c.session.close();
  });

  it('leaves a response it knew to its end at the drop: the rest is ignored, nothing reported as unknown', async () => {
    const c = call('response.content_part.added');
    await runLossy(c, 'spoken');
    // the response was known before the drop: it ended here with the socket, and its rest is
    // ignored; nothing is reported as unknown
    expect(named(c.events, 'error').map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    expect(c.sip.outputAudio).toHaveLength(1);
    await c.session.close();
  });
});

describe.each([
  'response.output_item.added',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.output_item.done',
  'response.done',
])('a side-band drop that loses %s of a function call', (type) => {
  it('runs the call once and the model answers its output, whether its rest is heard or not', async () => {
    // slow arguments: a drop mid-arguments leaves the rest to the kept session, and that rest
    // (arguments, item and response done) is over before the side-band is back
    const c = call(type, { textDeltaIntervalMs: 300 });
    await runLossy(c, 'function_call');

    expect(c.sip.sidebands).toHaveLength(2);
    expect(c.runs).toEqual(['42']);
    const conversation = c.sip.connection!.conversation.snapshot();
    expect(conversation.map((i) => [i['type'], i['call_id'] ?? i['role']])).toEqual([
      ['function_call', 'c42'],
      ['function_call_output', 'c42'],
      ['message', 'assistant'],
    ]);
    expect(c.sip.outputAudio).toEqual([expect.objectContaining({ state: 'stopped' })]);
    expect(named(c.events, 'error').map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await c.session.close();
  });
});

describe('an answer that began and ended while the side-band was down', () => {
  it('is unseen: the create goes again; its function call is answered once the next item reveals it', async () => {
    const c = call('response.created', { instant: true });
    await runLossy(c, 'function_call');
    // the repeated create made a second answer; its item named the unseen call's, which was
    // retrieved into the mirror and answered then, late rather than never
    expectCallAnsweredOnce(c);
    expect(named(c.events, 'error').map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await c.session.close();
  });
});

describe('lostStarts', () => {
  const knownNothing: LacksRef = () => 'response';

  it('makes up the response and its outputs from a lone response.done', () => {
    const starts = lostStarts(
      {
        type: 'response.done',
        event_id: 'e9',
        response: {
          id: 'r1',
          object: 'realtime.response',
          status: 'completed',
          output: [{ id: 'i1', type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }],
        },
      },
      knownNothing,
    );
    expect(starts?.map((e) => e.type)).toEqual(['response.created', 'response.output_item.added']);
    expect(starts?.[1]).toMatchObject({
      output_index: 0,
      item: { id: 'i1', type: 'function_call', call_id: 'c1', status: 'in_progress' },
    });
  });

  it('makes up only what is missing: a part of a known output, nothing for a known one', () => {
    const delta = {
      type: 'response.output_audio_transcript.delta',
      event_id: 'e1',
      response_id: 'r1',
      item_id: 'i1',
      output_index: 0,
      content_index: 1,
      delta: 'hi',
    } as const;
    expect(lostStarts(delta, () => 'content')).toEqual([
      expect.objectContaining({
        type: 'response.content_part.added',
        content_index: 1,
        part: { type: 'audio', transcript: '' },
      }),
    ]);
    expect(lostStarts(delta, () => undefined)).toBeUndefined();
    expect(lostStarts(delta, knownNothing)?.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.content_part.added',
    ]);
  });

  it('ignores what is no response event', () => {
    expect(
      lostStarts({ type: 'input_audio_buffer.cleared', event_id: 'e1' }, knownNothing),
    ).toBeUndefined();
  });
});
