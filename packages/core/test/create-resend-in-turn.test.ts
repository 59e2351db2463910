/**
 * Two conversation creates a drop took unanswered (an engine follow-up the no-answer bound
 * stopped waiting for, and the app's create that went out after it) are sent again one after
 * the other after the restore: the second waits for the first's response, as any create does,
 * instead of following it at once into `conversation_already_has_active_response`. Fake server,
 * simulated clock; nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { REQUEST_TAG_KEY } from '../src/index.js';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, openSession, outcome, setup, type Setup } from './helpers.js';

const createsOn = (s: Setup, connection: number) =>
  (s.server.connections[connection]?.clientEvents ?? []).filter(
    (e) => e['type'] === 'response.create',
  );

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

describe.each(DIALECTS)('creates lost with the connection (%s)', (dialect) => {
  it('two for the conversation are sent again in turn, the second after the first’s response', async () => {
    const s = setup(dialect, {
      random: () => 0,
      tools: [weather],
      requestTimeoutMs: 1000,
      stallTimeoutMs: false,
    });
    s.server.queueResponse(
      (ctx) => ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_1' }),
      // the follow-up on the first connection, never seen by the engine
      (ctx) => ctx.text('lost follow-up'),
    );
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    // the follow-up's response.created never reaches the engine: the connection drops 1.5 s on
    s.server.faults
      .delay('response.created', 1500, 2)
      .closeAt('response.created', { occurrence: 2, code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    await session.response.create();
    await s.settle();
    expect(createsOn(s, 0)).toHaveLength(2);
    // the bound passes: later creates no longer wait for the follow-up
    await s.clock.advanceAsync(1000);
    expect(s.logs.some((l) => /got no answer/.test(l.message))).toBe(true);
    const next = outcome(session.response.create());
    await s.settle();
    expect(next.value).toBe(true);
    expect(createsOn(s, 0)).toHaveLength(3);
    await s.clock.advanceAsync(5000);
    await s.settle();
    expect(s.server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');
    // both asked for again, in the order they were written
    expect(createsOn(s, 1)).toHaveLength(2);
    expect(errors.filter((e) => (e as { code?: string }).code !== 'SOCKET_CLOSED')).toEqual([]);
    const [followUp, bare] = createsOn(s, 1);
    const tag = (followUp?.['response'] as { metadata?: Record<string, string> } | undefined)
      ?.metadata?.[REQUEST_TAG_KEY];
    expect(tag).toEqual(expect.any(String));
    // the bare create carries its own tag (every create does)
    const bareTag = (bare?.['response'] as { metadata?: Record<string, string> } | undefined)
      ?.metadata?.[REQUEST_TAG_KEY];
    expect(bare?.['response']).toEqual({ metadata: { [REQUEST_TAG_KEY]: bareTag } });
    expect(bareTag).toEqual(expect.any(String));
    expect(bareTag).not.toBe(tag);
    const answered = session.responses.slice(-2);
    expect(answered.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(answered[0]?.resource.metadata?.[REQUEST_TAG_KEY]).toBe(tag);
    expect(answered[1]?.resource.metadata?.[REQUEST_TAG_KEY]).toBe(bareTag);
    // the second went out only once the first's response was done
    expect(answered[1]!.createdAt).toBeGreaterThanOrEqual(answered[0]!.endedAt!);
    await session.close();
  });
});
