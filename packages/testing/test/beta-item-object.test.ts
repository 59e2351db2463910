/**
 * protocol.md §2: beta captures always carry `"object": "realtime.item"` on items; real GA
 * frames omit it. A beta client that relies on the key would see it in production only.
 */
import { describe, expect, it } from 'vitest';
import { tone } from '../src/index.js';
import { connect } from './helpers.js';

// every item on the wire: `item` fields and the output of response.created/done
function wireItems(frames: readonly (string | Uint8Array)[]): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  for (const f of frames) {
    if (typeof f !== 'string') continue;
    const e = JSON.parse(f) as Record<string, any>;
    if (e['item']) out.push([e['type'], e['item']]);
    for (const item of e['response']?.['output'] ?? []) out.push([e['type'], item]);
  }
  return out;
}

async function everyItemKind(dialect: 'ga' | 'beta') {
  const c = await connect({ dialect });
  c.send({
    type: 'session.update',
    session: { type: 'realtime', audio: { input: { turn_detection: null } } },
  });
  c.send({
    type: 'conversation.item.create',
    item: {
      id: 'u1',
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'hi' }],
    },
  });
  c.appendAudio(tone(300));
  c.send({ type: 'input_audio_buffer.commit' });
  c.server.queueResponse((ctx) => {
    ctx.callFunction('lights', { on: true });
    ctx.say('Done');
  });
  c.send({ type: 'response.create' });
  await c.flush();
  c.send({ type: 'conversation.item.retrieve', item_id: 'u1' });
  await c.flush();
  return c;
}

describe('item object', () => {
  it('beta: every item on the wire says object "realtime.item"', async () => {
    const c = await everyItemKind('beta');
    const items = wireItems(c.frames);
    const types = new Set(items.map(([t]) => t));
    for (const t of [
      'conversation.item.created',
      'conversation.item.retrieved',
      'response.output_item.added',
      'response.output_item.done',
      'response.done',
    ])
      expect(types, t).toContain(t);
    for (const [type, item] of items) expect(item['object'], type).toBe('realtime.item');
    expect(c.types()).not.toContain('error');
  });

  it('GA: no item carries object (real GA frames omit it)', async () => {
    const c = await everyItemKind('ga');
    const items = wireItems(c.frames);
    expect(items.length).toBeGreaterThan(5);
    for (const [type, item] of items) expect(item, type).not.toHaveProperty('object');
  });

  it('server.emit sends a scripted item as given (no object added)', async () => {
    const c = await connect({ dialect: 'beta' });
    c.server.emit({
      type: 'response.output_item.added',
      response_id: 'resp_x',
      output_index: 0,
      item: { id: 'it_a', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
    });
    await c.flush();
    const [[, item]] = wireItems(c.frames) as [[string, Record<string, unknown>]];
    expect(item).not.toHaveProperty('object');
  });
});
