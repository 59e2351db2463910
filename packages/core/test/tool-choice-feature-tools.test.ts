/**
 * A forced tool choice naming a tool that an app feature adds to every `session.update` (the
 * README's way to send GA session fields without an option of their own: an MCP server, a wire
 * function the app answers itself) is the server's to judge: the engine cannot see those tools,
 * so it must not refuse the choice with `UNKNOWN_TOOL_CHOICE`. Without such a feature the local
 * check stays. The fake server records what was sent; the simulated clock, nothing sleeps.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { SessionFeatureFactory } from '../src/feature.js';
import { defineTool } from '../src/tools/tool.js';
import { openSession, outcome, setup, type Setup } from './helpers.js';

const weather = defineTool({
  name: 'get_weather',
  parameters: v.object({ city: v.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});

const docs = { type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example' } as const;
const lookup = { type: 'function', name: 'lookup', parameters: { type: 'object' } } as const;

// adds an MCP server and an app-answered function to every session.update
const extraTools: SessionFeatureFactory = () => ({
  name: 'extra-tools',
  contributeSessionUpdate: (session) =>
    ({
      ...session,
      tools: [...((session as { tools?: unknown[] }).tools ?? []), docs, lookup],
    }) as typeof session,
});

const sent = (s: Setup, type: string) => s.server.clientEvents.filter((e) => e['type'] === type);

describe('a forced tool choice naming a tool a feature adds to session.update (ga)', () => {
  it('is sent from the model, session(), sessionUpdate and response.create, not refused', async () => {
    const s = setup('ga', {
      tools: [weather],
      features: [extraTools],
      toolChoice: { type: 'function', name: 'lookup' },
    });
    s.server.queueResponse((ctx) => ctx.text('ok'));
    const session = await openSession(s, { modalities: ['text'] });
    expect(sent(s, 'session.update').at(-1)).toMatchObject({
      session: {
        tool_choice: { type: 'function', name: 'lookup' },
        tools: [{ name: 'get_weather' }, docs, lookup],
      },
    });
    const update = outcome(session.sessionUpdate({ toolChoice: 'required' }));
    await s.settle();
    expect(update.error).toBeUndefined();
    expect(update.done).toBe(true);
    const created = outcome(
      session.response.create({ response: { tool_choice: { type: 'mcp', server_label: 'docs' } } }),
    );
    await s.settle();
    expect(created.error).toBeUndefined();
    expect(sent(s, 'response.create')).toHaveLength(1);
    // the choice back on the feature's function, with the session's own tools gone: its tool
    // is still sent, so neither refuses
    const back = outcome(
      session.sessionUpdate({ tools: [], toolChoice: { type: 'function', name: 'lookup' } }),
    );
    await s.settle();
    expect(back.error).toBeUndefined();
    const set = outcome(session.setTools([weather]));
    await s.settle();
    expect(set.error).toBeUndefined();
    expect(session.tools.map((t) => t.name)).toEqual(['get_weather']);
    await session.close();

    const other = s.model.session({ toolChoice: { type: 'function', name: 'lookup' } });
    await s.settle();
    expect(other.options.toolChoice).toEqual({ type: 'function', name: 'lookup' });
    await other.close();
  });

  it('a feature adding nothing to session.update leaves the session checks in place', async () => {
    const watcher: SessionFeatureFactory = () => ({ name: 'watcher', onServerEvent: () => {} });
    const s = setup('ga', { tools: [weather], features: [watcher] });
    const session = await openSession(s);
    const updates = sent(s, 'session.update').length;
    const update = outcome(
      session.sessionUpdate({ toolChoice: { type: 'function', name: 'lookup' } }),
    );
    await s.settle();
    expect(update.error).toMatchObject({ code: 'UNKNOWN_TOOL_CHOICE', toolName: 'lookup' });
    expect(sent(s, 'session.update')).toHaveLength(updates);
    await session.close();
  });
});
