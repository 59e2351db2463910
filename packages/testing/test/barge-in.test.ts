/**
 * Barge-in as the real server does it (protocol.md §7.5): the response in progress is cancelled
 * when speech STARTS, so its `response.done` (cancelled, `turn_detected`) comes before the
 * turn's `speech_stopped` and commit, however the client delivers the audio (a test usually
 * appends a whole spoken turn at once).
 */
import { describe, expect, it } from 'vitest';
import { silence, SimulatedClock, tone } from '../src/index.js';
import { connect } from './helpers.js';

const LONG = 'This answer is long enough to be interrupted by the user';

describe.each(['ga', 'beta'] as const)('barge-in (%s)', (dialect) => {
  it('a whole turn appended at once: the answer ends cancelled before speech_stopped and the commit', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ dialect, clock, pacing: { realtimeFactor: 1 } });
    c.server.queueResponse((ctx) => ctx.say(LONG));
    c.server.queueResponse((ctx) => ctx.say('ok'));
    c.send({ type: 'response.create' });
    await clock.advanceAsync(300);
    c.appendAudio(tone(300));
    c.appendAudio(silence(500));
    await clock.advanceAsync(0);
    const types = c.types().filter((t) => !t.endsWith('.delta'));
    const at = (type: string) => types.indexOf(type);
    const stopped = at('input_audio_buffer.speech_stopped');
    expect(stopped).toBeGreaterThan(-1);
    expect(types.slice(at('input_audio_buffer.speech_started'), stopped)).toEqual([
      'input_audio_buffer.speech_started',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      ...(dialect === 'ga' ? ['conversation.item.done'] : []),
      'response.output_item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
    // the turn is then answered by a new response
    expect(c.types().filter((t) => t === 'response.created')).toHaveLength(2);
  });
});
