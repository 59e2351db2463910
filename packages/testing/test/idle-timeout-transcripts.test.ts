/**
 * Scripted transcriptions are what the user says in each spoken turn. The idle timeout commits
 * the audio of a silent user (its timer stops at `speech_started`), so that commit must not take
 * the words scripted for the next spoken turn.
 */
import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '@voxwire/protocol';
import { SimulatedClock, speechThenSilence, silence } from '../src/index.js';
import { connect } from './helpers.js';

describe.each(['ga', 'beta'] as const)(
  'idle timeout and scripted transcriptions (%s)',
  (dialect) => {
    it('the idle timeout commit takes no scripted turn: the next spoken turn gets its words', async () => {
      const clock = new SimulatedClock();
      const c = await connect({ clock, dialect });
      c.send({
        type: 'session.update',
        session:
          dialect === 'ga'
            ? {
                type: 'realtime',
                audio: {
                  input: {
                    transcription: { model: 'whisper-1' },
                    turn_detection: { type: 'server_vad', idle_timeout_ms: 5000 },
                  },
                },
              }
            : {
                input_audio_transcription: { model: 'whisper-1' },
                turn_detection: { type: 'server_vad', idle_timeout_ms: 5000 },
              },
      });
      c.server.scriptTranscription('What time is it?', 'Thanks, bye.');
      const heard: (string | undefined)[] = [];
      c.server.onResponse((ctx) => {
        heard.push(ctx.trigger === 'idle_timeout' ? `idle:${ctx.userText ?? ''}` : ctx.userText);
        ctx.say('ok');
      });
      const speak = () => {
        for (const f of speechThenSilence(600, 800))
          c.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(f.data) });
      };
      speak();
      await clock.advanceAsync(1_000);
      // the user stays silent (the client streams silence) until the idle timeout fires
      c.appendAudio(silence(1_000));
      await clock.advanceAsync(6_000);
      expect(c.types()).toContain('input_audio_buffer.timeout_triggered');
      speak();
      await clock.advanceAsync(1_000);
      expect(heard).toEqual(['What time is it?', 'idle:', 'Thanks, bye.']);
      const transcripts = c.events
        .filter((e) => e.type === 'conversation.item.input_audio_transcription.completed')
        .map((e) => e['transcript']);
      expect(transcripts).toEqual(['What time is it?', '', 'Thanks, bye.']);
      expect(() => c.server.assertComplete()).not.toThrow();
    });
  },
);
