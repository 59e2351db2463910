/**
 * Wire constants: audio parameters, defaults (the seed's and the GA server's), close codes,
 * subprotocols and paths. `as const` objects rather than enums, so they erase cleanly.
 * @module
 */

/** PCM16 sample rate of the Realtime API, in Hz. Only 24 kHz is accepted for `audio/pcm`. */
export const SAMPLE_RATE = 24_000;
/** Channels of Realtime audio (mono). */
export const NUM_CHANNELS = 1;
/** Sample rate of G.711 µ-law / A-law audio, in Hz. */
export const G711_SAMPLE_RATE = 8_000;
/** The seed's input frame size in samples: 100 ms at 24 kHz. */
export const IN_FRAME_SIZE = 2_400;
/** The seed's output frame size in samples: 50 ms at 24 kHz. */
export const OUT_FRAME_SIZE = 1_200;
/** Largest decoded payload of one `input_audio_buffer.append`: 15 MiB. */
export const MAX_APPEND_BYTES = 15 * 1024 * 1024;
/** Smallest buffer the server will commit, in ms of audio. */
export const MIN_COMMIT_MS = 100;
/** Longest client `event_id` the GA server accepts. */
export const MAX_EVENT_ID_LENGTH = 512;

/** Audio formats by their beta (flat string) names. */
export const BETA_AUDIO_FORMATS = ['pcm16', 'g711_ulaw', 'g711_alaw'] as const;
/** A beta audio format name. */
export type BetaAudioFormatName = (typeof BETA_AUDIO_FORMATS)[number];
/** Audio formats by their GA `type` names. */
export const GA_AUDIO_FORMAT_TYPES = ['audio/pcm', 'audio/pcmu', 'audio/pcma'] as const;
/** A GA audio format type. */
export type GaAudioFormatType = (typeof GA_AUDIO_FORMAT_TYPES)[number];
/** Beta ↔ GA audio format names. */
export const AUDIO_FORMAT_BETA_TO_GA = {
  pcm16: 'audio/pcm',
  g711_ulaw: 'audio/pcmu',
  g711_alaw: 'audio/pcma',
} as const satisfies Record<BetaAudioFormatName, GaAudioFormatType>;
/** GA ↔ beta audio format names. */
export const AUDIO_FORMAT_GA_TO_BETA = {
  'audio/pcm': 'pcm16',
  'audio/pcmu': 'g711_ulaw',
  'audio/pcma': 'g711_alaw',
} as const satisfies Record<GaAudioFormatType, BetaAudioFormatName>;

/** Voices known to exist. An open enum: any string (or a GA custom voice `{id}`) is accepted. */
export const KNOWN_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;
/** A voice name: a known one, or any other string the server may accept. */
export type Voice = (typeof KNOWN_VOICES)[number] | (string & {});

/** Realtime models known to exist. An open enum. */
export const KNOWN_MODELS = [
  'gpt-realtime',
  'gpt-realtime-2025-08-28',
  'gpt-realtime-mini',
  'gpt-realtime-mini-2025-10-06',
  'gpt-realtime-mini-2025-12-15',
  'gpt-realtime-1.5',
  // the dated name Azure deploys (protocol.md §5, Foundry doc)
  'gpt-realtime-1.5-2026-02-23',
  'gpt-realtime-2',
  'gpt-realtime-2.1',
  'gpt-realtime-2.1-mini',
  // audio models the GA session takes too (RealtimeSessionCreateRequest.model)
  'gpt-audio-1.5',
  'gpt-audio-mini',
  'gpt-audio-mini-2025-10-06',
  'gpt-audio-mini-2025-12-15',
  'gpt-4o-realtime-preview',
  'gpt-4o-realtime-preview-2024-10-01',
  'gpt-4o-realtime-preview-2024-12-17',
  'gpt-4o-realtime-preview-2025-06-03',
  'gpt-4o-mini-realtime-preview',
  'gpt-4o-mini-realtime-preview-2024-12-17',
] as const;
/** A model name: a known one, or any other string. */
export type RealtimeModelName = (typeof KNOWN_MODELS)[number] | (string & {});

/** Input transcription models known to exist. An open enum. */
export const KNOWN_TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe-diarize',
  'gpt-transcribe',
  'gpt-live-transcribe',
  'gpt-realtime-whisper',
] as const;
/** A transcription model name. */
export type TranscriptionModelName = (typeof KNOWN_TRANSCRIPTION_MODELS)[number] | (string & {});

/**
 * The seed's defaults (livekit-plugins-openai 0.10.12, written against the beta interface).
 * Kept verbatim for users porting from LiveKit; `GA_DEFAULTS` holds what the GA server uses.
 */
