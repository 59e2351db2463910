/**
 * A call to a function nobody has, in a response given functions of its own: the `unknown_tool`
 * text lists what THAT response may call (the session's tools and its own, executable or wire),
 * not the session's tools alone, or the model is told its own tools do not exist and cannot
 * correct its call. The fake server scripts the calls; the simulated clock, nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../src/tools/tool.js';
import type { CalledFunction } from '../src/tools/types.js';
import { DIALECTS, openSession, setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});
const lookupOrder = defineTool({
  name: 'lookup_order',
  parameters: v.object({ id: v.string() }),
  execute: ({ id }) => ({ id }),
});

describe.each(DIALECTS)('unknown_tool in a response with its own tools (%s)', (dialect) => {
  it('names the session tools and the response’s own functions', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) => ctx.callFunction('lookup_ordr', { id: '4' }, { callId: 'c1' }));
    s.server.queueResponse((ctx) => ctx.text('ok'));
    const session = await openSession(s, { modalities: ['text'] });
    const finished: CalledFunction[] = [];
    session.on('function_calls_finished', (calls) => finished.push(...calls));
    await Promise.all([
      session.response.generate({
        response: {
          tools: [
            lookupOrder,
            { type: 'function', name: 'transfer_call', parameters: { type: 'object' } },
          ],
        },
      }),
      s.settle(),
    ]);
    await s.settle();
    expect(finished.map((f) => f.error?.kind)).toEqual(['unknown_tool']);
    expect(finished[0]?.output).toBe(
      'Error: there is no function named "lookup_ordr". Available functions: get_weather, lookup_order, transfer_call.',
    );
    await session.close();
  });
});
