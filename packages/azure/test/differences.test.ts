import { describe, expect, it } from 'vitest';
import { azureFrameRewriter } from '../src/index.js';

const ga = azureFrameRewriter({ dialect: 'ga', transcriptionDeployment: 'my-whisper' });
const beta = azureFrameRewriter({ dialect: 'beta', transcriptionDeployment: 'my-whisper' });
const parse = (frame: string) => JSON.parse(frame) as Record<string, any>;

describe('Azure differences (protocol.md §5.2), applied to outbound frames', () => {
  it('1. preview: drops session.type and session.tracing, widens audio-only modalities', () => {
    const out = parse(
      beta(
        JSON.stringify({
          type: 'session.update',
          session: { type: 'realtime', tracing: 'auto', modalities: ['audio'], voice: 'alloy' },
        }),
      ),
    );
    expect(out).toEqual({
      type: 'session.update',
      session: { modalities: ['text', 'audio'], voice: 'alloy' },
    });
    const response = parse(
      beta(JSON.stringify({ type: 'response.create', response: { modalities: ['audio'] } })),
    );
    expect(response).toEqual({
      type: 'response.create',
      response: { modalities: ['text', 'audio'] },
    });
  });

  it('2. GA: response.create goes without output_modalities (bare when nothing else is left)', () => {
    expect(
      parse(
        ga(
          JSON.stringify({
            type: 'response.create',
            event_id: 'e1',
            response: { output_modalities: ['audio'] },
          }),
        ),
      ),
    ).toEqual({
      type: 'response.create',
      event_id: 'e1',
    });
    expect(
      parse(
        ga(
          JSON.stringify({
            type: 'response.create',
            response: { output_modalities: ['text'], instructions: 'Hi' },
          }),
        ),
      ),
    ).toEqual({
      type: 'response.create',
      response: { instructions: 'Hi' },
    });
  });

  it('3. a null output-token limit is sent as "inf" in both dialects', () => {
    expect(
      parse(
        ga(
          JSON.stringify({
            type: 'session.update',
            session: { type: 'realtime', max_output_tokens: null },
          }),
        ),
      ).session.max_output_tokens,
    ).toBe('inf');
    expect(
      parse(ga(JSON.stringify({ type: 'response.create', response: { max_output_tokens: null } })))
        .response.max_output_tokens,
    ).toBe('inf');
    expect(
      parse(
        beta(
          JSON.stringify({ type: 'session.update', session: { max_response_output_tokens: null } }),
        ),
      ).session.max_response_output_tokens,
    ).toBe('inf');
    expect(
      parse(
        beta(
          JSON.stringify({
            type: 'response.create',
            response: { max_response_output_tokens: null },
          }),
        ),
      ).response.max_response_output_tokens,
    ).toBe('inf');
    // an integer limit is left alone
    expect(
      parse(ga(JSON.stringify({ type: 'session.update', session: { max_output_tokens: 200 } })))
        .session.max_output_tokens,
    ).toBe(200);
  });

  it('4. the transcription model becomes the transcription deployment name', () => {
    const gaOut = parse(
      ga(
        JSON.stringify({
          type: 'session.update',
          session: {
            type: 'realtime',
            audio: { input: { transcription: { model: 'whisper-1', language: 'en' } } },
          },
        }),
      ),
    );
    expect(gaOut.session.audio.input.transcription).toEqual({
      model: 'my-whisper',
      language: 'en',
    });
    const betaOut = parse(
      beta(
        JSON.stringify({
          type: 'session.update',
          session: { input_audio_transcription: { model: 'whisper-1' } },
        }),
      ),
    );
    expect(betaOut.session.input_audio_transcription).toEqual({ model: 'my-whisper' });
    // a transcription-only session on the preview endpoint (what the beta codec makes of a GA
    // `session.update` of type 'transcription') takes a deployment name too
    const transcriptionOut = parse(
      beta(
        JSON.stringify({
          type: 'transcription_session.update',
          event_id: 'e2',
          session: { input_audio_transcription: { model: 'gpt-4o-transcribe', language: 'de' } },
        }),
      ),
    );
    expect(transcriptionOut).toEqual({
      type: 'transcription_session.update',
      event_id: 'e2',
      session: { input_audio_transcription: { model: 'my-whisper', language: 'de' } },
    });
    // transcription switched off stays off
    const off = parse(
      ga(
        JSON.stringify({
          type: 'session.update',
          session: { audio: { input: { transcription: null } } },
        }),
      ),
    );
    expect(off.session.audio.input.transcription).toBeNull();
  });

  it('rewrites a session.update of any size (long instructions, many tools)', () => {
    // 300 k characters of instructions and tool schemas: more than one audio append ever is
    const instructions = 'Answer from this catalogue. '.repeat(11_000);
    const out = parse(
      beta(
        JSON.stringify({
          type: 'session.update',
          session: {
            instructions,
            tracing: 'auto',
            input_audio_transcription: { model: 'whisper-1' },
          },
        }),
      ),
    );
    expect(out.session.input_audio_transcription).toEqual({ model: 'my-whisper' });
    expect(out.session).not.toHaveProperty('tracing');
    expect(out.session.instructions).toBe(instructions);
    const gaOut = parse(
      ga(
        JSON.stringify({
          type: 'session.update',
          session: {
            type: 'realtime',
            instructions,
            audio: { input: { transcription: { model: 'whisper-1' } } },
          },
        }),
      ),
    );
    expect(gaOut.session.audio.input.transcription).toEqual({ model: 'my-whisper' });
  });

  it('passes audio appends of any size through untouched', () => {
    const big = JSON.stringify({
      type: 'input_audio_buffer.append',
      audio: 'A'.repeat(400_000),
    });
    expect(ga(big)).toBe(big);
    expect(beta(big)).toBe(big);
  });

  it('leaves other frames byte-identical and never throws', () => {
    const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    expect(ga(append)).toBe(append);
    const clean = JSON.stringify({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'x' },
    });
    expect(ga(clean)).toBe(clean);
    expect(ga('not json "session.update"')).toBe('not json "session.update"');
    expect(ga('["session.update"]')).toBe('["session.update"]');
    const noDeployment = azureFrameRewriter({ dialect: 'ga' });
    const withModel = JSON.stringify({
      type: 'session.update',
      session: { audio: { input: { transcription: { model: 'whisper-1' } } } },
    });
    expect(noDeployment(withModel)).toBe(withModel);
  });
});