export const SEED_DEFAULTS = {
  model: 'gpt-4o-realtime-preview',
  voice: 'alloy',
  instructions: '',
  modalities: ['text', 'audio'],
  inputAudioFormat: 'pcm16',
  outputAudioFormat: 'pcm16',
  temperature: 0.8,
  maxResponseOutputTokens: 'inf',
  toolChoice: 'auto',
  serverVad: { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 },
  inputAudioTranscription: { model: 'whisper-1' },
} as const;

/**
 * What the GA server assigns (as echoed in real `session.created` frames, protocol.md §4.11),
 * except `transcriptionModel`: the server transcribes nothing until asked (`transcription:
 * null`); it is the model to ask for when none is named.
 */
export const GA_DEFAULTS = {
  model: 'gpt-realtime',
  voice: 'alloy',
  outputModalities: ['audio'],
  audioFormat: { type: 'audio/pcm', rate: SAMPLE_RATE },
  maxOutputTokens: 'inf',
  toolChoice: 'auto',
  truncation: 'auto',
  speed: 1,
  serverVad: {
    type: 'server_vad',
    threshold: 0.5,
    prefixPaddingMs: 300,
    silenceDurationMs: 200,
    createResponse: true,
    interruptResponse: true,
  },
  semanticVad: {
    type: 'semantic_vad',
    eagerness: 'auto',
    createResponse: true,
    interruptResponse: true,
  },
  transcriptionModel: 'gpt-4o-mini-transcribe',
} as const;

/** WebSocket close codes the Realtime API and this library use. */
export const CloseCode = {
  /** Normal closure. */
  Normal: 1000,
  /** Going away: the server sends it when the session hits its maximum duration. */
  GoingAway: 1001,
  /** No status received (a close frame without a code). */
  NoStatus: 1005,
  /** Abnormal closure: the connection dropped without a close frame. */
  Abnormal: 1006,
  /** Internal server error. */
  InternalError: 1011,
  /** Service restart. */
  ServiceRestart: 1012,
  /** Try again later. */
  TryAgainLater: 1013,
  /** Authentication failed (bad or missing key). Fatal: never retry. */
  AuthFailed: 3000,
  /** Bad request shape (bad model, missing model, beta shape disabled). Fatal: never retry. */
  BadRequest: 4000,
} as const;
/** A close code from `CloseCode`. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting cannot help. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.AuthFailed,
  CloseCode.BadRequest,
]);

/** Server error codes after which reconnecting cannot help (livekit #6352, protocol.md §7.10). */
export const FATAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_api_key',
  'insufficient_quota',
  'account_deactivated',
  'billing_hard_limit_reached',
  'invalid_model',
  'missing_model',
  'beta_api_shape_disabled',
  'model_not_found',
]);

/** WebSocket subprotocols (browsers cannot set headers, so auth rides on subprotocols). */
export const Subprotocol = {
  /** Always offered. */
  Realtime: 'realtime',
  /** Prefix for a key in the subprotocol list: `openai-insecure-api-key.<key>`. */
  InsecureApiKeyPrefix: 'openai-insecure-api-key.',
  /** Prefix for an organization: `openai-organization.<id>`. */
  OrganizationPrefix: 'openai-organization.',
  /** Prefix for a project: `openai-project.<id>`. */
  ProjectPrefix: 'openai-project.',
  /** Selects the beta dialect from a browser. */
  Beta: 'openai-beta.realtime-v1',
} as const;

/** The header that selects the beta dialect on servers that still speak it. */
export const BETA_HEADER = { name: 'OpenAI-Beta', value: 'realtime=v1' } as const;

/** Endpoints and paths. */
export const Endpoints = {
  /** OpenAI's REST base; the WebSocket base is derived from it (https → wss). */
  openaiBaseUrl: 'https://api.openai.com/v1',
  /** Path of the realtime WebSocket below a base URL. */
  realtimePath: '/realtime',
  /** GA ephemeral client-secret minting, below the base URL. */
  clientSecretsPath: '/realtime/client_secrets',
  /**
   * Realtime calls, below the base URL: `POST` creates a WebRTC call (the SDP offer, answered
   * with 201 and the call's `Location`); `/{call_id}/accept|reject|refer|hangup` control a SIP or
   * WebRTC call (protocol.md §5.1; https://platform.openai.com/docs/guides/realtime-sip).
   */
  callsPath: '/realtime/calls',
  /** Azure GA path below the resource endpoint. */
  azureGaPath: '/openai/v1/realtime',
  /** Azure preview (beta dialect) path below the resource endpoint. */
  azurePreviewPath: '/openai/realtime',
  /** Azure GA client secrets. */
  azureClientSecretsPath: '/openai/v1/realtime/client_secrets',
} as const;

/** Maximum session durations the providers enforce, in ms. */
export const MAX_SESSION_DURATION_MS = {
  openai: 60 * 60_000,
  azure: 30 * 60_000,
} as const;
