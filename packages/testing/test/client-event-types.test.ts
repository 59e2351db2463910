/**
 * The client event types each dialect takes (audit F4): GA takes the translation endpoint's
 * `session.input_audio_buffer.append` as an append, as the live server lists it; an unknown type
 * on a beta connection lists the beta types.
 */
import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '@voxwire/protocol';
import { silence, tone } from '../src/index.js';
import { connect } from './helpers.js';

describe('session.input_audio_buffer.append on GA', () => {
  it('is heard as input_audio_buffer.append: no error, and the audio commits', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    for (const samples of [tone(200), silence(100)])
      c.sendRaw(
        JSON.stringify({
          type: 'session.input_audio_buffer.append',
          event_id: 'a1',
          audio: pcm16ToBase64(samples),
        }),
      );
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    expect(c.types().filter((t) => t === 'error')).toEqual([]);
    expect(c.types()).toContain('input_audio_buffer.committed');
    expect(c.server.clientEvents.map((e) => e['type'])).toContain('input_audio_buffer.append');
  });

  it('has the checks of an append: an unknown field is unknown_parameter', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify({ type: 'session.input_audio_buffer.append', audio: '', bogus: 1 }));
    await c.flush();
    expect(c.events.at(-1)!['error']).toMatchObject({ code: 'unknown_parameter', param: 'bogus' });
  });
});

describe('an unknown client event type', () => {
  it('on beta lists the beta types (no GA-only session.close or session.* append)', async () => {
    const c = await connect({ dialect: 'beta' });
    c.sendRaw(JSON.stringify({ type: 'session.close', event_id: 'x1' }));
    c.sendRaw(JSON.stringify({ type: 'session.input_audio_buffer.append', audio: '' }));
    await c.flush();
    const errors = c.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_value',
      message:
        "Invalid value: 'session.close'. Supported values are: 'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', and 'response.cancel'.",
      param: 'type',
      event_id: 'x1',
    });
    expect(errors[1].message).toMatch(/^Invalid value: 'session.input_audio_buffer.append'\. /);
    expect(errors[1].message).not.toContain("'session.close'");
  });

  it('on GA keeps the live server list', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify({ type: 'nope' }));
    await c.flush();
    expect(c.events.at(-1)!['error'].message).toBe(
      "Invalid value: 'nope'. Supported values are: 'session.update', 'session.close', 'input_audio_buffer.append', 'session.input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', and 'response.cancel'.",
    );
  });
});
