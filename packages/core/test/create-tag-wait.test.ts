/**
 * A tagged `response.create` (generate()'s, or a create() with its own tools or settings) waits
 * for the `response.created` that carries its tag, not for any `response.created`: a response
 * server VAD starts in between neither answers it nor lets a later create go out before it
 * started, and a drop before its own `response.created` sends it again. Fake server, simulated
 * clock; nothing sleeps.
 */
import { speechThenSilence } from '@voxwire/testing';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, openSession, setup, createsOn, tagOf } from './helpers.js';

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'An order by id',
  parameters: v.object({ id: v.string() }),
  execute: ({ id }) => ({ id, ships: 'tomorrow' }),
});

describe.each(DIALECTS)('a tagged create and a server VAD response (%s)', (dialect) => {
  it('is sent again after a drop that came after the VAD response started but before its own', async () => {
    const s = setup(dialect, { random: () => 0, stallTimeoutMs: false });
    s.server.queueResponse((ctx) => ctx.text('vad answer'));
    s.server.queueResponse((ctx) => ctx.text('lost with the drop'));
    s.server.queueResponse((ctx) => ctx.text('own answer'));
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    // the VAD response's events are held on the way, so the create goes out at once; the
    // connection then drops just before the create's own response.created
    s.server.faults.stallAt('response.created');
    s.server.faults.closeAt('response.created', { occurrence: 2, code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    await s.settle();
    const sent = session.response.create({ response: { instructions: 'Answer in French.' } });
    await s.settle();
    expect(await sent).toBe(true);
    const [first] = createsOn(s, 0);
    expect(tagOf(first)).toEqual(expect.any(String));
    s.server.faults.release();
    await s.settle();
    // the VAD response reached the engine; the create's own did not
    expect(session.responses.map((r) => tagOf(r.resource as Record<string, unknown>))).toEqual([
      undefined,
    ]);
    await s.clock.advanceAsync(1_000);
    await s.settle();
    expect(s.server.connections).toHaveLength(2);
    const again = createsOn(s, 1);
    expect(again).toHaveLength(1);
    expect(tagOf(again[0])).toBe(tagOf(first));
    expect(again[0]?.['instructions']).toBe('Answer in French.');
    await session.close();
  });

  it('holds a later create until its own response started, not just until the VAD response ended', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => ctx.text('vad answer'));
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_42' }),
    );
    s.server.queueResponse((ctx) => ctx.text('follow-up'));
    s.server.queueResponse((ctx) => ctx.text('later'));
    const session = await openSession(s, { modalities: ['text'] });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    // the VAD response's events are held, and the create's own response.created is slow
    s.server.faults.stallAt('response.created').delay('response.created', 100, 2);
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    await s.settle();
    const own = session.response.create({ response: { tools: [lookupOrder] } });
    await s.settle();
    expect(await own).toBe(true);
    // the VAD response arrives whole; the create's own response.created is held
    s.server.faults.release();
    await s.settle();
    expect(session.responses).toHaveLength(1);
    expect(session.responses[0]?.isDone).toBe(true);
    // the create's response has not started: a later create waits for it (and for its end)
    let laterSent = false;
    const later = session.response.create().then((r) => ((laterSent = true), r));
    await s.settle();
    expect(laterSent).toBe(false);
    expect(createsOn(s, 0)).toHaveLength(1);
    await s.clock.advanceAsync(100);
    await s.settle();
    expect(await later).toBe(true);
    expect(createsOn(s, 0)).toHaveLength(3);
    expect(
      errors.filter(
        (e) => (e as { code?: unknown }).code === 'conversation_already_has_active_response',
      ),
    ).toEqual([]);
    await session.close();
  });
});
