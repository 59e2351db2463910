import { describe, expect, it } from 'vitest';
import { silence, SimulatedClock, tone } from '../src/index.js';
import { connect, connectTranscription } from './helpers.js';

const noVad = {
  type: 'session.update',
  session: { type: 'realtime', audio: { input: { turn_detection: null } } },
};

describe.each(['ga', 'beta'] as const)('input audio (%s)', (dialect) => {
  it('commit under 100 ms → input_audio_buffer_commit_empty with the verbatim message; clear → cleared', async () => {
    const c = await connect({ dialect });
    c.send(noVad);
    c.appendAudio(silence(50));
    c.send({ type: 'input_audio_buffer.commit', event_id: 'c1' });
    c.send({ type: 'input_audio_buffer.clear' });
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      message:
        'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 50.00ms of audio.',
      event_id: 'c1',
    });
    expect(c.types()).toContain('input_audio_buffer.cleared');
  });

  it('manual commit creates a user audio item and runs transcription when configured', async () => {
    const c = await connect({ dialect, transcriptionDeltas: 2 });
    c.server.scriptTranscription('turn on the lights');
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: null, transcription: { model: 'whisper-1' } } },
      },
    });
    c.appendAudio(tone(300));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    const committed = c.events.find((e) => e.type === 'input_audio_buffer.committed')!;
    const deltas = c.events.filter(
      (e) => e.type === 'conversation.item.input_audio_transcription.delta',
    );
    expect(deltas.map((d) => d['delta']).join('')).toBe('turn on the lights');
    expect(deltas).toHaveLength(2);
    const completed = c.events.find(
      (e) => e.type === 'conversation.item.input_audio_transcription.completed',
    )!;
    expect(completed).toMatchObject({
      item_id: committed['item_id'],
      content_index: 0,
      transcript: 'turn on the lights',
    });
    expect(completed['usage']).toMatchObject({ type: 'tokens', input_tokens: 3 });
    expect(c.server.conversation[0]).toMatchObject({
      role: 'user',
      content: [{ type: 'input_audio', transcript: 'turn on the lights' }],
    });
    // no response without turn detection
    expect(c.types()).not.toContain('response.created');
    c.server.assertComplete();
  });

  it('transcription failure → …transcription.failed, not error', async () => {
    const c = await connect({ dialect });
    c.server.scriptTranscription({ fail: true });
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: null, transcription: { model: 'whisper-1' } } },
      },
    });
    c.appendAudio(tone(200));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    expect(
      c.events.find((e) => e.type === 'conversation.item.input_audio_transcription.failed')![
        'error'
      ],
    ).toMatchObject({ code: 'audio_unintelligible' });
    expect(c.types()).not.toContain('error');
  });

  it('server VAD: speech_started/stopped in audio time (prefix padding, silence), committed, item, response', async () => {
    const c = await connect({ dialect });
    c.server.scriptTranscription('hello');
    // 1 s of silence, 500 ms of speech, 400 ms of silence, sent in one frame (audio time, not clock time)
    const pcm = new Int16Array(24 * 1900);
    pcm.set(tone(500), 24 * 1000);
    c.appendAudio(pcm);
    await c.flush();
    const started = c.events.find((e) => e.type === 'input_audio_buffer.speech_started')!;
    const stopped = c.events.find((e) => e.type === 'input_audio_buffer.speech_stopped')!;
    expect(started['audio_start_ms']).toBe(1000 - 300);
    expect(stopped['audio_end_ms']).toBe(1500 + 200);
    expect(stopped['item_id']).toBe(started['item_id']);
    expect(c.events.find((e) => e.type === 'input_audio_buffer.committed')!['item_id']).toBe(
      started['item_id'],
    );
    const types = c.types();
    expect(types.indexOf('input_audio_buffer.committed')).toBeLessThan(
      types.indexOf('response.created'),
    );
    const transcript = c.events.find((e) => e.type === 'response.output_audio_transcript.done')![
      'transcript'
    ];
    expect(transcript).toBe('You said: hello');
  });

  it('speech during a response interrupts it: cancelled / turn_detected, done events still sent', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ dialect, clock, pacing: { realtimeFactor: 1 } });
    c.server.queueResponse((ctx) => ctx.say('This answer is long enough to be interrupted'));
    c.send({ type: 'response.create' });
    await clock.advanceAsync(300);
    c.appendAudio(tone(100));
    await c.flush();
    const done = c.events.find((e) => e.type === 'response.done')!['response'];
    expect(done.status).toBe('cancelled');
    expect(done.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
    expect(c.types()).toContain('response.content_part.done');
    expect(c.types().indexOf('input_audio_buffer.speech_started')).toBeLessThan(
      c.types().indexOf('response.done'),
    );
  });
});

