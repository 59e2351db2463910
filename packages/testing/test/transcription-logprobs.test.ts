/**
 * protocol.md §4.3: `include: ["item.input_audio_transcription.logprobs"]` adds
 * `logprobs: [{token, logprob, bytes[]}]` to the input transcription's delta and completed
 * events; without it they carry none.
 */
import { describe, expect, it } from 'vitest';
import { tone } from '../src/index.js';
import { connect } from './helpers.js';

const LOGPROBS = 'item.input_audio_transcription.logprobs';

async function transcribe(dialect: 'ga' | 'beta', include: string[] | undefined) {
  const c = await connect({ dialect });
  c.server.scriptTranscription('héllo there');
  c.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      ...(include ? { include } : {}),
      audio: { input: { turn_detection: null, transcription: { model: 'gpt-4o-transcribe' } } },
    },
  });
  c.appendAudio(tone(300));
  c.send({ type: 'input_audio_buffer.commit' });
  await c.flush();
  expect(c.types()).not.toContain('error');
  const deltas = c.events.filter(
    (e) => e.type === 'conversation.item.input_audio_transcription.delta',
  );
  const completed = c.events.find(
    (e) => e.type === 'conversation.item.input_audio_transcription.completed',
  )!;
  return { deltas, completed };
}

describe.each(['ga', 'beta'] as const)('transcription logprobs (%s)', (dialect) => {
  it('with the include: each delta and the completed event carry logprobs of their text', async () => {
    const { deltas, completed } = await transcribe(dialect, [LOGPROBS]);
    expect(deltas.length).toBeGreaterThan(0);
    for (const d of deltas) {
      const lp = d['logprobs'] as { token: string; logprob: number; bytes: number[] }[];
      expect(lp.map((p) => p.token).join('')).toBe(d['delta']);
      for (const p of lp) {
        expect(p.logprob).toBeLessThanOrEqual(0);
        expect(p.bytes).toEqual([...new TextEncoder().encode(p.token)]);
      }
    }
    const all = completed['logprobs'] as { token: string }[];
    expect(all.map((p) => p.token).join('')).toBe('héllo there');
  });

  it('without it: no logprobs', async () => {
    const { deltas, completed } = await transcribe(dialect, undefined);
    for (const d of deltas) expect(d['logprobs'] ?? undefined).toBeUndefined();
    expect(completed['logprobs'] ?? undefined).toBeUndefined();
  });
});
