/**
 * Field by field, the GA-model client events the engine sends, encoded to beta (what an Azure
 * preview user's server receives) and decoded back (GA → beta → GA loses nothing where beta has
 * a form); and the beta server events decoded to the GA model.
 */
import { describe, expect, it } from 'vitest';
import { betaCodec, type ClientEvent, type ServerEvent } from '../src/index.js';

type Json = Record<string, any>;
const encode = (event: ClientEvent): Json => JSON.parse(betaCodec.encodeClientEvent(event)) as Json;
const roundTrip = (event: ClientEvent): unknown => {
  const result = betaCodec.decodeClientEvent(betaCodec.encodeClientEvent(event));
  if (result.kind !== 'event') throw new Error(JSON.stringify(result));
  return result.event;
};
const decode = (frame: Json): ServerEvent => {
  const result = betaCodec.decodeServerEvent(JSON.stringify(frame));
  if (result.kind !== 'event') throw new Error(JSON.stringify(result));
  return result.event;
};

/** [what, GA realtime session fields, the beta session fields they become] */
const SESSION_FIELDS: readonly (readonly [string, Json, Json])[] = [
  ['instructions', { instructions: 'Be brief.' }, { instructions: 'Be brief.' }],
  ['text output', { output_modalities: ['text'] }, { modalities: ['text'] }],
  ['audio output', { output_modalities: ['audio'] }, { modalities: ['text', 'audio'] }],
  [
    'PCM input',
    { audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } } },
    { input_audio_format: 'pcm16' },
  ],
  [
    'G.711 µ-law in, A-law out',
    {
      audio: {
        input: { format: { type: 'audio/pcmu' } },
        output: { format: { type: 'audio/pcma' } },
      },
    },
    { input_audio_format: 'g711_ulaw', output_audio_format: 'g711_alaw' },
  ],
  [
    'transcription with language and prompt',
    {
      audio: {
        input: { transcription: { model: 'whisper-1', language: 'de', prompt: 'Namen: Jörg' } },
      },
    },
    { input_audio_transcription: { model: 'whisper-1', language: 'de', prompt: 'Namen: Jörg' } },
  ],
  [
    'transcription off',
    { audio: { input: { transcription: null } } },
    { input_audio_transcription: null },
  ],
  [
    'noise reduction',
    { audio: { input: { noise_reduction: { type: 'far_field' } } } },
    { input_audio_noise_reduction: { type: 'far_field' } },
  ],
  [
    'noise reduction off',
    { audio: { input: { noise_reduction: null } } },
    { input_audio_noise_reduction: null },
  ],
  [
    'server VAD with every field',
    {
      audio: {
        input: {
          turn_detection: {
            type: 'server_vad',
            threshold: 0.6,
            prefix_padding_ms: 200,
            silence_duration_ms: 400,
            idle_timeout_ms: 6000,
            create_response: false,
            interrupt_response: false,
          },
        },
      },
    },
    {
      turn_detection: {
        type: 'server_vad',
        threshold: 0.6,
        prefix_padding_ms: 200,
        silence_duration_ms: 400,
        idle_timeout_ms: 6000,
        create_response: false,
        interrupt_response: false,
      },
    },
  ],
  [
    'semantic VAD with every field',
    {
      audio: {
        input: {
          turn_detection: {
            type: 'semantic_vad',
            eagerness: 'low',
            create_response: true,
            interrupt_response: false,
          },
        },
      },
    },
    {
      turn_detection: {
        type: 'semantic_vad',
        eagerness: 'low',
        create_response: true,
        interrupt_response: false,
      },
    },
  ],
  ['turn detection off', { audio: { input: { turn_detection: null } } }, { turn_detection: null }],
  ['voice', { audio: { output: { voice: 'coral' } } }, { voice: 'coral' }],
  ['speed', { audio: { output: { speed: 1.25 } } }, { speed: 1.25 }],
  [
    'function tools',
    { tools: [{ type: 'function', name: 'f', description: 'd', parameters: { type: 'object' } }] },
    { tools: [{ type: 'function', name: 'f', description: 'd', parameters: { type: 'object' } }] },
  ],
  ['tool choice mode', { tool_choice: 'required' }, { tool_choice: 'required' }],
  [
    'tool choice function',
    { tool_choice: { type: 'function', name: 'f' } },
    { tool_choice: { type: 'function', name: 'f' } },
  ],
  ['temperature', { temperature: 0.9 }, { temperature: 0.9 }],
  ['token limit', { max_output_tokens: 512 }, { max_response_output_tokens: 512 }],
  ['no token limit', { max_output_tokens: 'inf' }, { max_response_output_tokens: 'inf' }],
];

describe('session.update, field by field, GA model → beta', () => {
  it.each(SESSION_FIELDS)('%s', (_what, ga, beta) => {
    const event = { type: 'session.update', session: { type: 'realtime', ...ga } } as ClientEvent;
    expect(encode(event)).toEqual({ type: 'session.update', session: beta });
    expect(roundTrip(event)).toEqual(event);
  });
});

