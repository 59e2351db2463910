/**
 * Turning turn detection off in the middle of speech: the VAD forgets the turn it was in (no
 * event: protocol.md does not say the real server sends one), so turning it back on later starts
 * from fresh, instead of ending the stale turn on the first silence.
 */
import { describe, expect, it } from 'vitest';
import { silence, tone } from '../src/index.js';
import { connect } from './helpers.js';

const turnDetection = (td: unknown) => ({
  type: 'session.update',
  session: { type: 'realtime', audio: { input: { turn_detection: td } } },
});

describe('turn detection turned off mid-speech', () => {
  it('re-enabling it does not end the turn that was in progress when it went off', async () => {
    const c = await connect();
    c.send(turnDetection({ type: 'server_vad', create_response: false }));
    c.appendAudio(tone(500));
    await c.flush();
    expect(c.types().filter((t) => t === 'input_audio_buffer.speech_started')).toHaveLength(1);
    c.send(turnDetection(null));
    c.appendAudio(silence(1000));
    c.send(turnDetection({ type: 'server_vad', create_response: false }));
    c.appendAudio(silence(1000));
    await c.flush();
    expect(c.types()).not.toContain('input_audio_buffer.speech_stopped');
    expect(c.types()).not.toContain('input_audio_buffer.committed');
    // a new turn is detected as one, with its own item
    c.appendAudio(tone(500));
    c.appendAudio(silence(400));
    await c.flush();
    const started = c.events.filter((e) => e.type === 'input_audio_buffer.speech_started');
    expect(started).toHaveLength(2);
    const stopped = c.events.filter((e) => e.type === 'input_audio_buffer.speech_stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!['item_id']).toBe(started[1]!['item_id']);
    expect(started[1]!['audio_start_ms']).toBe(2500 - 300);
  });

  it('the audio stays buffered for a manual commit while detection is off', async () => {
    const c = await connect();
    c.appendAudio(tone(500));
    c.send(turnDetection(null));
    c.appendAudio(silence(500));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    expect(c.types()).toContain('input_audio_buffer.committed');
    expect(c.types()).not.toContain('input_audio_buffer.speech_stopped');
  });
});
