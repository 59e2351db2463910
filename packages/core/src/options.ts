/**
 * Session options: the seed's `RealtimeSessionOptions` in TypeScript idiom with the seed's
 * defaults, the engine options (injected connector, clock, logger, ids, limits), and the mapping
 * of session options onto the GA `session.update` body (see `toSessionUpdate` for the table).
 * @module
 */
import type {
  Clock,
  Connector,
  IdGenerator,
  Logger,
  RealtimeModelName,
  TranscriptionModelName,
  Voice,
} from '@voxwire/protocol';
import { G711_SAMPLE_RATE, SAMPLE_RATE, SEED_DEFAULTS } from '@voxwire/protocol';
import { validateSessionOptions } from './options-validate.js';
import { copyJson } from './json-copy.js';
import type { ReliabilityOptions } from './reconnect/options.js';

/** An output modality. */
export type Modality = 'text' | 'audio';

/** Audio format by the seed's (beta) names: 24 kHz PCM16, or 8 kHz G.711 µ-law / A-law. */
export type AudioFormatName = 'pcm16' | 'g711_ulaw' | 'g711_alaw';

/** The sample rate of an audio format's PCM16 frames: 24 kHz for PCM, 8 kHz for G.711. */
export function formatSampleRate(format: AudioFormatName): number {
  return format === 'pcm16' ? SAMPLE_RATE : G711_SAMPLE_RATE;
}

/** Input noise reduction for near (headset) or far (laptop, room) microphones. */
export type NoiseReductionType = 'near_field' | 'far_field';

/** Server voice activity detection (the seed's `ServerVadOptions`, plus GA fields). */
export interface ServerVadOptions {
  /** Discriminant. */
  type: 'server_vad';
  /** Activation threshold, 0–1; higher needs louder audio. @default 0.5 */
  threshold?: number | undefined;
  /** Audio kept before detected speech, in whole ms. @default 300 */
  prefixPaddingMs?: number | undefined;
  /** Silence that ends a turn, in whole ms. @default 500 (the seed's; the GA server's own default is 200) */
  silenceDurationMs?: number | undefined;
  /** Whether the server starts a response when a turn ends. @default true */
  createResponse?: boolean | undefined;
  /** Whether speech interrupts a response in progress. @default true */
  interruptResponse?: boolean | undefined;
  /** GA: commit the buffer after this much inactivity, in ms (a whole number in 5000–30000); `null` disables. @default undefined (not sent) */
  idleTimeoutMs?: number | null | undefined;
}

/** Semantic VAD: the model judges whether the user has finished. GA and late beta. */
export interface SemanticVadOptions {
  /** Discriminant. */
  type: 'semantic_vad';
  /** How eagerly the model ends a turn. @default 'auto' */
  eagerness?: 'low' | 'medium' | 'high' | 'auto' | undefined;
  /** Whether the server starts a response when a turn ends. @default true */
  createResponse?: boolean | undefined;
  /** Whether speech interrupts a response in progress. @default true */
  interruptResponse?: boolean | undefined;
}

/** Turn detection, or `null` for push-to-talk (the app commits and requests responses itself). */
export type TurnDetectionOptions = ServerVadOptions | SemanticVadOptions;

/** Input audio transcription (the seed's `InputTranscriptionOptions`). */
export interface InputTranscriptionOptions {
  /** Transcription model. @default 'whisper-1' */
  model: TranscriptionModelName;
  /** ISO-639-1 language of the input, to improve accuracy. @default undefined (not sent) */
  language?: string | undefined;
  /** Guidance text for the transcription model. @default undefined (not sent) */
  prompt?: string | undefined;
}

/** A GA custom voice, by its id (`voice_…`). Beta servers have no form for it. */
export interface CustomVoice {
  /** The custom voice's id. */
  id: string;
}

/** Which tool the model should use: the seed's `ToolChoice`. */
export type ToolChoiceOption = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

/** The seed's `DEFAULT_SERVER_VAD_OPTIONS` (threshold 0.5, padding 300 ms, silence 500 ms). */
export const DEFAULT_SERVER_VAD_OPTIONS: Readonly<ServerVadOptions> = Object.freeze({
  type: 'server_vad',
  threshold: SEED_DEFAULTS.serverVad.threshold,
  prefixPaddingMs: SEED_DEFAULTS.serverVad.prefixPaddingMs,
  silenceDurationMs: SEED_DEFAULTS.serverVad.silenceDurationMs,
  createResponse: true,
  interruptResponse: true,
});

