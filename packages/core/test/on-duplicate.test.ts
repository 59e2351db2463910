import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, gate, openSession, setup, type Setup } from './helpers.js';
import type { RealtimeSession } from '../src/session.js';

async function inProgress(s: Setup, session: RealtimeSession, text = 'first') {
  const hold = gate();
  s.server.queueResponse(async (ctx) => {
    await hold.promise;
    ctx.say(text);
  });
  expect(await Promise.all([session.response.create(), s.settle()]).then(([r]) => r)).toBe(true);
  expect(session.activeResponse?.status).toBe('in_progress');
  return hold;
}

const sent = (s: Setup, type: string) =>
  s.server.clientEvents.filter((e) => e['type'] === type).length;

describe.each(DIALECTS)('response.create onDuplicate (%s)', (dialect) => {
  it('no response in progress: sends at once and resolves true', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    s.server.queueResponse((ctx) => ctx.say('x'));
    const r = session.response.create({ onDuplicate: 'cancel_new' });
    await s.settle();
    expect(await r).toBe(true);
    expect(sent(s, 'response.create')).toBe(1);
    await session.close();
  });

  it('keep_both waits for the active response to end, then creates', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await inProgress(s, session);
    s.server.queueResponse((ctx) => ctx.say('second'));
    let result: boolean | undefined;
    void session.response.create().then((r) => (result = r));
    await s.settle();
    expect(result).toBeUndefined();
    expect(sent(s, 'response.create')).toBe(1);
    expect(
      s.logs.some(
        (l) => l.level === 'warn' && l.message.includes('waiting for in-progress response'),
      ),
    ).toBe(true);
    hold.open();
    await s.settle();
    expect(result).toBe(true);
    expect(sent(s, 'response.create')).toBe(2);
    expect(session.responses.map((r) => r.text)).toEqual(['first', 'second']);
    await session.close();
  });

  it("the engine's own follow-up waiting for a response in progress is logged at info, not warned of", async () => {
    const s = setup(dialect);
    const tool = gate();
    const session = await openSession(s, {
      modalities: ['text'],
      tools: [
        defineTool({
          name: 'slow_lookup',
          description: 'Looks something up, slowly',
          parameters: v.object({}),
          execute: async () => (await tool.promise, { found: true }),
        }),
      ],
    });
    s.server.queueResponse((ctx) => ctx.callFunction('slow_lookup', {}, { callId: 'c1' }));
    await Promise.all([session.response.create(), s.settle()]);
    // while the tool runs, the app asks for an answer of its own, which is in progress when the
    // tool's output is ready: the follow-up waits its turn
    const hold = await inProgress(s, session);
    s.server.queueResponse((ctx) => ctx.say('the lookup found it'));
    tool.open();
    await s.settle();
    expect(sent(s, 'response.create')).toBe(2);
    hold.open();
    await s.settle();
    expect(sent(s, 'response.create')).toBe(3);
    expect(s.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([]);
    expect(s.logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'the follow-up response to function calls waits for the response in progress',
      }),
    );
    expect(session.responses.map((r) => r.text).at(-1)).toBe('the lookup found it');
    await session.close();
  });

  it('cancel_new refuses while a response is in progress, and while a deferred create is pending', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await inProgress(s, session);
    expect(await session.response.create({ onDuplicate: 'cancel_new' })).toBe(false);
    // a keep_both create waits; once the first ends it is sent and pending until response.created
    const hold2 = gate();
    s.server.queueResponse(async (ctx) => {
      await hold2.promise;
      ctx.say('second');
    });
    const kept = session.response.create({ onDuplicate: 'keep_both' });
    s.server.faults.delay('response.created', 100, 2);
    hold.open();
    await s.settle();
    expect(await kept).toBe(true);
    expect(sent(s, 'response.create')).toBe(2);
    expect(await session.response.create({ onDuplicate: 'cancel_new' })).toBe(false);
    await s.clock.advanceAsync(100);
    hold2.open();
    await s.settle();
    expect(sent(s, 'response.create')).toBe(2);
    await session.close();
  });

  it('cancel_existing cancels the active response, then creates after it ends', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    const hold = await inProgress(s, session);
    s.server.queueResponse((ctx) => ctx.say('replacement'));
    const r = session.response.create({ onDuplicate: 'cancel_existing' });
    await s.settle();
    const types = s.server.clientEvents.map((e) => e['type']);
    expect(types.lastIndexOf('response.cancel')).toBeGreaterThan(types.indexOf('response.create'));
    hold.open();
    await s.settle();
    expect(await r).toBe(true);
    const [first, second] = session.responses;
    expect(first?.status).toBe('cancelled');
    expect(second?.text).toBe('replacement');
    await session.close();
  });

  it('rejects an unknown onDuplicate with INVALID_ARGUMENT', async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    await expect(session.response.create({ onDuplicate: 'both' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await session.close();
  });

  it('a deferred create settles when the session closes first', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { modalities: ['text'] });
    await inProgress(s, session);
    const r = session.response.create().catch((e: unknown) => e);
    await s.settle();
    await session.close();
    expect(await r).toMatchObject({ code: 'SESSION_CLOSED' });
  });
});
