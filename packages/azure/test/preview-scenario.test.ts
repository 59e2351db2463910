/**
 * An Azure preview-endpoint (beta dialect) session run in memory: the beta fake behind Azure's
 * frame rewriter and 30-minute limit, with withAzure's defaults. A spoken turn is transcribed and
 * answered, the session rolls over before the limit with its conversation, and the next turn
 * works on the fresh session. Simulated clock only.
 */
import { RealtimeModel, type RealtimeResponse } from '@voxwire/core';
import { createCounterIdGenerator, type Connector } from '@voxwire/protocol';
import { createFakeServer, SimulatedClock, speechThenSilence } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import {
  AZURE_DEFAULT_TURN_DETECTION,
  azureFrameRewriter,
  rewritingTransport,
} from '../src/index.js';

const LIMIT_MS = 30 * 60_000;

describe('Azure preview (beta dialect) in memory', () => {
  it('a spoken turn, the rollover before the 30-minute limit, and a turn after it', async () => {
    const clock = new SimulatedClock({ microtaskRounds: 400 });
    const { connector: fake, server } = createFakeServer({
      dialect: 'beta',
      clock,
      maxSessionDurationMs: LIMIT_MS,
    });
    const rewrite = azureFrameRewriter({ dialect: 'beta', transcriptionDeployment: 'my-whisper' });
    const updates: Record<string, unknown>[] = [];
    const connector: Connector = async (attempt) => {
      const c = await fake(attempt);
      const transport = rewritingTransport(c.transport, (frame) => {
        const out = rewrite(frame);
        if (out.includes('"session.update"'))
          updates.push((JSON.parse(out) as { session: Record<string, unknown> }).session);
        return out;
      });
      return { ...c, transport, maxSessionDurationMs: LIMIT_MS };
    };
    const model = new RealtimeModel({
      connector,
      clock,
      generateId: createCounterIdGenerator('t'),
      turnDetection: { ...AZURE_DEFAULT_TURN_DETECTION },
      inputAudioTranscription: { model: 'gpt-4o-transcribe' },
    });
    const session = model.session();
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const transcripts: string[] = [];
    session.on('input_speech_transcription_completed', (e) => transcripts.push(e.transcript));
    const answers: RealtimeResponse[] = [];
    session.on('response_done', (r) => answers.push(r));
    const rollovers: unknown[] = [];
    session.on('reconnected', (e) => rollovers.push(e.rollover));
    const speak = async (words: string) => {
      server.scriptTranscription(words);
      for (const f of speechThenSilence(600, 800)) {
        session.inputAudioBuffer.append(f);
        await clock.advanceAsync(100);
      }
      await clock.advanceAsync(5000);
    };

    await clock.advanceAsync(0);
    // what Azure's preview endpoint takes: flat beta fields, no GA-only ones, a deployment name
    expect(updates[0]).not.toHaveProperty('type');
    expect(updates[0]).not.toHaveProperty('audio');
    expect(updates[0]).toMatchObject({
      modalities: ['text', 'audio'],
      input_audio_transcription: { model: 'my-whisper' },
      turn_detection: { type: 'server_vad', silence_duration_ms: 200, create_response: true },
    });
    expect(session.options.inputAudioTranscription).toEqual({ model: 'my-whisper' });

    await speak('hello azure');
    expect(transcripts).toEqual(['hello azure']);
    expect(answers.map((r) => [r.status, r.text])).toEqual([
      ['completed', 'You said: hello azure'],
    ]);

    // quiet until past the limit: one planned rollover (margin 5 min), no expiry
    for (let minute = 0; minute < 31; minute++) await clock.advanceAsync(60_000);
    expect(rollovers).toEqual([true]);
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0]?.closeInfo?.code).not.toBe(1001);
    expect(updates).toHaveLength(2);
    expect(updates[1]).not.toHaveProperty('type');
    // the fresh session holds the conversation, in order
    expect(server.conversation.map((i) => i['role'])).toEqual(['user', 'assistant']);

    await speak('after rollover');
    expect(transcripts).toEqual(['hello azure', 'after rollover']);
    expect(answers.at(-1)?.text).toBe('You said: after rollover');
    expect(
      session.chatCtxCopy().items.map((i) => (i.type === 'message' ? i.role : i.type)),
    ).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(errors).toEqual([]);
    await session.close();
  });
});