/** The seed's `DEFAULT_INPUT_AUDIO_TRANSCRIPTION` (`whisper-1`). */
export const DEFAULT_INPUT_AUDIO_TRANSCRIPTION: Readonly<InputTranscriptionOptions> = Object.freeze(
  {
    model: SEED_DEFAULTS.inputAudioTranscription.model,
  },
);

/** The session configuration (the seed's `RealtimeSessionOptions`), fully resolved. */
export interface RealtimeSessionOptions {
  /**
   * The model. The GA equivalent of the seed's `gpt-4o-realtime-preview`. It is chosen by the
   * connector (it is part of the URL and cannot change mid-session), so it is never sent in
   * `session.update`; the server's echo reports it back.
   * @default 'gpt-realtime'
   */
  model: RealtimeModelName;
  /**
   * Output modalities. GA accepts only one: `['text']` is text only; any list with `'audio'`
   * becomes GA `['audio']`, which always carries a transcript, i.e. the seed's `['text','audio']`.
   * @default ['text', 'audio']
   */
  modalities: Modality[];
  /**
   * System instructions. An empty string keeps the server's default instructions (the ones its
   * `session.created` reported), also after other instructions replaced them; the echo then
   * reports their text.
   * @default ''
   */
  instructions: string;
  /**
   * Output voice: a voice name, or a GA custom voice `{ id }` (a beta server cannot take one: the
   * update carrying it rejects with `ENCODE_FAILED`).
   * @default 'alloy'
   */
  voice: Voice | CustomVoice;
  /** Format of appended input audio. @default 'pcm16' */
  inputAudioFormat: AudioFormatName;
  /** Format of output audio. @default 'pcm16' */
  outputAudioFormat: AudioFormatName;
  /** Transcription of input audio, or `null` for none. @default { model: 'whisper-1' } */
  inputAudioTranscription: InputTranscriptionOptions | null;
  /**
   * Turn detection, or `null` for none. An override names only the fields to change: those left
   * out keep their current value (same `type`) or that type's documented default (another type);
   * one given as `undefined` is not sent, so the server applies its own.
   * @default server VAD 0.5 / 300 ms / 500 ms
   */
  turnDetection: TurnDetectionOptions | null;
  /**
   * Tool choice. A forced one naming a function must name a tool in force, else it is refused
   * with `ToolError('UNKNOWN_TOOL_CHOICE')`, nothing sent. A forced choice is relaxed to `'auto'`
   * in the follow-up after tool outputs, so the model can answer the results.
   * @default 'auto'
   */
  toolChoice: ToolChoiceOption;
  /**
   * Sampling temperature, 0.6–1.2 (the beta API's range). GA has no such field: it is dropped
   * on GA and sent on beta.
   * @default 0.8
   */
  temperature: number;
  /** Output-token limit per response, 1–4096, or `'inf'`. @default 'inf' */
  maxResponseOutputTokens: number | 'inf';
  /** GA extra: input noise reduction; `null` turns it off. @default undefined (not sent; server default off) */
  noiseReduction?: NoiseReductionType | null | undefined;
  /** GA extra: speech speed, 0.25–1.5. @default undefined (not sent; server default 1) */
  speed?: number | undefined;
}

/**
 * Session options as the app writes them: every field optional (`undefined` keeps the default,
 * so a possibly-undefined value can be passed as it is), `null` switches a feature off, and the
 * modalities may be a readonly list.
 */
export type SessionOptionsInput = {
  [K in keyof RealtimeSessionOptions]?:
    (K extends 'modalities' ? readonly Modality[] : RealtimeSessionOptions[K]) | undefined;
};

/** How much of each audio content's output the engine keeps in `content.audio`. */
export type AudioRetention = 'none' | 'all' | { maxDurationMs: number };

