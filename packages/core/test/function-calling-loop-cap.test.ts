/**
 * The tool-only loop cap (`maxToolOnlyRounds`) and out-of-band responses: an out-of-band
 * response is no turn of the conversation, so it neither counts toward the cap nor resets it,
 * also when it answers with a message and calls nothing (a classifier's label, a summary).
 * Deterministic: the in-memory fake and a deferred promise.
 */
import { describe, expect, it } from 'vitest';
import type { SessionError } from '../src/errors.js';
import type { SessionTool } from '../src/features/builtins.js';
import { DIALECTS, gate, openSession, setup, type Setup } from './helpers.js';

const creates = (s: Setup) => s.server.clientEvents.filter((e) => e['type'] === 'response.create');

describe.each(DIALECTS)('the tool-only loop cap and out-of-band responses (%s)', (dialect) => {
  it('an out-of-band message between two tool-only responses does not reset the count: the cap still stops the loop', async () => {
    const held = gate();
    const first: SessionTool = { name: 'first', execute: () => 'one' };
    const second: SessionTool = {
      name: 'second',
      execute: async () => (await held.promise, 'two'),
    };
    const s = setup(dialect, { tools: [first, second], maxToolOnlyRounds: 1 });
    s.server.queueResponse((ctx) => ctx.callFunction('first', {}, { callId: 'call_1' }));
    // the follow-up calls again: the second tool-only response in a row
    s.server.queueResponse((ctx) => ctx.callFunction('second', {}, { callId: 'call_2' }));
    // the app's out-of-band classifier answers while that call runs
    s.server.queueResponse((ctx) => ctx.text('positive'));
    s.server.queueResponse((ctx) => ctx.text('a third round the cap should have stopped'));
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await session.response.create();
    await s.settle();
    expect(creates(s)).toHaveLength(2);

    const label = await Promise.all([
      session.response.create({ response: { conversation: 'none' } }),
      s.settle(),
    ]);
    await s.settle();
    expect(label[0]).toBeDefined();
    expect(session.responses.at(-1)?.text).toBe('positive');
    expect(errors).toEqual([]);

    held.open();
    await s.settle();
    expect(errors).toEqual([
      expect.objectContaining({ code: 'TOOL_LOOP_LIMIT', data: { maxToolOnlyRounds: 1 } }),
    ]);
    // the app's create, the one follow-up, the out-of-band create: no second follow-up
    expect(creates(s)).toHaveLength(3);
    expect(s.server.conversation.filter((i) => i['type'] === 'function_call_output')).toHaveLength(
      2,
    );
    await session.close();
  });

  it('tool-only answers to separate user turns, finishing after a slow tool, are no loop', async () => {
    const held = gate();
    const lookup: SessionTool = {
      name: 'lookup',
      execute: async () => (await held.promise, 'found'),
    };
    const s = setup(dialect, { tools: [lookup], maxToolOnlyRounds: 1 });
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'call_1' }));
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'call_2' }));
    s.server.queueResponse((ctx) => ctx.text('the first is found'));
    s.server.queueResponse((ctx) => ctx.text('the second is found'));
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    // two user turns, each answered by a call, while the tool of the first is still running
    for (const question of ['where is order 1?', 'and order 2?']) {
      await Promise.all([
        session.conversation.item.create({ role: 'user', content: question }),
        s.settle(),
      ]);
      await Promise.all([session.response.create(), s.settle()]);
      await s.settle();
    }
    // both calls finish after both turns: two tool-only rounds in a row by finishing time, but
    // each the answer to a turn of its own
    held.open();
    await s.settle();
    await s.settle();
    expect(errors).toEqual([]);
    expect(creates(s)).toHaveLength(4);
    await session.close();
  });

  it('an in-band message still resets the count (the cap is for responses in a row)', async () => {
    const first: SessionTool = { name: 'first', execute: () => 'one' };
    const s = setup(dialect, { tools: [first], maxToolOnlyRounds: 1 });
    s.server.queueResponse((ctx) => ctx.callFunction('first', {}, { callId: 'call_1' }));
    s.server.queueResponse((ctx) => ctx.text('done'));
    s.server.queueResponse((ctx) => ctx.callFunction('first', {}, { callId: 'call_2' }));
    s.server.queueResponse((ctx) => ctx.text('done again'));
    const session = await openSession(s);
    const errors: SessionError[] = [];
    session.on('error', (e) => errors.push(e));
    await session.response.create();
    await s.settle();
    await session.response.create();
    await s.settle();
    expect(errors).toEqual([]);
    expect(creates(s)).toHaveLength(4);
    await session.close();
  });
});
