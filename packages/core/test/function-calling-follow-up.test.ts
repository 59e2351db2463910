/**
 * The follow-up response after tool outputs carries the per-response settings of the response
 * whose calls it answers (its own tools, instructions, output modalities, voice, tool_choice with
 * a forced choice relaxed to 'auto'), round after round and across a drop that cuts it. An
 * out-of-band response still gets no follow-up. The fake server records what each
 * `response.create` carried; the simulated clock, nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { SessionError } from '../src/errors.js';
import { defineTool } from '../src/tools/tool.js';
import type { CalledFunction } from '../src/tools/types.js';
import { REQUEST_TAG_KEY } from '../src/responses/awaited.js';
import { DIALECTS, openSession, setup, type Setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

const ORDER_SCHEMA = {
  type: 'function',
  name: 'lookup_order',
  description: 'An order by id',
  parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
};

function lookupOrderTool(runs: string[]) {
  return defineTool({
    name: 'lookup_order',
    description: 'An order by id',
    parameters: v.object({ id: v.string() }),
    execute: ({ id }) => (runs.push(id), { id, ships: 'tomorrow' }),
  });
}

const creates = (s: Setup, connection?: number) =>
  (connection === undefined
    ? s.server.clientEvents
    : (s.server.connections[connection]?.clientEvents ?? [])
  )
    .filter((e) => e['type'] === 'response.create')
    .map((e) => (e['response'] ?? {}) as Record<string, unknown>);

function watch(session: { on: (...args: any[]) => unknown }) {
  const finished: (readonly CalledFunction[])[] = [];
  const errors: SessionError[] = [];
  session.on('function_calls_finished', (c: readonly CalledFunction[]) => finished.push(c));
  session.on('error', (e: SessionError) => errors.push(e));
  return { finished, errors };
}

describe.each(DIALECTS)('the follow-up response after tool outputs (%s)', (dialect) => {
  it.each([
    ['with tools', [weather]],
    ['without tools', []],
  ] as const)(
    "carries the originating request's own tools and instructions, relaxes a forced tool_choice, round after round (session %s)",
    async (_which, sessionTools) => {
      const runs: string[] = [];
      const lookupOrder = lookupOrderTool(runs);
      const s = setup(dialect, { tools: [...sessionTools] });
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_1' }),
      );
      // the answer to the first output calls the same per-response function again
      s.server.queueResponse((ctx) =>
        ctx.callFunction('lookup_order', { id: '43' }, { callId: 'call_2' }),
      );
      s.server.queueResponse((ctx) => ctx.text('Les deux commandes partent demain.'));
      const session = await openSession(s, { modalities: ['text'] });
      const seen = watch(session);
      await Promise.all([
        session.conversation.item.create({ role: 'user', content: 'my orders 42 and 43?' }),
        s.settle(),
      ]);
      await Promise.all([
        session.response.generate({
          response: {
            tools: [lookupOrder],
            instructions: 'Answer in French.',
            tool_choice: 'required',
            metadata: { purpose: 'orders' },
          },
        }),
        s.settle(),
      ]);
      await s.settle();

      // both calls ran in the per-response tool, none was answered unknown_tool
      expect(runs).toEqual(['42', '43']);
      expect(seen.finished.flat().map((f) => f.error?.kind)).toEqual([undefined, undefined]);
      expect(seen.errors).toEqual([]);
      const sentCreates = creates(s);
      expect(sentCreates).toHaveLength(3);
      for (const followUp of sentCreates.slice(1)) {
        expect(followUp['instructions']).toBe('Answer in French.');
        expect(followUp['tools']).toEqual([ORDER_SCHEMA]);
        // a forced choice would make the model call again, forever: the answer may speak
        expect(followUp['tool_choice']).toBe('auto');
        // the app routes responses by its metadata: the follow-up answers the same request,
        // with a tag of its own (the originating request's tag is not reused)
        const metadata = followUp['metadata'] as Record<string, string>;
        expect(metadata['purpose']).toBe('orders');
        expect(metadata[REQUEST_TAG_KEY]).not.toBe(
          (sentCreates[0]?.['metadata'] as Record<string, string>)[REQUEST_TAG_KEY],
        );
      }
      expect(session.responses.at(-1)?.text).toBe('Les deux commandes partent demain.');
      await session.close();
    },
  );

  it('a create() with its own instructions only: the follow-up to a session tool keeps them, and an auto tool_choice', async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w' }),
    );
    s.server.queueResponse((ctx) => ctx.text('Il fait 21 degrés.'));
    const session = await openSession(s, { modalities: ['text'] });
    const seen = watch(session);
    await Promise.all([
      session.response.create({
        response: { instructions: 'Answer in French.', tool_choice: 'auto' },
      }),
      s.settle(),
    ]);
    await s.settle();
    expect(seen.finished).toHaveLength(1);
    const followUp = creates(s)[1];
    expect(followUp).toMatchObject({ instructions: 'Answer in French.', tool_choice: 'auto' });
    expect(followUp).not.toHaveProperty('tools');
    await session.close();
  });

  it("a create() with only metadata: the follow-up to a session tool carries the app's pairs, and its response echoes them", async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w' }),
    );
    s.server.queueResponse((ctx) => ctx.text('21 degrees.'));
    const session = await openSession(s, { modalities: ['text'] });
    const seen = watch(session);
    await Promise.all([
      session.response.create({ response: { metadata: { route: 'weather-desk' } } }),
      s.settle(),
    ]);
    await s.settle();
    expect(seen.finished).toHaveLength(1);
    const followUp = creates(s)[1];
    expect(followUp?.['metadata']).toMatchObject({ route: 'weather-desk' });
    expect(session.responses.at(-1)?.text).toBe('21 degrees.');
    expect(session.responses.at(-1)?.resource.metadata).toMatchObject({ route: 'weather-desk' });
    await session.close();
  });

  it("an app's 16 metadata pairs leave no room for the follow-up's tag: the follow-up is still requested, without them", async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w' }),
    );
    s.server.queueResponse((ctx) => ctx.text('21 degrees.'));
    const session = await openSession(s, { modalities: ['text'] });
    const seen = watch(session);
    const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`]));
    await Promise.all([session.response.create({ response: { metadata } }), s.settle()]);
    await s.settle();
    expect(seen.errors).toEqual([]);
    const followUp = creates(s)[1];
    expect(Object.keys((followUp?.['metadata'] ?? {}) as object)).toEqual([REQUEST_TAG_KEY]);
    expect(session.responses.at(-1)?.text).toBe('21 degrees.');
    await session.close();
  });

  it.each([
    ['required', 'required'],
    ['a named function', { type: 'function', name: 'get_weather' }],
  ] as const)(
    "a session toolChoice forcing %s: the follow-up answers with tool_choice 'auto' (forced again it could only call again)",
    async (_which, toolChoice) => {
      const s = setup(dialect, { tools: [weather], toolChoice });
      s.server.queueResponse((ctx) =>
        ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w' }),
      );
      s.server.queueResponse((ctx) => ctx.text('21 degrees.'));
      const session = await openSession(s, { modalities: ['text'] });
      await Promise.all([session.response.create(), s.settle()]);
      await s.settle();
      const [first, followUp] = creates(s);
      // the app's own request is the session's to shape: the forced choice applies to it
      expect(first).not.toHaveProperty('tool_choice');
      expect(followUp?.['tool_choice']).toBe('auto');
      expect(session.options.toolChoice).toEqual(toolChoice);
      expect(session.responses.at(-1)?.text).toBe('21 degrees.');
      await session.close();
    },
  );

  it("a session toolChoice 'none' or 'auto' leaves the follow-up bare", async () => {
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('get_weather', { city: 'Oslo' }, { callId: 'call_w' }),
    );
    s.server.queueResponse((ctx) => ctx.text('21 degrees.'));
    const session = await openSession(s, { modalities: ['text'] });
    await Promise.all([session.response.create(), s.settle()]);
    await s.settle();
    expect(creates(s)[1]).not.toHaveProperty('tool_choice');
    await session.close();
  });

  it('a follow-up the drop cut after its response.created is requested again with the same settings', async () => {
    const runs: string[] = [];
    const lookupOrder = lookupOrderTool(runs);
    const s = setup(dialect, { random: () => 0, tools: [weather], stallTimeoutMs: false });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_1' }),
    );
    // the cut follow-up: started, never finished
    s.server.queueResponse((ctx) => ctx.text('Votre commande'));
    // the follow-up asked for again calls the per-response function once more
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: '43' }, { callId: 'call_2' }),
    );
    s.server.queueResponse((ctx) => ctx.text('Elles partent demain.'));
    const session = await openSession(s, { modalities: ['text'] });
    const seen = watch(session);
    session.on('error', () => undefined);
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'my order?' }),
      s.settle(),
    ]);
    s.server.faults.closeAt('response.created', { occurrence: 2, when: 'after', code: 1006 });
    session.once('disconnected', () => s.server.faults.clear());
    void session.response
      .generate({ response: { tools: [lookupOrder], instructions: 'Answer in French.' } })
      .catch(() => undefined);
    await s.settle();
    await s.clock.advanceAsync(1_000);
    await s.settle();
    expect(s.server.connections).toHaveLength(2);
    expect(session.connectionState.status).toBe('open');

    const again = creates(s, 1);
    expect(again).toHaveLength(2);
    for (const followUp of again) {
      expect(followUp['instructions']).toBe('Answer in French.');
      expect(followUp['tools']).toEqual([ORDER_SCHEMA]);
    }
    expect(runs).toEqual(['42', '43']);
    expect(seen.finished.flat().map((f) => f.error?.kind)).toEqual([undefined, undefined]);
    expect(session.responses.at(-1)?.text).toBe('Elles partent demain.');
    await session.close();
  });

  it('an out-of-band response with its own tools and instructions runs its calls but gets no follow-up', async () => {
    const runs: string[] = [];
    const s = setup(dialect, { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_oob' }),
    );
    const session = await openSession(s, { modalities: ['text'] });
    const seen = watch(session);
    await Promise.all([
      session.response.generate({
        response: {
          conversation: 'none',
          input: [],
          tools: [lookupOrderTool(runs)],
          instructions: 'Answer in French.',
        },
      }),
      s.settle(),
    ]);
    await s.settle();
    expect(runs).toEqual(['42']);
    expect(seen.finished).toHaveLength(1);
    expect(creates(s)).toHaveLength(1);
    await session.close();
  });
});

describe('the follow-up response after tool outputs (ga only)', () => {
  it('keeps the output modalities, voice and token limit, and relaxes a forced function choice', async () => {
    const runs: string[] = [];
    const lookupOrder = lookupOrderTool(runs);
    const s = setup('ga', { tools: [weather] });
    s.server.queueResponse((ctx) =>
      ctx.callFunction('lookup_order', { id: '42' }, { callId: 'call_1' }),
    );
    s.server.queueResponse((ctx) => ctx.text('ships tomorrow'));
    const session = await openSession(s);
    await Promise.all([
      session.response.generate({
        response: {
          tools: [lookupOrder, weather],
          tool_choice: { type: 'function', name: 'lookup_order' },
          output_modalities: ['text'],
          audio: { output: { voice: 'cedar' } },
          max_output_tokens: 200,
        },
      }),
      s.settle(),
    ]);
    await s.settle();
    expect(runs).toEqual(['42']);
    const [first, followUp] = creates(s);
    expect(followUp).toEqual({
      tools: first?.['tools'],
      tool_choice: 'auto',
      output_modalities: ['text'],
      audio: { output: { voice: 'cedar' } },
      max_output_tokens: 200,
      metadata: expect.any(Object),
    });
    await session.close();
  });
});
