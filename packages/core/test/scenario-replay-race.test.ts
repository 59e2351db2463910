/**
 * The replay record against a server VAD commit racing the app's `input_audio_buffer.clear`: the
 * VAD's `committed` must not be taken for the clear's acknowledgement, or the clear's (arriving
 * next) would count everything written since as gone, and the next turn is lost on a drop.
 */
import { describe, expect, it } from 'vitest';
import type { ReconnectedEvent } from '../src/reconnect/reliability-events.js';
import { firstAppendedSamples, openSession, setup, taggedFrame } from './helpers.js';

describe('replay record: a server VAD commit racing a client clear or commit', () => {
  it.each(['clear', 'commit'] as const)(
    'the next turn, begun after the %s, is replayed whole after a drop (nothing lost, nothing twice)',
    async (step) => {
      const s = setup('ga');
      const session = await openSession(s, {
        turnDetection: { type: 'server_vad', createResponse: false, silenceDurationMs: 200 },
      });
      const reconnected: ReconnectedEvent[] = [];
      session.on('reconnected', (e) => reconnected.push(e));
      const starts: number[] = [];
      session.on('input_speech_started', (e) => starts.push(e.audioStartMs));
      const kinds: string[] = [];
      session.on('server_event', (e) => {
        if (e.kind === 'event' && e.event.type.startsWith('input_audio_buffer.'))
          kinds.push(e.event.type);
      });
      const append = (level: number, count: number) => {
        for (let i = 0; i < count; i++) session.inputAudioBuffer.append(taggedFrame(level));
      };
      // turn 1 and the silence that ends it: the server's VAD commits it
      append(8000, 20);
      append(0, 20);
      // the app clears (or commits) before the VAD's speech_stopped / committed reached it
      session.inputAudioBuffer[step]();
      append(0, 5);
      // turn 2 begins (tell its frames apart), still in progress at the drop
      for (let i = 0; i < 15; i++) session.inputAudioBuffer.append(taggedFrame(9000 + i));
      await s.settle();
      // the race did happen: the VAD's commit came back before the clear's acknowledgement
      expect(kinds).toEqual([
        'input_audio_buffer.speech_started',
        'input_audio_buffer.speech_stopped',
        'input_audio_buffer.committed',
        step === 'clear' ? 'input_audio_buffer.cleared' : 'input_audio_buffer.committed',
        'input_audio_buffer.speech_started',
      ]);
      const before = s.server.clientEvents.length;
      s.server.close(1006, 'network drop');
      await s.clock.advanceAsync(2000);
      const replayed = firstAppendedSamples(s.server.clientEvents.slice(before));
      // turn 2 from its audio_start_ms (which includes the prefix padding: a few silent frames)
      const speech = replayed.filter((v) => v !== 0);
      expect(speech).toEqual(Array.from({ length: 15 }, (_, i) => 9000 + i));
      expect(replayed.slice(replayed.indexOf(9000)).every((v) => v >= 9000)).toBe(true);
      expect(reconnected[0]?.replayedAudioMs).toBeGreaterThanOrEqual(300);
      await session.close();
    },
  );
});