/** Engine options of a `RealtimeModel`, on top of the session options (reliability: see {@link ReliabilityOptions}). */
export interface EngineOptions extends ReliabilityOptions {
  /** Gives the session a fresh transport per (re)connect. Required. */
  connector: Connector;
  /** Time. @default systemClock */
  clock?: Clock | undefined;
  /** Logging (never receives keys or audio). @default silentLogger */
  logger?: Logger | undefined;
  /** Client `event_id` and item id generator. @default createCounterIdGenerator(<random salt from clock>) */
  generateId?: IdGenerator | undefined;
  /**
   * How long item create/truncate/delete and session updates wait for the server's ack before
   * rejecting with `TIMEOUT`. Ten seconds: far above the ≈300 ms a real ack takes, and the
   * value LiveKit 1.x settled on for `response.create`.
   * @default 10000
   */
  requestTimeoutMs?: number | undefined;
  /** How long connecting (connector + transport start) may take. @default 10000 */
  connectTimeoutMs?: number | undefined;
  /**
   * Output audio kept on each content (`content.audio`). Streams always deliver every frame;
   * this is only the accumulated copy. `'none'` keeps memory flat on long sessions.
   * @default 'none'
   */
  audioRetention?: AudioRetention | undefined;
  /**
   * Finished responses kept in `session.responses` for inspection; older ones are dropped. Each
   * costs ~1.6 KiB of heap beyond its transcript (apps/bench/PROFILE.md round 8): a server holding
   * many long calls that never reads `session.responses` can keep 0. Responses in progress are
   * always there, and `response_done` and `generate()` hand over each one whatever this is. The
   * newest finished response with audio is kept apart whatever this is (not in
   * `session.responses`): the speaker plays it on after it finished, and `interrupt()` needs it.
   * @default 16
   */
  maxRetainedResponses?: number | undefined;
}

/** The seed's defaults, GA model name (see {@link RealtimeSessionOptions}). */
export function defaultSessionOptions(): RealtimeSessionOptions {
  return {
    model: 'gpt-realtime',
    modalities: [...SEED_DEFAULTS.modalities],
    instructions: SEED_DEFAULTS.instructions,
    voice: SEED_DEFAULTS.voice,
    inputAudioFormat: SEED_DEFAULTS.inputAudioFormat,
    outputAudioFormat: SEED_DEFAULTS.outputAudioFormat,
    inputAudioTranscription: { ...DEFAULT_INPUT_AUDIO_TRANSCRIPTION },
    turnDetection: { ...DEFAULT_SERVER_VAD_OPTIONS },
    toolChoice: SEED_DEFAULTS.toolChoice,
    temperature: SEED_DEFAULTS.temperature,
    maxResponseOutputTokens: SEED_DEFAULTS.maxResponseOutputTokens,
  };
}

/** A deep copy, so no two sessions share a nested object. */
export function copySessionOptions(options: RealtimeSessionOptions): RealtimeSessionOptions {
  return copyJson(options);
}

/** The documented defaults of semantic VAD (`eagerness: 'auto'`, creates and interrupts). */
export const DEFAULT_SEMANTIC_VAD_OPTIONS: Readonly<SemanticVadOptions> = Object.freeze({
  type: 'semantic_vad',
  eagerness: 'auto',
  createResponse: true,
  interruptResponse: true,
});

/**
 * A turn detection override over the current one: of the same type, the fields it names replace
 * the current ones and the rest stay; of another type, it starts from that type's documented
 * defaults. A field named with the value `undefined` is left out (the server's value applies). So the detector is always complete, and a `session.update` carries all of it: a
 * field left out would get the server's default instead (silence 200 ms, not the seed's 500),
 * and protocol.md does not say whether the server merges inside `turn_detection`.
 */
function mergeTurnDetection(
  current: TurnDetectionOptions | null,
  override: TurnDetectionOptions,
): TurnDetectionOptions {
  const base =
    current !== null && current.type === override.type
      ? current
      : override.type === 'semantic_vad'
        ? DEFAULT_SEMANTIC_VAD_OPTIONS
        : DEFAULT_SERVER_VAD_OPTIONS;
  const out: Record<string, unknown> = { ...base };
  // a field given as `undefined` is left out (the server applies its own value): Azure's
  // defaults leave `interrupt_response` out this way (protocol.md §5.2 item 6)
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out as unknown as TurnDetectionOptions;
}

/**
 * Applies every field present in `overrides` (an explicit `null` included, `undefined` skipped)
 * to a deep copy of `base`, after validating them. Unlike the seed, the transcription override
 * is applied too. A turn detection override names only the fields to change (see
 * `mergeTurnDetection`).
 */
export function mergeSessionOptions(
  base: RealtimeSessionOptions,
  overrides: SessionOptionsInput = {},
): RealtimeSessionOptions {
  validateSessionOptions(overrides);
  const out = copySessionOptions(base);
  const target = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (key === 'turnDetection' && value !== null) {
      out.turnDetection = mergeTurnDetection(
        out.turnDetection,
        copyJson(value as TurnDetectionOptions),
      );
      continue;
    }
    target[key] = typeof value === 'object' && value !== null ? copyJson(value) : value;
  }
  return out;
}
