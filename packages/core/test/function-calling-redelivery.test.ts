/**
 * Function calling when the server (or a relay) delivers an event of a finished response again
 * under a new `event_id`, so the engine's duplicate filter cannot drop it: every call is run and
 * answered once, with one follow-up response. Deterministic: the in-memory fake only.
 */
import { describe, expect, it } from 'vitest';
import type { SessionTool } from '../src/features/builtins.js';
import type { CalledFunction } from '../src/tools/types.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const sent = (s: Setup, type: string) => s.server.clientEvents.filter((e) => e['type'] === type);
const outputs = (s: Setup) =>
  s.server.conversation.filter((i) => i['type'] === 'function_call_output');

describe.each(DIALECTS)('a finished response delivered again (%s)', (dialect) => {
  it('a second response.done of an answered response runs nothing, answers nothing and asks for no response', async () => {
    let runs = 0;
    const count: SessionTool = { name: 'count', execute: () => `run ${++runs}` };
    const s = setup(dialect, { tools: [count] });
    s.server.queueResponse((ctx) => ctx.callFunction('count', {}, { callId: 'call_1' }));
    s.server.queueResponse((ctx) => ctx.text('counted'));
    const session = await openSession(s);
    const finished: (readonly CalledFunction[])[] = [];
    session.on('function_calls_finished', (c) => finished.push(c));
    await session.response.create();
    await s.settle();
    expect(runs).toBe(1);
    expect(outputs(s)).toHaveLength(1);
    expect(sent(s, 'response.create')).toHaveLength(2);

    // the same response.done again, under an event_id of its own (a relay's redelivery)
    const call = s.server.conversation.find((i) => i['type'] === 'function_call');
    const responseId = session.responses[0]?.id;
    expect(call?.['call_id']).toBe('call_1');
    s.server.emit({
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output: [call],
      },
    } as never);
    await s.settle();

    expect(runs).toBe(1);
    expect(outputs(s)).toHaveLength(1);
    expect(finished).toHaveLength(1);
    expect(sent(s, 'response.create')).toHaveLength(2);
    await session.close();
  });
});
