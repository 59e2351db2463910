/**
 * A `toolChoice` / `tool_choice` naming a function (or an MCP server) that is not among the
 * tools in force is refused where it is given, with a `ToolError('UNKNOWN_TOOL_CHOICE')` naming
 * it, before anything is sent: the server would refuse the whole update (or the response) far
 * from the call that caused it. A tools change that would leave the session's forced choice
 * naming a removed tool is refused the same way (the old tools stay). The fake server records
 * what was sent; the simulated clock, nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../src/tools/errors.js';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, openSession, outcome, setup, type Setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});
const time = defineTool({
  name: 'get_time',
  parameters: v.object({}),
  execute: () => '12:00',
});

const sent = (s: Setup, type: string) => s.server.clientEvents.filter((e) => e['type'] === type);

function expectUnknownChoice(error: unknown, name: string): void {
  expect(error).toBeInstanceOf(ToolError);
  expect(error).toMatchObject({ code: 'UNKNOWN_TOOL_CHOICE', toolName: name });
  expect((error as Error).message).toContain(`"${name}"`);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('toolChoice naming a tool the session does not have', () => {
  it('is refused by the RealtimeModel and by session(), before anything connects', async () => {
    expectUnknownChoice(
      thrown(() =>
        setup('ga', { tools: [weather], toolChoice: { type: 'function', name: 'nope' } }),
      ),
      'nope',
    );
    const s = setup('ga', {
      tools: [weather],
      toolChoice: { type: 'function', name: 'get_weather' },
    });
    expectUnknownChoice(
      thrown(() => s.model.session({ toolChoice: { type: 'function', name: 'get_time' } })),
      'get_time',
    );
    // the model's choice no longer matches a session's own tools
    expectUnknownChoice(
      thrown(() => s.model.session({ tools: [time] })),
      'get_weather',
    );
    // both changed together: fine
    const session = s.model.session({
      tools: [time],
      toolChoice: { type: 'function', name: 'get_time' },
    });
    await s.settle();
    expect(s.server.connections).toHaveLength(1);
    expect(session.options.toolChoice).toEqual({ type: 'function', name: 'get_time' });
    await session.close();
  });

  it('a model without tools leaves a forced choice to each session, which may bring the tool', async () => {
    const s = setup('ga', { toolChoice: { type: 'function', name: 'get_time' } });
    expectUnknownChoice(
      thrown(() => s.model.session()),
      'get_time',
    );
    const session = s.model.session({ tools: [time] });
    await s.settle();
    expect(session.options.toolChoice).toEqual({ type: 'function', name: 'get_time' });
    expect(sent(s, 'session.update').at(-1)).toMatchObject({
      session: { tool_choice: { type: 'function', name: 'get_time' } },
    });
    await session.close();
  });

  describe.each(DIALECTS)('%s', (dialect) => {
    it('sessionUpdate({ toolChoice }) rejects, sends nothing and keeps the options', async () => {
      const s = setup(dialect, { tools: [weather] });
      const session = await openSession(s);
      const updates = sent(s, 'session.update').length;
      const update = outcome(
        session.sessionUpdate({ toolChoice: { type: 'function', name: 'nope' } }),
      );
      await s.settle();
      expectUnknownChoice(update.error, 'nope');
      expect(sent(s, 'session.update')).toHaveLength(updates);
      expect(session.options.toolChoice).toBe('auto');
      // the new tools and a choice among them, in one update
      const both = outcome(
        session.sessionUpdate({
          tools: [time],
          toolChoice: { type: 'function', name: 'get_time' },
        }),
      );
      await s.settle();
      expect(both.error).toBeUndefined();
      expect(both.done).toBe(true);
      expect(session.tools.map((t) => t.name)).toEqual(['get_time']);
      await session.close();
    });

    it('a tools change leaving the forced choice without its tool is refused: the old tools stay', async () => {
      const s = setup(dialect, {
        tools: [weather],
        toolChoice: { type: 'function', name: 'get_weather' },
      });
      const session = await openSession(s);
      const updates = sent(s, 'session.update').length;
      const set = outcome(session.setTools([time]));
      const update = outcome(session.sessionUpdate({ tools: [] }));
      await s.settle();
      expectUnknownChoice(set.error, 'get_weather');
      expectUnknownChoice(update.error, 'get_weather');
      expect(session.tools.map((t) => t.name)).toEqual(['get_weather']);
      expect(sent(s, 'session.update')).toHaveLength(updates);
      // with the choice relaxed in the same update, the tools change
      const relaxed = outcome(session.sessionUpdate({ tools: [time], toolChoice: 'auto' }));
      await s.settle();
      expect(relaxed.error).toBeUndefined();
      expect(session.tools.map((t) => t.name)).toEqual(['get_time']);
      await session.close();
    });

    it("response.create / generate with a tool_choice outside the response's and the session's tools reject, nothing sent", async () => {
      const s = setup(dialect, { tools: [weather] });
      const session = await openSession(s, { modalities: ['text'] });
      const created = outcome(
        session.response.create({ response: { tool_choice: { type: 'function', name: 'nope' } } }),
      );
      const generated = outcome(
        session.response.generate({
          response: {
            tools: [time],
            tool_choice: { type: 'function', name: 'lookup' },
          },
        }),
      );
      await s.settle();
      expectUnknownChoice(created.error, 'nope');
      expectUnknownChoice(generated.error, 'lookup');
      expect(sent(s, 'response.create')).toHaveLength(0);
      await session.close();
    });

    it('a tool_choice naming a session tool, the response’s executable or wire function is sent', async () => {
      const s = setup(dialect, { tools: [weather] });
      for (let i = 0; i < 3; i++) s.server.queueResponse((ctx) => ctx.text('ok'));
      const session = await openSession(s, { modalities: ['text'] });
      const requests = [
        { tool_choice: { type: 'function', name: 'get_weather' } },
        { tools: [time], tool_choice: { type: 'function', name: 'get_time' } },
        {
          tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
          tool_choice: { type: 'function', name: 'lookup' },
        },
      ] as const;
      for (const response of requests) {
        const done = outcome(session.response.generate({ response: response as never }));
        await s.settle();
        expect(done.error).toBeUndefined();
        expect(done.done).toBe(true);
      }
      expect(sent(s, 'response.create')).toHaveLength(3);
      await session.close();
    });
  });

  it('an MCP tool_choice must name a server_label among the response’s MCP tools (ga)', async () => {
    const s = setup('ga', { tools: [weather] });
    s.server.queueResponse((ctx) => ctx.text('ok'));
    const session = await openSession(s, { modalities: ['text'] });
    const docs = { type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example' } as const;
    const wrong = outcome(
      session.response.create({
        response: { tools: [docs], tool_choice: { type: 'mcp', server_label: 'wiki' } },
      }),
    );
    const none = outcome(
      session.response.create({
        response: { tool_choice: { type: 'mcp', server_label: 'docs', name: 'search' } },
      }),
    );
    await s.settle();
    expectUnknownChoice(wrong.error, 'wiki');
    expectUnknownChoice(none.error, 'docs');
    expect(sent(s, 'response.create')).toHaveLength(0);
    const right = outcome(
      session.response.create({
        response: {
          tools: [docs],
          tool_choice: { type: 'mcp', server_label: 'docs', name: 'search' },
        },
      }),
    );
    await s.settle();
    expect(right.error).toBeUndefined();
    expect(sent(s, 'response.create')).toHaveLength(1);
    await session.close();
  });
});