describe('input audio (limits and variants)', () => {
  it('refuses an append over 15 MiB', async () => {
    const c = await connect();
    c.send({
      type: 'input_audio_buffer.append',
      event_id: 'big',
      audio: 'A'.repeat(Math.ceil((15 * 1024 * 1024 + 3) / 3) * 4),
    });
    await c.flush();
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({
      param: 'audio',
      event_id: 'big',
    });
  });

  it('semantic VAD ends the turn after the eagerness silence; create_response false leaves it to the client', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: {
            turn_detection: { type: 'semantic_vad', eagerness: 'high', create_response: false },
          },
        },
      },
    });
    c.appendAudio(tone(200));
    c.appendAudio(silence(300));
    await c.flush();
    expect(
      c.events.find((e) => e.type === 'input_audio_buffer.speech_stopped')!['audio_end_ms'],
    ).toBe(200 + 250);
    expect(c.types()).toContain('input_audio_buffer.committed');
    expect(c.types()).not.toContain('response.created');
  });

  it('idle_timeout_ms → timeout_triggered, commit and a response, on the clock', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock });
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 6000 } } },
      },
    });
    c.send({ type: 'response.create' });
    await c.flush();
    c.appendAudio(silence(100));
    await clock.advanceAsync(5999);
    expect(c.types()).not.toContain('input_audio_buffer.timeout_triggered');
    await clock.advanceAsync(1);
    await c.flush();
    const t = c.events.find((e) => e.type === 'input_audio_buffer.timeout_triggered')!;
    expect(t).toMatchObject({ audio_start_ms: 0, audio_end_ms: 100 });
    expect(c.types().filter((x) => x === 'response.created')).toHaveLength(2);
  });

  it.each([
    ['turn detection off', null],
    ['idle_timeout_ms cleared', { type: 'server_vad', idle_timeout_ms: null }],
  ])(
    'an idle timer armed before a session.update (%s) does not fire after it',
    async (_name, turnDetection) => {
      const clock = new SimulatedClock();
      const c = await connect({ clock });
      c.send({
        type: 'session.update',
        session: {
          type: 'realtime',
          audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 6000 } } },
        },
      });
      c.send({ type: 'response.create' });
      await c.flush();
      // e.g. a switch to push-to-talk once the first answer is done
      c.send({
        type: 'session.update',
        session: { type: 'realtime', audio: { input: { turn_detection: turnDetection } } },
      });
      c.appendAudio(silence(200));
      await clock.advanceAsync(10_000);
      await c.flush();
      expect(c.types()).toContain('session.updated');
      expect(c.types()).not.toContain('input_audio_buffer.timeout_triggered');
      expect(c.types()).not.toContain('input_audio_buffer.committed');
      expect(c.types().filter((x) => x === 'response.created')).toHaveLength(1);
    },
  );

  it('G.711 µ-law input drives the VAD at 8 kHz with the same timings', async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' } } } },
    });
    // µ-law: 0xFF is silence; alternating 0x80/0x00 is loud
    const bytes = new Uint8Array(8 * 1200).fill(0xff);
    for (let i = 8 * 500; i < 8 * 800; i++) bytes[i] = i % 2 ? 0x80 : 0x00;
    c.send({ type: 'input_audio_buffer.append', audio: Buffer.from(bytes).toString('base64') });
    await c.flush();
    expect(
      c.events.find((e) => e.type === 'input_audio_buffer.speech_started')!['audio_start_ms'],
    ).toBe(200);
    expect(
      c.events.find((e) => e.type === 'input_audio_buffer.speech_stopped')!['audio_end_ms'],
    ).toBe(1000);
  });

  it('with transcriptionDelayMs the response can finish before the transcription (as on the real server)', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock, transcriptionDelayMs: 1400 });
    c.server.scriptTranscription('late words');
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } },
      },
    });
    c.appendAudio(tone(300));
    c.appendAudio(silence(300));
    await c.flush();
    expect(c.types()).toContain('response.done');
    expect(c.types()).not.toContain('conversation.item.input_audio_transcription.completed');
    await clock.advanceAsync(1400);
    await c.flush();
    expect(c.types().at(-1)).toBe('conversation.item.input_audio_transcription.completed');
  });

  it('a transcription session (session.type "transcription") commits turns but never responds', async () => {
    const c = await connectTranscription();
    c.server.scriptTranscription('just transcribe me');
    c.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } },
      },
    });
    c.appendAudio(tone(300));
    c.appendAudio(silence(300));
    c.send({ type: 'response.create', event_id: 'r' });
    await c.flush();
    expect(c.types()).toContain('conversation.item.input_audio_transcription.completed');
    expect(c.types()).not.toContain('response.created');
    expect(c.events.find((e) => e.type === 'error')!['error']).toMatchObject({ event_id: 'r' });
  });
});

describe('recordAudioAppends: false (soak tests)', () => {
  it('keeps appends out of clientEvents but still hears them: the commit makes an item', async () => {
    const c = await connect({ recordAudioAppends: false });
    c.send(noVad);
    c.appendAudio(tone(300));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.flush();
    expect(c.server.clientEvents.map((e) => e['type'])).toEqual([
      'session.update',
      'input_audio_buffer.commit',
    ]);
    expect(c.server.current!.clientEvents.map((e) => e['type'])).toEqual([
      'session.update',
      'input_audio_buffer.commit',
    ]);
    expect(c.types()).toContain('input_audio_buffer.committed');
  });

  it('records appends by default', async () => {
    const c = await connect();
    c.appendAudio(silence(100));
    await c.flush();
    expect(c.server.clientEvents.map((e) => e['type'])).toEqual(['input_audio_buffer.append']);
  });
});
