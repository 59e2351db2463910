/**
 * A reconnect to a server that hands out the previous connection's response ids again (its
 * counters started over; restarted-server-ids.test.ts). What the engine remembers by response id
 * of the old connection must not reach the new connection's response of the same id: a response
 * an earlier `interrupt()` cancelled, and the tools a create gave its response alone.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { RealtimeSession } from '../src/session.js';
import type { CalledFunction } from '../src/tools/types.js';
import { defineTool } from '../src/tools/tool.js';
import { SAID } from './interrupt-helpers.js';
import type { setup } from './helpers.js';
import { DIALECTS, openSession } from './helpers.js';
import { restartable } from './restartable-server.js';

type RealtimeModelTools = NonNullable<Parameters<typeof setup>[1]>['tools'];

/** {@link restartable} with answers paced in real time (a barge-in lands mid-answer). */
function pacedRestartable(dialect: (typeof DIALECTS)[number], tools: RealtimeModelTools = []) {
  return restartable(dialect, { tools }, { pacing: { realtimeFactor: 1 } });
}

/** Counts the audio frames handed over (to be played) per response id. */
function heard(session: RealtimeSession): Map<string, number> {
  const frames = new Map<string, number>();
  session.on('response_audio', (_, content) =>
    frames.set(content.responseId, (frames.get(content.responseId) ?? 0) + 1),
  );
  return frames;
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

describe.each(DIALECTS)('response ids the new connection re-uses (%s)', (dialect) => {
  it('a response interrupt() cancelled on the old connection does not silence, nor shield from a barge-in, the new one of the same id', async () => {
    const { s, restart } = pacedRestartable(dialect);
    const session = await openSession(s, { turnDetection: null });
    session.on('error', () => undefined);
    const played = heard(session);
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.create();
    await s.clock.advanceAsync(500);
    const old = session.responses.at(-1)!;
    expect(old.isDone).toBe(false);
    const first = session.interrupt({ at: null });
    await s.clock.advanceAsync(100);
    expect((await first).cancelledResponseId).toBe(old.id);

    await restart();
    expect(session.connectionState.status).toBe('open');
    // the old response's frames were counted under the same id
    played.clear();
    s.server.queueResponse((ctx) => ctx.say(SAID));
    void session.response.create();
    await s.clock.advanceAsync(500);
    const fresh = session.responses.at(-1)!;
    expect(fresh).not.toBe(old);
    expect(fresh.id).toBe(old.id);
    // its audio is handed over to be played
    expect(played.get(fresh.id)).toBeGreaterThan(0);
    // and a barge-in over it cancels it
    const cancels = () =>
      (s.server.connections[1]?.clientEvents ?? []).filter((e) => e['type'] === 'response.cancel');
    const second = session.interrupt({ at: null });
    await s.clock.advanceAsync(100);
    expect((await second).cancelledResponseId).toBe(fresh.id);
    expect(cancels()).toMatchObject([{ response_id: fresh.id }]);
    await session.close();
  });

  it('the tools a create gave a response of the old connection are not run for the new one of the same id', async () => {
    const runs: string[] = [];
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'An order by id',
      parameters: v.object({ id: v.string() }),
      execute: ({ id }) => (runs.push(id), { id, ships: 'tomorrow' }),
    });
    const { s, restart } = pacedRestartable(dialect, [weather]);
    const session = await openSession(s, { modalities: ['text'], turnDetection: null });
    session.on('error', () => undefined);
    const finished: CalledFunction[] = [];
    session.on('function_calls_finished', (calls) => finished.push(...calls));
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: 'old' }, { callId: 'call_old' }),
    );
    s.server.queueResponse((ctx) => ctx.text('it ships tomorrow'));
    void session.response.create({ response: { tools: [lookupOrder] } });
    await s.clock.advanceAsync(2_000);
    expect(runs).toEqual(['old']);
    const old = session.responses[0]!;

    await restart();
    expect(session.connectionState.status).toBe('open');
    // a response the new connection starts with the same id, not given the tool
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: 'new' }, { callId: 'call_new' }),
    );
    s.server.queueResponse((ctx) => ctx.text('no such tool'));
    void session.response.create();
    await s.clock.advanceAsync(2_000);
    const fresh = session.responses.find((r) => r !== old && r.id === old.id);
    expect(fresh).toBeDefined();
    expect(runs).toEqual(['old']);
    const call = finished.find((f) => f.call.callId === 'call_new');
    expect(call?.error?.kind).toBe('unknown_tool');
    await session.close();
  });
});
