/**
 * A refused client event is still something the client sent: it is recorded in
 * `server.clientEvents`, in its connection's `clientEvents` and seen by expectations, however it
 * was refused (unknown parameter, schema violation, unknown type). Frames that are not a JSON
 * object (invalid JSON, binary) carry no event and are not recorded.
 */
import { describe, expect, it } from 'vitest';
import { UnexpectedClientEventError } from '../src/index.js';
import { connect } from './helpers.js';

describe('refused client events are recorded', () => {
  it('unknown_parameter, a schema violation and an unknown type reach both logs, in order', async () => {
    const c = await connect();
    const sent = [
      { type: 'response.create', event_id: 'a', response: { bogus: 1 } },
      { type: 'conversation.item.delete', event_id: 'b' }, // item_id missing
      { type: 'response.bogus', event_id: 'c' },
      { type: 'input_audio_buffer.clear', event_id: 'd' },
    ];
    for (const e of sent) c.sendRaw(JSON.stringify(e));
    c.sendRaw('{not json');
    await c.flush();
    const codes = c.events.filter((e) => e.type === 'error').map((e) => e['error']['code']);
    expect(codes).toEqual([
      'unknown_parameter',
      'missing_required_parameter',
      'invalid_value',
      'invalid_json',
    ]);
    const ids = ['a', 'b', 'c', 'd'];
    expect(c.server.clientEvents.map((e) => e['event_id'])).toEqual(ids);
    expect(c.server.current!.clientEvents.map((e) => e['event_id'])).toEqual(ids);
    expect(c.server.clientEvents[1]).toEqual(sent[1]);
  });

  it('a beta event refused as unknown_parameter is recorded in the GA model, like accepted ones', async () => {
    const c = await connect({ dialect: 'beta' });
    c.sendRaw(
      JSON.stringify({
        type: 'response.create',
        event_id: 'a',
        response: { modalities: ['text'], bogus: 1 },
      }),
    );
    await c.flush();
    expect(c.server.clientEvents).toHaveLength(1);
    expect(c.server.current!.clientEvents).toEqual(c.server.clientEvents);
    const response = c.server.clientEvents[0]!['response'] as Record<string, unknown>;
    expect(response['output_modalities']).toEqual(['text']);
  });

  it('a strict expectation fails on a refused event the client sent in between', async () => {
    const c = await connect();
    const next = c.server.expectNextClientEvent('input_audio_buffer.clear');
    c.sendRaw(JSON.stringify({ type: 'conversation.item.delete' }));
    c.sendRaw(JSON.stringify({ type: 'input_audio_buffer.clear' }));
    await expect(next).rejects.toThrow(UnexpectedClientEventError);
  });

  it('with recordAudioAppends: false a refused append is not recorded either', async () => {
    const c = await connect({ recordAudioAppends: false });
    c.sendRaw(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'AAAA', bogus: 1 }));
    c.sendRaw(JSON.stringify({ type: 'input_audio_buffer.append' }));
    await c.flush();
    expect(c.events.filter((e) => e.type === 'error')).toHaveLength(2);
    expect(c.server.clientEvents).toEqual([]);
    expect(c.server.current!.clientEvents).toEqual([]);
  });
});
