import { describe, expect, it } from 'vitest';
import {
  ProtocolEncodeError,
  betaCodec,
  gaCodec,
  type ClientEvent,
  type ServerEvent,
} from '../src/index.js';

const decodeBeta = (frame: object): ServerEvent => {
  const result = betaCodec.decodeServerEvent(JSON.stringify(frame));
  if (result.kind !== 'event') throw new Error(JSON.stringify(result));
  return result.event;
};
const encodeBeta = (event: ClientEvent) =>
  JSON.parse(betaCodec.encodeClientEvent(event)) as Record<string, any>;
const encodeGa = (event: ClientEvent) =>
  JSON.parse(gaCodec.encodeClientEvent(event)) as Record<string, any>;

describe('beta → GA value mappings', () => {
  it('maps modalities: any audio → ["audio"], text only → ["text"]', () => {
    for (const [beta, ga] of [
      [['text', 'audio'], ['audio']],
      [['audio', 'text'], ['audio']],
      [['audio'], ['audio']],
      [['text'], ['text']],
    ] as const) {
      const e = decodeBeta({
        type: 'session.updated',
        event_id: 'e',
        session: { modalities: beta },
      });
      expect(
        e.type === 'session.updated' &&
          e.session.type === 'realtime' &&
          e.session.output_modalities,
      ).toEqual(ga);
    }
  });

  it('nests formats, voice, speed, transcription, noise reduction and turn detection', () => {
    const e = decodeBeta({
      type: 'session.created',
      event_id: 'e',
      session: {
        input_audio_format: 'g711_ulaw',
        output_audio_format: 'g711_alaw',
        voice: 'ash',
        speed: 1.2,
        input_audio_transcription: { model: 'whisper-1' },
        input_audio_noise_reduction: null,
        turn_detection: { threshold: 0.4 },
        max_response_output_tokens: 1024,
        temperature: 0.9,
      },
    });
    expect(e).toMatchObject({
      session: {
        type: 'realtime',
        audio: {
          input: {
            format: { type: 'audio/pcmu' },
            transcription: { model: 'whisper-1' },
            noise_reduction: null,
            // beta omits the type of server VAD; GA requires it
            turn_detection: { type: 'server_vad', threshold: 0.4 },
          },
          output: { format: { type: 'audio/pcma' }, voice: 'ash', speed: 1.2 },
        },
        max_output_tokens: 1024,
        temperature: 0.9,
      },
    });
  });

  it('drops server-VAD fields from a semantic VAD (GA has no such fields there)', () => {
    const e = decodeBeta({
      type: 'session.updated',
      event_id: 'e',
      session: {
        turn_detection: {
          type: 'semantic_vad',
          eagerness: 'low',
          threshold: 0.5,
          silence_duration_ms: 300,
        },
      },
    });
    expect(e.type === 'session.updated' && e.session.audio?.input?.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
    });
  });

  it('maps beta tool choices: modes stay, names and both function objects become {type, name}', () => {
    const choice = (tool_choice: unknown) => {
      const e = decodeBeta({ type: 'session.updated', event_id: 'e', session: { tool_choice } });
      return e.type === 'session.updated' && e.session.type === 'realtime'
        ? e.session.tool_choice
        : undefined;
    };
    expect(choice('required')).toBe('required');
    expect(choice('get_weather')).toEqual({ type: 'function', name: 'get_weather' });
    expect(choice({ type: 'function', function: { name: 'f' } })).toEqual({
      type: 'function',
      name: 'f',
    });
    expect(choice({ type: 'function', name: 'g' })).toEqual({ type: 'function', name: 'g' });
  });

  it('renames assistant content parts text/audio → output_text/output_audio, user text → input_text', () => {
    const e = decodeBeta({
      type: 'conversation.item.created',
      event_id: 'e',
      item: {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'audio', transcript: 'hi' },
        ],
      },
    });
    expect(e.type === 'conversation.item.created' && e.item).toMatchObject({
      content: [{ type: 'output_text' }, { type: 'output_audio' }],
    });
    const u = decodeBeta({
      type: 'conversation.item.created',
      event_id: 'e',
      item: { role: 'user', content: [{ type: 'text', text: 'x' }] },
    });
    expect(u.type === 'conversation.item.created' && u.item).toMatchObject({
      type: 'message',
      content: [{ type: 'input_text' }],
    });
  });

  it('fills GA-required strings the beta server leaves out, and reports items with no GA form', () => {
    const done = decodeBeta({
      type: 'response.function_call_arguments.done',
      event_id: 'e',
      response_id: 'r',
      item_id: 'i',
      output_index: 0,
      call_id: 'c',
      arguments: '{}',
    });
    expect(done.type === 'response.function_call_arguments.done' && done.name).toBe('');
    const bad = betaCodec.decodeServerEvent(
      JSON.stringify({ type: 'conversation.item.created', event_id: 'e', item: { id: 'x' } }),
    );
    expect(bad.kind).toBe('violation');
    if (bad.kind === 'violation') {
      expect(bad.violation.reason).toBe('schema_mismatch');
      expect(bad.violation.issues?.[0]?.path).toBe('item.type');
    }
  });

  it('maps transcription_session.* onto session.* with a transcription session', () => {
    const e = decodeBeta({
      type: 'transcription_session.updated',
      event_id: 'e',
      session: { input_audio_format: 'pcm16', turn_detection: null },
    });
    expect(e).toMatchObject({
      type: 'session.updated',
      session: {
        type: 'transcription',
        audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: null } },
      },
    });
  });
});

