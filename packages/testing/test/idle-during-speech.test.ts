/**
 * The idle timeout is for a user who stays silent: a response that ends while the user is
 * speaking (`interrupt_response: false`, so it was not cancelled) must not arm a timer that
 * cuts into that speech with `timeout_triggered` and a commit of half a turn.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, silence, tone } from '../src/index.js';
import { connect } from './helpers.js';

describe('idle timeout and speech in progress', () => {
  it('a response ending mid-speech does not time the speech out; the turn ends by VAD', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock, pacing: { firstOutputDelayMs: 500 } });
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: {
            turn_detection: {
              type: 'server_vad',
              idle_timeout_ms: 5000,
              interrupt_response: false,
              create_response: false,
            },
          },
        },
      },
    });
    c.server.queueResponse((ctx) => ctx.text('hi'));
    c.send({ type: 'response.create' });
    await c.flush();
    // the user starts talking while the answer is pending, and goes on for 8 s
    for (let i = 0; i < 80; i++) {
      c.appendAudio(tone(100));
      await clock.advanceAsync(100);
    }
    await c.flush();
    expect(c.types()).toContain('response.done');
    expect(c.types()).toContain('input_audio_buffer.speech_started');
    expect(c.types()).not.toContain('input_audio_buffer.timeout_triggered');
    expect(c.types()).not.toContain('input_audio_buffer.committed');
    c.appendAudio(silence(300));
    await c.flush();
    expect(c.types()).toContain('input_audio_buffer.speech_stopped');
    expect(c.types().filter((t) => t === 'input_audio_buffer.committed')).toHaveLength(1);
  });
});
