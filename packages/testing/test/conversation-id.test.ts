/**
 * protocol.md §7.1 and §4.7: a beta session announces its conversation with
 * `conversation.created`, and a response's `conversation_id` names the conversation it is
 * added to: the same id. Out-of-band responses (`conversation: "none"`) carry none.
 */
import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

describe('conversation id', () => {
  it('beta: response.conversation_id is the id conversation.created announced', async () => {
    const c = await connect({ dialect: 'beta' });
    expect(c.types().slice(0, 2)).toEqual(['session.created', 'conversation.created']);
    const announced = c.events[1]!['conversation']['id'];
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.server.queueResponse((ctx) => ctx.text('two'));
    c.send({ type: 'response.create' });
    await c.flush();
    const ids = c.events
      .filter((e) => e.type === 'response.created' || e.type === 'response.done')
      .map((e) => e['response']['conversation_id']);
    expect(ids).toHaveLength(4);
    expect(new Set(ids)).toEqual(new Set([announced]));
  });

  it('GA: every default-conversation response names one conversation; out-of-band ones none', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.server.queueResponse((ctx) => ctx.text('side'));
    c.send({ type: 'response.create', response: { conversation: 'none' } });
    await c.flush();
    const created = c.events.filter((e) => e.type === 'response.created').map((e) => e['response']);
    expect(created[0]['conversation_id']).toMatch(/^conv_/);
    expect(created[1]['conversation_id'] ?? undefined).toBeUndefined();
  });
});
