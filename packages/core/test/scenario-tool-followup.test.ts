/**
 * The follow-up response owed to the model once its function calls were answered. Nobody awaits
 * it but the engine, and it is the model's answer to the tools' results: a server slow to start
 * it (its response.created later than requestTimeoutMs) must not have it cancelled, or the
 * caller never hears the result of the tool.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { RealtimeResponse } from '../src/responses/tree.js';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, openSession, setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

describe.each(DIALECTS)('the tool follow-up response on a slow server (%s)', (dialect) => {
  it('a follow-up started after requestTimeoutMs runs to completion: not cancelled', async () => {
    // the fake's delay holds back every frame after the late one, the answer to the liveness
    // probe too: 15 s of nothing at all, which by default is a dead network (replyTimeoutMs)
    const s = setup(dialect, { tools: [weather], replyTimeoutMs: 20_000 });
    s.server.queueResponse((ctx) => ctx.callFunction('get_weather', { city: 'Oslo' }));
    s.server.queueResponse((ctx) => ctx.text('It is 21 degrees in Oslo.'));
    const session = await openSession(s);
    const done: RealtimeResponse[] = [];
    session.on('response_done', (r) => done.push(r));
    const errors: { code?: unknown }[] = [];
    session.on('error', (e) => errors.push(e));
    // the second response.created (the follow-up's) comes 15 s late
    s.server.faults.delay('response.created', 15_000, 2);
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'Weather in Oslo?' }),
      s.settle(),
    ]);
    await Promise.all([session.response.generate(), s.settle()]);
    await s.clock.advanceAsync(20_000);
    expect(done.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(done[1]?.text).toBe('It is 21 degrees in Oslo.');
    expect(s.server.clientEvents.filter((e) => e['type'] === 'response.cancel')).toHaveLength(0);
    // the slowness is not hidden: it is logged, but nothing failed
    expect(errors.map((e) => e.code)).toEqual([]);
    expect(
      s.logs.filter((l) => l.level === 'warn' && l.message.includes('follow-up response')),
    ).toHaveLength(1);
    await session.close();
  });
});
