/**
 * protocol.md §7.6: whisper-1 sends one transcription delta holding the whole turn; the
 * gpt-4o-*-transcribe models stream incremental deltas. `transcriptionDeltas`, when given,
 * still decides for every model.
 */
import { describe, expect, it } from 'vitest';
import { tone, type CreateFakeServerOptions } from '../src/index.js';
import { connect } from './helpers.js';

async function deltasOf(
  dialect: 'ga' | 'beta',
  model: string,
  options: CreateFakeServerOptions = {},
): Promise<string[]> {
  const c = await connect({ dialect, ...options });
  c.server.scriptTranscription('please turn on the kitchen lights');
  c.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: { input: { turn_detection: null, transcription: { model } } },
    },
  });
  c.appendAudio(tone(300));
  c.send({ type: 'input_audio_buffer.commit' });
  await c.flush();
  expect(c.types()).toContain('conversation.item.input_audio_transcription.completed');
  return c.events
    .filter((e) => e.type === 'conversation.item.input_audio_transcription.delta')
    .map((e) => String(e['delta']));
}

describe.each(['ga', 'beta'] as const)('transcription deltas by model (%s)', (dialect) => {
  it('whisper-1 sends the whole turn in one delta', async () => {
    expect(await deltasOf(dialect, 'whisper-1')).toEqual(['please turn on the kitchen lights']);
  });

  it('gpt-4o-transcribe streams several deltas (3 by default)', async () => {
    const deltas = await deltasOf(dialect, 'gpt-4o-transcribe');
    expect(deltas).toHaveLength(3);
    expect(deltas.join('')).toBe('please turn on the kitchen lights');
  });

  it('an explicit transcriptionDeltas applies to whisper-1 too', async () => {
    expect(await deltasOf(dialect, 'whisper-1', { transcriptionDeltas: 2 })).toHaveLength(2);
  });
});
