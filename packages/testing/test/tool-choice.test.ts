/**
 * `ctx.tools` lists the function tools the response may call: `tool_choice: "none"` allows none
 * and a named function only that one, so the demo agent (and any handler picking from
 * `ctx.tools`) does not call a tool the request ruled out.
 */
import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

const tools = [
  { type: 'function', name: 'get_weather', description: 'The weather', parameters: {} },
  { type: 'function', name: 'get_time', description: 'The time', parameters: {} },
];

const ask = (text: string) => ({
  type: 'conversation.item.create',
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

describe('tool_choice limits ctx.tools', () => {
  it('tool_choice none (session or request): the demo agent answers in words, no function call', async () => {
    const c = await connect();
    c.send({ type: 'session.update', session: { type: 'realtime', tools, tool_choice: 'none' } });
    c.send(ask('What is the weather in Oslo?'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.send({ type: 'session.update', session: { type: 'realtime', tool_choice: 'auto' } });
    c.send({ type: 'response.create', response: { tool_choice: 'none' } });
    await c.flush();
    const dones = c.events.filter((e) => e.type === 'response.done');
    expect(dones).toHaveLength(2);
    for (const d of dones)
      expect(d['response'].output.map((o: any) => o.type)).toEqual(['message']);
  });

  it('a named function: ctx.tools holds only that one; auto holds all', async () => {
    const c = await connect();
    const seen: string[][] = [];
    c.server.onResponse((ctx) => {
      seen.push(ctx.tools.map((t) => t.name));
      ctx.text('ok');
    });
    c.send({ type: 'session.update', session: { type: 'realtime', tools } });
    c.send({
      type: 'response.create',
      response: { tool_choice: { type: 'function', name: 'get_time' } },
    });
    await c.flush();
    c.send({ type: 'response.create' });
    await c.flush();
    expect(seen).toEqual([['get_time'], ['get_weather', 'get_time']]);
  });
});
