/**
 * Schema violations answered with the codes of protocol.md §7.10 (audit F6): an absent field is
 * `missing_required_parameter`, a string none of the allowed literals `invalid_value` with
 * "Supported values are: …", and a value of the wrong kind `invalid_value` too (the catalogue has
 * no `invalid_type`); never valibot's wording.
 */
import { describe, expect, it } from 'vitest';
import { connect } from './helpers.js';

async function errorFor(frame: Record<string, unknown>, dialect: 'ga' | 'beta' = 'ga') {
  const c = await connect({ dialect });
  c.sendRaw(JSON.stringify({ event_id: 'e1', ...frame }));
  await c.flush();
  const last = c.events.at(-1)!;
  expect(last.type).toBe('error');
  return last['error'];
}

describe('schema violations', () => {
  it.each([
    [
      'item.role robot',
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'robot', content: [{ type: 'input_text', text: 'x' }] },
      },
      'item.role',
      "Invalid value: 'robot'. Supported values are: 'system', 'user', and 'assistant'.",
    ],
    [
      'session.truncation bogus',
      { type: 'session.update', session: { type: 'realtime', truncation: 'bogus' } },
      'session.truncation',
      "Invalid value: 'bogus'. Supported values are: 'auto' and 'disabled'.",
    ],
    [
      'a content part type outside the list',
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'system', content: [{ type: 'input_audio', audio: '' }] },
      },
      'item.content[0].type',
      "Invalid value: 'input_audio'. Supported values are: 'input_text' and 'text'.",
    ],
  ])('%s: invalid_value with the supported values', async (_what, frame, param, message) => {
    expect(await errorFor(frame)).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_value',
      message,
      param,
      event_id: 'e1',
    });
  });

  it('an absent session in session.update is missing_required_parameter (GA and beta)', async () => {
    for (const dialect of ['ga', 'beta'] as const)
      expect(await errorFor({ type: 'session.update' }, dialect)).toEqual({
        type: 'invalid_request_error',
        code: 'missing_required_parameter',
        message: "Missing required parameter: 'session'.",
        param: 'session',
        event_id: 'e1',
      });
  });

  it.each([
    [{ type: 'session.update', session: 'x' }, 'session'],
    [
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 'a', audio_end_ms: 1 },
      'content_index',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', instructions: 5 } },
      'session.instructions',
    ],
    [{ type: 'session.update', session: { type: 'realtime', tracing: 5 } }, 'session.tracing'],
  ])(
    'a value of the wrong kind is invalid_value, never invalid_type (%j)',
    async (frame, param) => {
      const error = await errorFor(frame);
      expect(error).toMatchObject({ code: 'invalid_value', param, event_id: 'e1' });
      expect(error.message).toMatch(
        new RegExp(`^Invalid value for '${param.replace(/[.[\]]/g, '\\$&')}': expected `),
      );
    },
  );
});