/** [what, GA response.create parameters, the beta parameters they become] */
const RESPONSE_FIELDS: readonly (readonly [string, Json, Json])[] = [
  ['instructions', { instructions: 'In French.' }, { instructions: 'In French.' }],
  ['text only', { output_modalities: ['text'] }, { modalities: ['text'] }],
  ['audio', { output_modalities: ['audio'] }, { modalities: ['text', 'audio'] }],
  [
    'voice and format',
    { audio: { output: { voice: 'ash', format: { type: 'audio/pcmu' } } } },
    { voice: 'ash', output_audio_format: 'g711_ulaw' },
  ],
  [
    'tools',
    { tools: [{ type: 'function', name: 'f' }] },
    { tools: [{ type: 'function', name: 'f' }] },
  ],
  [
    'tool choice function',
    { tool_choice: { type: 'function', name: 'f' } },
    { tool_choice: { type: 'function', name: 'f' } },
  ],
  ['temperature', { temperature: 0.7 }, { temperature: 0.7 }],
  ['token limit', { max_output_tokens: 'inf' }, { max_response_output_tokens: 'inf' }],
  ['metadata', { metadata: { voxwire_request: 'r1' } }, { metadata: { voxwire_request: 'r1' } }],
  [
    'out of band, with references and items',
    {
      conversation: 'none',
      input: [
        { type: 'item_reference', id: 'item_1' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Summarise.' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'OK.' }] },
        { type: 'function_call_output', call_id: 'c1', output: '{}' },
      ],
    },
    {
      conversation: 'none',
      input: [
        { type: 'item_reference', id: 'item_1' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Summarise.' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'OK.' }] },
        { type: 'function_call_output', call_id: 'c1', output: '{}' },
      ],
    },
  ],
];

describe('response.create, field by field, GA model → beta', () => {
  it.each(RESPONSE_FIELDS)('%s', (_what, ga, beta) => {
    const event = { type: 'response.create', response: ga } as ClientEvent;
    expect(encode(event)).toEqual({ type: 'response.create', response: beta });
    expect(roundTrip(event)).toEqual(event);
  });
});

/** Client events that are the same in both dialects. */
const SHARED_CLIENT: readonly ClientEvent[] = [
  { type: 'response.create' },
  { type: 'response.cancel' },
  { type: 'response.cancel', event_id: 'e1', response_id: 'resp_1' },
  { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: 1500 },
  { type: 'conversation.item.delete', item_id: 'i' },
  { type: 'conversation.item.retrieve', item_id: 'i' },
  { type: 'input_audio_buffer.append', audio: 'AAAA' },
  { type: 'input_audio_buffer.commit' },
  { type: 'input_audio_buffer.clear' },
  { type: 'output_audio_buffer.clear' },
  {
    type: 'conversation.item.create',
    previous_item_id: 'root',
    item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'x' }] },
  },
  {
    type: 'conversation.item.create',
    item: { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
  },
];

describe('client events beta shares with GA', () => {
  it.each(SHARED_CLIENT.map((e) => [e.type, e] as const))('%s', (_type, event) => {
    expect(encode(event)).toEqual(event);
    expect(roundTrip(event)).toEqual(event);
  });
});

const ref = { event_id: 'ev', response_id: 'resp_1', item_id: 'item_1', output_index: 0 };

