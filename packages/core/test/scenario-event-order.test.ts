/**
 * The order and pairing of the response events an app observes, on every way a response ends:
 * each `response_output_added` gets its `response_output_done`, each `response_content_added` its
 * `response_content_done`, contents before their output, outputs before `response_done`, and
 * `metrics_collected` right after it. Also when the engine ends the response itself (the socket
 * was lost, the response stalled, the session closed).
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../src/tools/tool.js';
import type { RealtimeSession } from '../src/session.js';
import type { RealtimeContent, RealtimeOutput, RealtimeResponse } from '../src/responses/tree.js';
import { DIALECTS, gate, openSession, setup } from './helpers.js';

/** Records the tree events of every response, by response id. */
function treeLog(session: RealtimeSession): string[] {
  const log: string[] = [];
  const c = (x: RealtimeContent): string => `${x.responseId}/${x.outputIndex}/${x.contentIndex}`;
  const o = (x: RealtimeOutput): string => `${x.responseId}/${x.outputIndex}`;
  session.on('response_created', (r) => log.push(`created ${r.id}`));
  session.on('response_output_added', (x) => log.push(`output_added ${o(x)}`));
  session.on('response_content_added', (x) => log.push(`content_added ${c(x)}`));
  session.on('response_content_done', (x) => {
    // the content is finished when its done event comes
    log.push(`content_done ${c(x)}${x.isDone ? '' : ' (not done)'}`);
  });
  session.on('response_output_done', (x) =>
    log.push(`output_done ${o(x)}${x.isDone ? '' : ' (not done)'}`),
  );
  session.on('response_done', (r: RealtimeResponse) => log.push(`done ${r.id} ${r.status}`));
  session.on('metrics_collected', (m) => log.push(`metrics ${m.requestId}`));
  return log;
}

describe.each(DIALECTS)('response event pairing (%s)', (dialect) => {
  it('a response the lost socket ended: content_done and output_done before response_done', async () => {
    const s = setup(dialect, { random: () => 0 });
    s.server.faults.closeAt('response.output_audio.delta', { occurrence: 2 });
    s.server.queueResponse((ctx) => ctx.say('Long enough to be sent in several audio chunks.'));
    const session = await openSession(s);
    session.on('disconnected', () => s.server.faults.clear());
    const log = treeLog(session);
    void session.response.generate().catch(() => undefined);
    await s.clock.advanceAsync(10_000);
    const id = session.responses.at(-1)!.id;
    expect(log).toEqual([
      `created ${id}`,
      `output_added ${id}/0`,
      `content_added ${id}/0/0`,
      `content_done ${id}/0/0`,
      `output_done ${id}/0`,
      `done ${id} failed`,
      `metrics ${id}`,
    ]);
    await session.close();
  });

  it('a response ended by close(): content_done and output_done before response_done', async () => {
    const s = setup(dialect, { stallTimeoutMs: false });
    const session = await openSession(s, { modalities: ['text'] });
    // the server stops in the middle of the text: the response is in progress at the close
    s.server.faults.stallAt('response.output_text.delta');
    s.server.queueResponse((ctx) => ctx.say('cut by the close'));
    const log = treeLog(session);
    const id = (await Promise.all([session.response.generate(), s.settle()]))[0].id;
    await session.close();
    expect(log).toEqual([
      `created ${id}`,
      `output_added ${id}/0`,
      `content_added ${id}/0/0`,
      `content_done ${id}/0/0`,
      `output_done ${id}/0`,
      `done ${id} failed`,
      `metrics ${id}`,
    ]);
  });

  it('a stalled response: content_done and output_done before response_done', async () => {
    const s = setup(dialect, { stallTimeoutMs: 5000 });
    const session = await openSession(s, { modalities: ['text'] });
    session.on('error', () => undefined);
    s.server.faults.stallAt('response.output_text.delta');
    s.server.queueResponse((ctx) => ctx.say('this will hang'));
    const log = treeLog(session);
    void session.response.generate().catch(() => undefined);
    await s.clock.advanceAsync(5000);
    const id = session.responses.at(-1)!.id;
    expect(log).toEqual([
      `created ${id}`,
      `output_added ${id}/0`,
      `content_added ${id}/0/0`,
      `content_done ${id}/0/0`,
      `output_done ${id}/0`,
      `done ${id} failed`,
      `metrics ${id}`,
    ]);
    s.server.faults.release();
    await s.settle();
    // the late events of the stalled response add nothing
    expect(log).toHaveLength(7);
    await session.close();
  });
});

describe.each(DIALECTS)('close() and running tools (%s)', (dialect) => {
  it("a running tool's signal aborts before closed; its round is reported after, with nothing sent", async () => {
    const started = gate();
    let signal: AbortSignal | undefined;
    const slow = defineTool({
      name: 'slow',
      description: 'runs until its signal aborts',
      parameters: v.object({}),
      execute: (_args, context) =>
        new Promise((_resolve, reject) => {
          signal = context.signal;
          started.open();
          context.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const s = setup(dialect, { tools: [slow] });
    s.server.queueResponse((ctx) => ctx.callFunction('slow', {}));
    const session = await openSession(s);
    const log: string[] = [];
    for (const name of ['function_calls_collected', 'disconnected', 'error'] as const)
      session.on(name, () => log.push(name));
    // what an app's cleanup on `closed` sees: the tools were told to stop (README, close())
    session.on('closed', () => log.push(`closed (signal aborted: ${signal?.aborted})`));
    session.on('function_calls_finished', (calls) =>
      log.push(`function_calls_finished ${calls.map((c) => c.error?.kind).join()}`),
    );
    await Promise.all([session.response.generate(), s.settle()]);
    await started.promise;
    await session.close();
    await s.clock.advanceAsync(1000);
    expect(log).toEqual([
      'function_calls_collected',
      'disconnected',
      'closed (signal aborted: true)',
      // documented: the round the close cut is still reported, its calls `aborted`
      'function_calls_finished aborted',
    ]);
    // nothing was sent for the aborted call: the session is closed
    expect(s.server.clientEvents.some((e) => e.type === 'conversation.item.create')).toBe(false);
  });
});
