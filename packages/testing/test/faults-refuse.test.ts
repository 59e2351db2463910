/**
 * `server.faults.refuse(type)`: the server answers one client event with an `error` (its
 * `event_id` echoed, protocol.md §7.9) and does not act on it, as it does for every refused
 * event, so an agent's handling of a refused tool output, session.update or response.create can
 * be tested without knowing which input the real server would refuse.
 */
import { describe, expect, it } from 'vitest';
import { FakeServerOptionsError } from '../src/index.js';
import { connect } from './helpers.js';

const userText = (text: string, eventId?: string) => ({
  type: 'conversation.item.create',
  ...(eventId ? { event_id: eventId } : {}),
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

describe.each(['ga', 'beta'] as const)('faults.refuse (%s)', (dialect) => {
  it('refuses the named occurrence with an error, acts on the others, and records all', async () => {
    const c = await connect({ dialect });
    c.server.faults.refuse('conversation.item.create', { occurrence: 2 });
    c.send(userText('one'));
    c.send(userText('two', 'ev_two'));
    c.send(userText('three'));
    await c.flush();
    expect(c.events.filter((e) => e.type === 'error').map((e) => e['error'])).toEqual([
      {
        type: 'server_error',
        code: null,
        message: 'The server had an error while processing your request.',
        param: null,
        event_id: 'ev_two',
      },
    ]);
    const texts = c.server.conversation.map((i) => (i['content'] as any)[0].text);
    expect(texts).toEqual(['one', 'three']);
    expect(
      c.server.clientEvents.filter((e) => e['type'] === 'conversation.item.create'),
    ).toHaveLength(3);
  });

  it('takes the error to send; clear() removes the rule', async () => {
    const c = await connect({ dialect });
    c.server.faults.refuse('session.update', {
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: 'nope',
        param: 'session',
      },
    });
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'be brief' } });
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      code: 'invalid_value',
      message: 'nope',
      param: 'session',
    });
    expect(c.types()).not.toContain('session.updated');
    expect(c.server.faults.describe()).toEqual(['refuse session.update']);
    c.server.faults.clear();
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'be brief' } });
    await c.flush();
    expect(c.types()).toContain('session.updated');
  });

  it('refuses a misspelt type, a bad occurrence, and one the connection already passed', async () => {
    const c = await connect({ dialect });
    expect(() => c.server.faults.refuse('conversation.item.created')).toThrow(
      FakeServerOptionsError,
    );
    expect(() => c.server.faults.refuse('response.create', { occurrence: 0 })).toThrow(
      FakeServerOptionsError,
    );
    c.send({ type: 'response.cancel' });
    await c.flush();
    expect(() => c.server.faults.refuse('response.cancel')).toThrow(/use occurrence 2/);
  });
});

describe('faults.refuse of session.close (ga)', () => {
  it('answers it with an error and the session stays open', async () => {
    const c = await connect();
    c.server.faults.refuse('session.close');
    c.sendRaw(JSON.stringify({ type: 'session.close', event_id: 'bye' }));
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      type: 'server_error',
      event_id: 'bye',
    });
    expect(c.types()).not.toContain('session.closed');
    expect(c.closes).toEqual([]);
  });
});