/** [beta server frame, what the GA model must hold] */
const SERVER: readonly (readonly [Json, Json])[] = [
  [
    { type: 'response.text.delta', ...ref, content_index: 0, delta: 'Hi' },
    { type: 'response.output_text.delta', delta: 'Hi' },
  ],
  [
    { type: 'response.text.done', ...ref, content_index: 0, text: 'Hi' },
    { type: 'response.output_text.done', text: 'Hi' },
  ],
  [
    { type: 'response.audio.delta', ...ref, content_index: 0, delta: 'AAAA' },
    { type: 'response.output_audio.delta', delta: 'AAAA' },
  ],
  [
    { type: 'response.audio.done', ...ref, content_index: 0 },
    { type: 'response.output_audio.done' },
  ],
  [
    { type: 'response.audio_transcript.delta', ...ref, content_index: 0, delta: 'Hi' },
    { type: 'response.output_audio_transcript.delta', delta: 'Hi' },
  ],
  [
    { type: 'response.audio_transcript.done', ...ref, content_index: 0, transcript: 'Hi' },
    { type: 'response.output_audio_transcript.done', transcript: 'Hi' },
  ],
  [
    {
      type: 'response.content_part.added',
      ...ref,
      content_index: 0,
      part: { type: 'audio', transcript: '' },
    },
    { part: { type: 'audio', transcript: '' } },
  ],
  [
    {
      type: 'response.done',
      event_id: 'ev',
      response: {
        id: 'resp_1',
        object: 'realtime.response',
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
        modalities: ['text', 'audio'],
        voice: 'alloy',
        output_audio_format: 'g711_ulaw',
        output: [
          {
            id: 'item_1',
            type: 'message',
            role: 'assistant',
            status: 'incomplete',
            content: [{ type: 'audio', transcript: 'Hel' }],
          },
        ],
        usage: {
          total_tokens: 30,
          input_tokens: 20,
          output_tokens: 10,
          input_token_details: { cached_tokens: 0, text_tokens: 5, audio_tokens: 15 },
          output_token_details: { text_tokens: 3, audio_tokens: 7 },
        },
      },
    },
    {
      response: {
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
        output_modalities: ['audio'],
        audio: { output: { voice: 'alloy', format: { type: 'audio/pcmu' } } },
        output: [{ content: [{ type: 'output_audio', transcript: 'Hel' }] }],
        usage: { total_tokens: 30, output_token_details: { audio_tokens: 7 } },
      },
    },
  ],
  [
    {
      type: 'response.done',
      event_id: 'ev',
      response: {
        id: 'resp_2',
        status: 'failed',
        status_details: { type: 'failed', error: { type: 'server_error', code: 'overloaded' } },
        output: [],
      },
    },
    { response: { status_details: { error: { code: 'overloaded' } } } },
  ],
  [
    {
      type: 'error',
      event_id: 'ev',
      error: {
        type: 'invalid_request_error',
        code: 'unknown_parameter',
        message: "Unknown parameter: 'session.type'.",
        param: 'session.type',
        event_id: 'client_1',
      },
    },
    { error: { code: 'unknown_parameter', param: 'session.type', event_id: 'client_1' } },
  ],
  [
    {
      type: 'rate_limits.updated',
      event_id: 'ev',
      rate_limits: [
        { name: 'requests', limit: 100, remaining: 99, reset_seconds: 1 },
        { name: 'tokens', limit: 40000, remaining: 38490, reset_seconds: 2.265 },
      ],
    },
    { rate_limits: [{ name: 'requests' }, { name: 'tokens', reset_seconds: 2.265 }] },
  ],
  [
    {
      type: 'conversation.item.input_audio_transcription.delta',
      event_id: 'ev',
      item_id: 'item_1',
      content_index: 0,
      delta: 'Hal',
      logprobs: [{ token: 'Hal', logprob: -0.2, bytes: [72, 97, 108] }],
    },
    { delta: 'Hal', logprobs: [{ token: 'Hal', logprob: -0.2, bytes: [72, 97, 108] }] },
  ],
  [
    {
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: 'ev',
      item_id: 'item_1',
      content_index: 0,
      transcript: 'Hallo',
      usage: { type: 'duration', seconds: 1.2 },
    },
    { transcript: 'Hallo', usage: { type: 'duration', seconds: 1.2 } },
  ],
  [
    {
      type: 'conversation.item.input_audio_transcription.failed',
      event_id: 'ev',
      item_id: 'item_1',
      content_index: 0,
      error: {
        type: 'transcription_error',
        code: 'audio_unintelligible',
        message: 'm',
        param: null,
      },
    },
    { error: { code: 'audio_unintelligible' } },
  ],
  [
    {
      type: 'session.updated',
      event_id: 'ev',
      session: {
        id: 'sess_1',
        object: 'realtime.session',
        modalities: ['audio', 'text'],
        voice: 'alloy',
        speed: 1.1,
        input_audio_format: 'g711_alaw',
        output_audio_format: 'pcm16',
        input_audio_transcription: { model: 'whisper-1', language: 'en', prompt: '' },
        input_audio_noise_reduction: { type: 'near_field' },
        turn_detection: { type: 'semantic_vad', eagerness: 'high', create_response: true },
        tools: [{ type: 'function', name: 'f' }],
        tool_choice: { type: 'function', name: 'f' },
        temperature: 0.8,
        max_response_output_tokens: 'inf',
      },
    },
    {
      session: {
        type: 'realtime',
        output_modalities: ['audio'],
        temperature: 0.8,
        tools: [{ type: 'function', name: 'f' }],
        tool_choice: { type: 'function', name: 'f' },
        max_output_tokens: 'inf',
        audio: {
          input: {
            format: { type: 'audio/pcma' },
            transcription: { model: 'whisper-1', language: 'en', prompt: '' },
            noise_reduction: { type: 'near_field' },
            turn_detection: { type: 'semantic_vad', eagerness: 'high', create_response: true },
          },
          output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1.1 },
        },
      },
    },
  ],
];

describe('beta server events decoded to the GA model', () => {
  it.each(SERVER.map(([beta, ga]) => [beta.type as string, beta, ga] as const))(
    '%s',
    (_type, beta, ga) => {
      const event = decode(beta);
      expect(event).toMatchObject(ga);
      // nothing beta names survives next to its GA name
      const json = JSON.stringify(event);
      for (const betaOnly of [
        '"modalities"',
        '"output_audio_format"',
        '"max_response_output_tokens"',
      ])
        expect(json).not.toContain(betaOnly);
    },
  );
});
