/**
 * Closing a session while everything is in flight: a generate() written and unanswered, one
 * waiting behind the active response, a sessionUpdate, item requests, a chat sync, a tool still
 * running, streams being read. Nothing may hang: every promise settles, with a typed error.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { VoxwireError } from '../src/errors.js';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, gate, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('close() with everything pending (%s)', (dialect) => {
  it('every promise settles with SESSION_CLOSED; streams end', async () => {
    const s = setup(dialect);
    const hold = gate();
    // the active response: speaks, then waits
    s.server.queueResponse(async (ctx) => {
      ctx.say('Part one.');
      await hold.promise;
    });
    const session = await openSession(s);
    const active = outcome(session.response.generate());
    await s.settle();
    const response = active.value!;
    const text = outcome(
      (async () => {
        let all = '';
        for await (const chunk of response.output[0]!.content[0]!.textStream) all += chunk;
        return all;
      })(),
    );
    // waits behind the active response (keep_both): never written
    const queued = outcome(session.response.generate());
    // an out-of-band one is written at once and waits for its response.created
    s.server.faults.drop('response.created', 2);
    const oob = outcome(session.response.generate({ response: { conversation: 'none' } }));
    const update = outcome(session.sessionUpdate({ instructions: 'Be brief.' }));
    // fault rules name server events as the GA model does, in both dialects
    s.server.faults.drop('conversation.item.added');
    const item = outcome(session.conversation.item.create({ role: 'user', content: 'late' }));
    const sync = outcome(session.setChatCtx([...session.chatCtxCopy().items]));
    const closed = outcome(session.close());
    await s.clock.advanceAsync(100);
    expect(closed.done).toBe(true);
    for (const [name, o] of Object.entries({ queued, oob, item })) {
      expect(o.done, name).toBe(true);
      expect((o.error as VoxwireError | undefined)?.code, name).toBe('SESSION_CLOSED');
    }
    // these may have been answered before the close: settled either way
    expect(update.done).toBe(true);
    expect(sync.done).toBe(true);
    expect(text.done).toBe(true);
    expect(response.isDone).toBe(true);
    expect(response.status).toBe('failed');
    expect(response.statusDetails?.reason).toBe('session_closed');
    // after close: new requests reject at once, typed
    await expect(session.response.generate()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(session.sessionUpdate({})).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    hold.open();
  });

  it('a tool still running at close gets an aborted signal; the function-call round settles', async () => {
    const toolStarted = gate();
    let toolSignal: AbortSignal | undefined;
    const slowTool = defineTool({
      name: 'slow',
      description: 'never finishes on its own',
      parameters: v.object({}),
      execute: async (_args, { signal }) => {
        toolSignal = signal;
        toolStarted.open();
        await new Promise(() => undefined);
      },
    });
    const s = setup(dialect, { tools: [slowTool] });
    s.server.queueResponse((ctx) => ctx.callFunction('slow', {}));
    const session = await openSession(s);
    const finished: unknown[] = [];
    session.on('function_calls_finished', (c) => finished.push(c));
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    await Promise.all([session.response.generate(), s.settle()]);
    await toolStarted.promise;
    const closed = outcome(session.close());
    await s.clock.advanceAsync(100);
    expect(closed.done).toBe(true);
    expect(toolSignal?.aborted).toBe(true);
    expect(session.connectionState.status).toBe('closed');
    // nothing is sent on a closed session, and nothing is reported as a failure of the app's
    expect(errors).toEqual([]);
  });
});
