/**
 * A transcription session is checked against RealtimeTranscriptionSessionCreateRequest (`type`,
 * `audio.input`, `include`), and an update never switches a session's type (audit F2).
 */
import { describe, expect, it } from 'vitest';
import { FakeServer } from '../src/index.js';
import { connect, connectTranscription } from './helpers.js';

describe('a transcription session', () => {
  it.each([
    ['instructions', { instructions: 'be nice' }, 'session.instructions'],
    ['output_modalities', { output_modalities: ['text'] }, 'session.output_modalities'],
    ['tools', { tools: [] }, 'session.tools'],
    ['model', { model: 'gpt-realtime' }, 'session.model'],
    ['audio.output', { audio: { output: { voice: 'alloy' } } }, 'session.audio.output'],
  ])(
    'refuses the realtime field %s with unknown_parameter and its dotted path',
    async (_f, fields, param) => {
      const c = await connectTranscription();
      const before = structuredClone(c.server.sessionConfig);
      c.sendRaw(
        JSON.stringify({
          type: 'session.update',
          event_id: 'u1',
          session: { type: 'transcription', ...fields },
        }),
      );
      await c.flush();
      expect(c.events.at(-1)!['error']).toEqual({
        type: 'invalid_request_error',
        code: 'unknown_parameter',
        message: `Unknown parameter: '${param}'.`,
        param,
        event_id: 'u1',
      });
      expect(c.server.sessionConfig).toEqual(before);
    },
  );

  it('takes its own fields and echoes a transcription session', async () => {
    const c = await connectTranscription();
    c.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: { input: { transcription: { model: 'whisper-1' }, noise_reduction: null } },
        include: ['item.input_audio_transcription.logprobs'],
      },
    });
    await c.flush();
    const session = c.events.at(-1)!['session'];
    expect(c.events.at(-1)!.type).toBe('session.updated');
    expect(session).toMatchObject({
      type: 'transcription',
      object: 'realtime.transcription_session',
      audio: { input: { transcription: { model: 'whisper-1' } } },
      include: ['item.input_audio_transcription.logprobs'],
    });
    expect(Object.keys(session).sort()).toEqual(
      ['audio', 'expires_at', 'id', 'include', 'object', 'type'].sort(),
    );
  });

  it('a mint of a transcription session refuses realtime fields too', () => {
    const server = new FakeServer();
    expect(
      server.mintClientSecret({ session: { type: 'transcription', instructions: 'x' } }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'unknown_parameter', param: 'session.instructions' } },
    });
  });
});

describe('switching session.type in session.update (undocumented: refused, assumed)', () => {
  it('realtime → transcription is invalid_value naming session.type; the session stays realtime', async () => {
    const c = await connect();
    const before = structuredClone(c.server.sessionConfig);
    c.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'u1',
        session: { type: 'transcription' },
      }),
    );
    await c.flush();
    expect(c.events.at(-1)!['error']).toEqual({
      type: 'invalid_request_error',
      code: 'invalid_value',
      message: "Invalid value: 'transcription'. Supported values are: 'realtime'.",
      param: 'session.type',
      event_id: 'u1',
    });
    expect(c.server.sessionConfig).toEqual(before);
  });

  it('transcription → realtime is refused the same way; no mixed session object', async () => {
    const c = await connectTranscription();
    const before = structuredClone(c.server.sessionConfig);
    c.sendRaw(
      JSON.stringify({ type: 'session.update', event_id: 'u2', session: { type: 'realtime' } }),
    );
    await c.flush();
    expect(c.events.at(-1)!['error']).toMatchObject({
      code: 'invalid_value',
      message: "Invalid value: 'realtime'. Supported values are: 'transcription'.",
      param: 'session.type',
    });
    expect(c.server.sessionConfig).toEqual(before);
    expect(c.types()).not.toContain('session.updated');
  });
});