describe('GA → beta value mappings (client events)', () => {
  it('flattens session.update and keeps the beta-only temperature; the GA codec drops it', () => {
    const event: ClientEvent = {
      type: 'session.update',
      session: {
        type: 'realtime',
        output_modalities: ['audio'],
        temperature: 0.7,
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
          },
          output: { voice: 'alloy' },
        },
        max_output_tokens: 'inf',
        truncation: 'auto',
        parallel_tool_calls: true,
        tool_choice: { type: 'function', name: 'f' },
      },
    };
    expect(encodeBeta(event)).toEqual({
      type: 'session.update',
      session: {
        modalities: ['text', 'audio'],
        temperature: 0.7,
        input_audio_format: 'pcm16',
        turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
        voice: 'alloy',
        max_response_output_tokens: 'inf',
        tool_choice: { type: 'function', name: 'f' },
      },
    });
    const ga = encodeGa(event);
    expect(ga.session.temperature).toBeUndefined();
    expect(ga.session.type).toBe('realtime');
  });

  it.each([
    ['auto', 'auto'],
    ['none', 'none'],
    ['required', 'required'],
    // the form the beta server asks for: it answers the Chat Completions form
    // `{type:'function', function:{name}}` with "Missing required parameter:
    // 'session.tool_choice.name'" (Azure-Samples/aoai-realtime-audio-sdk#132), and OpenAI's
    // beta reference client sent `{type:'function', name}` (openai-realtime-api-beta#74)
    [
      { type: 'function', name: 'get_weather' },
      { type: 'function', name: 'get_weather' },
    ],
  ] as const)(
    'sends tool choice %j to beta as %j, in session.update and response.create',
    (ga, beta) => {
      const session = encodeBeta({
        type: 'session.update',
        session: { type: 'realtime', tool_choice: ga },
      });
      expect(session.session.tool_choice).toEqual(beta);
      const response = encodeBeta({ type: 'response.create', response: { tool_choice: ga } });
      expect(response.response.tool_choice).toEqual(beta);
    },
  );

  it('drops GA-only transcription fields and sends transcription sessions as transcription_session.update', () => {
    const beta = encodeBeta({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: {
          input: {
            transcription: {
              model: 'gpt-4o-transcribe',
              language: 'de',
              languages: ['de'],
              delay: 'low',
            },
          },
        },
      },
    });
    expect(beta).toEqual({
      type: 'transcription_session.update',
      session: { input_audio_transcription: { model: 'gpt-4o-transcribe', language: 'de' } },
    });
  });

  it('maps response.create parameters and drops reasoning/prompt/parallel_tool_calls', () => {
    const beta = encodeBeta({
      type: 'response.create',
      response: {
        output_modalities: ['text'],
        audio: { output: { voice: 'sage', format: { type: 'audio/pcmu' } } },
        max_output_tokens: 200,
        temperature: 0.6,
        reasoning: { effort: 'low' },
        parallel_tool_calls: false,
        prompt: null,
        input: [
          { type: 'item_reference', id: 'item_1' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
        ],
      },
    });
    expect(beta.response).toEqual({
      modalities: ['text'],
      voice: 'sage',
      output_audio_format: 'g711_ulaw',
      max_response_output_tokens: 200,
      temperature: 0.6,
      input: [
        { type: 'item_reference', id: 'item_1' },
        { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
      ],
    });
    expect(encodeGa({ type: 'response.create', response: { temperature: 0.6 } })).toEqual({
      type: 'response.create',
      response: {},
    });
  });

  it('throws a typed error naming the path for values beta cannot express', () => {
    const cases: [ClientEvent, string][] = [
      [
        {
          type: 'session.update',
          session: { type: 'realtime', audio: { output: { voice: { id: 'voice_1' } } } },
        },
        'session.audio.output.voice',
      ],
      [
        {
          type: 'session.update',
          session: { type: 'realtime', tools: [{ type: 'mcp', server_label: 's' }] },
        },
        'session.tools.0',
      ],
      [
        { type: 'response.create', response: { tool_choice: { type: 'mcp', server_label: 's' } } },
        'response.tool_choice',
      ],
    ];
    for (const [event, path] of cases) {
      let error: unknown;
      try {
        betaCodec.encodeClientEvent(event);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProtocolEncodeError);
      expect((error as ProtocolEncodeError).code).toBe('PROTOCOL_ENCODE');
      expect((error as ProtocolEncodeError).issues[0]?.path).toBe(path);
    }
  });

  it('reports malformed events that skipped validation as ProtocolEncodeError, not TypeError', () => {
    const malformed = { type: 'conversation.item.create' } as unknown as ClientEvent;
    expect(() => betaCodec.encodeClientEvent(malformed, { validate: false })).toThrow(
      ProtocolEncodeError,
    );
    expect(() =>
      betaCodec.encodeServerEvent({ type: 'response.done' } as unknown as ServerEvent),
    ).toThrow(/cannot be mapped to beta/);
  });
});
