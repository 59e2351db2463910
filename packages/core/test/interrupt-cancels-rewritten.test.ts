/**
 * A create an interruption holds for cancel-on-start, then written again after a drop (same tag,
 * a new event id): its refusal or give-up names the new id, and must forget it. Before, the entry
 * kept the old event and stayed for the session's life.
 */
import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '@voxwire/protocol';
import { REQUEST_TAG_KEY, type ResponseCreateEvent } from '../src/responses/awaited.js';
import { InterruptCancels } from '../src/responses/interrupt-cancels.js';

const create = (eventId: string, tag?: string): ResponseCreateEvent => ({
  type: 'response.create',
  event_id: eventId,
  ...(tag === undefined ? {} : { response: { metadata: { [REQUEST_TAG_KEY]: tag } } }),
});

function cancels() {
  const sent: ClientEvent[] = [];
  let id = 0;
  return {
    sent,
    cancels: new InterruptCancels({ send: (e) => void sent.push(e), eventId: () => `c${++id}` }),
  };
}

describe('InterruptCancels.rewritten', () => {
  it('a create written again under a new event id is forgotten by that id', () => {
    const { cancels: c } = cancels();
    const first = create('evt_1', 'req_a');
    c.cancelWhenStarted(first);
    const again = create('evt_9', 'req_a');
    c.rewritten(again);
    expect(c.awaitsStart(again)).toBe(true);
    c.forget('evt_9');
    expect(c.awaitsStart(again)).toBe(false);
    expect(c.awaitsStart(first)).toBe(false);
  });

  it('leaves other tags and untagged creates alone', () => {
    const { cancels: c } = cancels();
    const a = create('evt_1', 'req_a');
    const untagged = create('evt_2');
    c.cancelWhenStarted(a);
    c.cancelWhenStarted(untagged);
    c.rewritten(create('evt_3', 'req_b'));
    c.rewritten(create('evt_4'));
    c.forget('evt_3');
    c.forget('evt_4');
    expect(c.awaitsStart(a)).toBe(true);
    expect(c.awaitsStart(untagged)).toBe(true);
    c.forget('evt_1');
    c.forget('evt_2');
    expect(c.awaitsStart(a)).toBe(false);
    expect(c.awaitsStart(untagged)).toBe(false);
  });
});
