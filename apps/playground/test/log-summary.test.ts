import { describe, expect, it } from 'vitest';
import { summarizeEvent } from '../src/server/log-summary.js';

describe('summarizeEvent', () => {
  it('replaces audio payloads by their size and drops noise fields', () => {
    const summary = summarizeEvent({
      type: 'response.output_audio.delta',
      event_id: 'event_1',
      obfuscation: 'xyz',
      response_id: 'resp_1',
      delta: 'A'.repeat(4000),
    });
    expect(summary).toBe('{"response_id":"resp_1","delta":"<3000 bytes audio>"}');
  });

  it('keeps text deltas, shortens long strings and caps the length', () => {
    expect(summarizeEvent({ type: 'response.output_text.delta', delta: 'hello' })).toBe(
      '{"delta":"hello"}',
    );
    const long = summarizeEvent({
      type: 'session.updated',
      session: {
        instructions: 'x'.repeat(500),
        tools: Array.from({ length: 20 }, (_, i) => ({ name: `t${i}` })),
      },
    });
    expect(long.length).toBeLessThanOrEqual(241);
    expect(long).toContain('x'.repeat(80) + '…');
  });

  it('hides nested audio fields (conversation.item.retrieved carries audio)', () => {
    const s = summarizeEvent({
      type: 'conversation.item.retrieved',
      item: { content: [{ type: 'input_audio', audio: 'QUJD' }] },
    });
    expect(s).toContain('<3 bytes audio>');
    expect(s).not.toContain('QUJD');
  });
});
