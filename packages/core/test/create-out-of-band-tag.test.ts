/**
 * Every out-of-band `create()` (`conversation: 'none'`) carries a request tag of its own, even one
 * with nothing a follow-up inherits (only `instructions`, or nothing at all): its response is
 * matched to it by the tag and never taken for the conversation's answer. Untagged, the next
 * `response.created` answered both creates at once: a drop then lost the out-of-band request for
 * good, `interrupt()` could cancel it instead of the answer being spoken, and
 * `RealtimeResponse.outOfBand` was unknown until it had output. Fake server, simulated clock;
 * nothing sleeps.
 */
import { describe, expect, it } from 'vitest';
import { REQUEST_TAG_KEY, type RealtimeResponse } from '../src/index.js';
import { SAID, errors, sent } from './interrupt-helpers.js';
import { DIALECTS, openSession, outcome, setup, createsOn, tagOf } from './helpers.js';

describe.each(DIALECTS)('an out-of-band create() is tagged (%s)', (dialect) => {
  it('carries a tag beside the app’s metadata, and its response is known out of band at start', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    s.server.queueResponse((ctx) => ctx.text('a topic label'));
    s.server.queueResponse((ctx) => ctx.text('another label'));
    const seen: (boolean | undefined)[] = [];
    session.on('response_created', (r) => seen.push(r.outOfBand));
    await session.response.create({
      response: { conversation: 'none', instructions: 'Label the topic.', metadata: { k: 'v' } },
    });
    await session.response.create({ response: { conversation: 'none' } });
    await s.settle();
    const [withInstructions, bare] = createsOn(s, 0);
    expect(tagOf(withInstructions)).toEqual(expect.any(String));
    expect(withInstructions?.['metadata']).toEqual({
      k: 'v',
      [REQUEST_TAG_KEY]: tagOf(withInstructions),
    });
    expect(tagOf(bare)).toEqual(expect.any(String));
    expect(tagOf(bare)).not.toBe(tagOf(withInstructions));
    expect(seen).toEqual([true, true]);
    await session.close();
  });

  it('a drop after the conversation’s response.created still sends the out-of-band create again', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    s.server.queueResponse(
      (ctx) => ctx.text('the answer'),
      (ctx) => ctx.text('lost label'),
      (ctx) => ctx.text('the label'),
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    session.on('error', () => undefined);
    // the conversation's response.created gets through; the drop comes before the label's
    s.server.faults.closeAt('response.created', { occurrence: 2, code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    const answer = outcome(session.response.create());
    const label = outcome(
      session.response.create({
        response: { conversation: 'none', instructions: 'Label the topic.' },
      }),
    );
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(2);
    await s.clock.advanceAsync(1_000);
    await s.settle();
    expect(s.server.connections).toHaveLength(2);
    expect(answer.value).toBe(true);
    expect(label.value).toBe(true);
    const again = createsOn(s, 1).filter((r) => r['conversation'] === 'none');
    expect(again).toHaveLength(1);
    expect(tagOf(again[0])).toBe(tagOf(createsOn(s, 0)[1]));
    expect(session.responses.some((r) => r.text === 'the label')).toBe(true);
    await session.close();
  });

  it('interrupt() as its response starts cancels the answer being generated, not it', async () => {
    const s = setup(
      dialect,
      { random: () => 0 },
      { pacing: { realtimeFactor: 1, textDeltaIntervalMs: 30 } },
    );
    const session = await openSession(s, { turnDetection: null });
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label that takes a while to write out'));
    const started = new Promise<RealtimeResponse>((resolve) =>
      session.once('response_created', resolve),
    );
    await session.response.create();
    const answer = await started;
    await s.clock.advanceAsync(100);
    const interrupted = new Promise<Awaited<ReturnType<typeof session.interrupt>>>((resolve) =>
      session.once('response_created', () => resolve(session.interrupt({ at: null }))),
    );
    await session.response.create({
      response: { conversation: 'none', instructions: 'Label the topic.' },
    });
    const [result] = await Promise.all([interrupted, s.clock.advanceAsync(5000)]);
    const label = session.responses.find((r) => r !== answer)!;
    expect(result.cancelledResponseId).toBe(answer.id);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: answer.id }]);
    expect(answer.status).toBe('cancelled');
    expect(label.status).toBe('completed');
    expect(seen).toEqual([]);
    await session.close();
  });

  it('interrupt() with both creates unanswered and no turn detection cancels the conversation’s on start', async () => {
    const s = setup(dialect, { random: () => 0 }, { pacing: { realtimeFactor: 1 } });
    const session = await openSession(s, { turnDetection: null });
    const seen = errors(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    s.server.queueResponse((ctx) => ctx.text('a topic label'));
    s.server.faults.stallAt('response.created');
    void session.response.create();
    void session.response.create({
      response: { conversation: 'none', instructions: 'Label the topic.' },
    });
    await s.settle();
    expect(sent(s, 'response.create')).toHaveLength(2);
    const [result] = await Promise.all([session.interrupt(), s.settle()]);
    expect(result.cancelledResponseId).toBeUndefined();
    s.server.faults.release();
    await s.settle();
    await s.clock.advanceAsync(1000);
    const label = session.responses.find((r) => r.outOfBand === true);
    const answer = session.responses.find((r) => r !== label);
    expect(session.responses).toHaveLength(2);
    expect(label?.outOfBand).toBe(true);
    expect(sent(s, 'response.cancel')).toMatchObject([{ response_id: answer!.id }]);
    expect(answer?.status).toBe('cancelled');
    expect(label?.status).toBe('completed');
    expect(seen).toEqual([]);
    await session.close();
  });

  it('metadata with the API’s 16 pairs leaves no room for the tag: INVALID_ARGUMENT, nothing sent', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { modalities: ['text'] });
    const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`]));
    await expect(
      session.response.create({ response: { conversation: 'none', metadata } }),
    ).rejects.toMatchObject({
      name: 'VoxwireError',
      code: 'INVALID_ARGUMENT',
      data: { argument: 'response.metadata' },
    });
    // 15 pairs leave room for it
    const fifteen = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, `v${i}`]));
    s.server.queueResponse((ctx) => ctx.text('a topic label'));
    await session.response.create({ response: { conversation: 'none', metadata: fifteen } });
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(1);
    expect(Object.keys(createsOn(s, 0)[0]?.['metadata'] as object)).toHaveLength(16);
    await session.close();
  });
});
