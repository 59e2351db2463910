/**
 * The playground's own wire: what the page sends to its server (validated with valibot on the
 * server, because the page is untrusted input) and what the server sends back (plain types: the
 * page trusts its own server). Microphone audio travels as binary frames of PCM16 LE mono at
 * 24 kHz, everything else as JSON text frames.
 * @module
 */
import * as v from 'valibot';

/** Server VAD parameters as the page edits them (milliseconds and a 0–1 threshold). */
export const ServerVadSettingsSchema = v.strictObject({
  type: v.literal('server_vad'),
  threshold: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  prefixPaddingMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5000)),
  silenceDurationMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000)),
});

/** How eagerly semantic VAD ends a turn (core's `SemanticVadOptions.eagerness`). */
export const EAGERNESS = ['auto', 'low', 'medium', 'high'] as const;

/** Semantic VAD as the page edits it: the model judges whether the person has finished. */
export const SemanticVadSettingsSchema = v.strictObject({
  type: v.literal('semantic_vad'),
  eagerness: v.picklist(EAGERNESS),
});

/** Input transcription models the page offers (core passes the name through; Azure swaps in its deployment). */
export const TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
] as const;

/** Input transcription: a model and, optionally, the ISO-639-1 language of the speech. */
export const TranscriptionSettingsSchema = v.strictObject({
  model: v.picklist(TRANSCRIPTION_MODELS),
  /** Lower-case ISO-639-1 code such as `en` or `fr`; absent lets the model detect it. */
  language: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z]{2}$/, 'expected a two-letter ISO-639-1 code such as "en"')),
  ),
});

/** Input noise reduction: near (headset) or far (laptop, room) microphones. */
export const NOISE_REDUCTION = ['near_field', 'far_field'] as const;

/** Session settings the page can change; every field is optional (a partial update). */
export const SettingsSchema = v.strictObject({
  voice: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  instructions: v.optional(v.pipe(v.string(), v.maxLength(20_000))),
  /** `null` turns detection off: push-to-talk, or manual commits. */
  turnDetection: v.optional(
    v.nullable(v.variant('type', [ServerVadSettingsSchema, SemanticVadSettingsSchema])),
  ),
  /** `null` turns input transcription off. */
  inputAudioTranscription: v.optional(v.nullable(TranscriptionSettingsSchema)),
  /** `null` turns noise reduction off. */
  noiseReduction: v.optional(v.nullable(v.picklist(NOISE_REDUCTION))),
  toolsEnabled: v.optional(v.boolean()),
});

/** One assistant item the page's speaker cut, and how much of it was heard. */
export const InterruptedItemSchema = v.strictObject({
  itemId: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  contentIndex: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** Milliseconds heard, as counted by the playback worklet (fractions are floored). */
  playedMs: v.pipe(v.number(), v.minValue(0), v.maxValue(3_600_000)),
});

/** Every JSON message the page may send. */
export const PageMessageSchema = v.variant('type', [
  /** Apply session settings with `session.update`. */
  v.strictObject({ type: v.literal('settings'), settings: SettingsSchema }),
  /** A typed user message; the server adds it to the conversation and asks for a response. */
  v.strictObject({
    type: v.literal('text'),
    text: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20_000)),
  }),
  /** Push-to-talk pressed: drop whatever sits in the input buffer. */
  v.strictObject({ type: v.literal('ptt_start') }),
  /** The microphone stopped (perhaps mid-turn): drop the unfinished turn from the input buffer. */
  v.strictObject({ type: v.literal('clear_input') }),
  /** Push-to-talk released, or "Send turn" pressed with turn detection off: commit the buffer and ask for a response. */
  v.strictObject({ type: v.literal('ptt_commit') }),
  /**
   * Playback was interrupted (the person spoke, pressed push-to-talk or Send turn, or typed over
   * an answer). `items`: each assistant item the page's speaker cut, with the milliseconds heard
   * (rendered by the playback worklet minus the output latency; 0 deletes the item). `cancel`:
   * also cancel the response in progress (a turn made by hand; server VAD cancels by itself).
   * The server runs it with core's `session.interrupt()` and answers a `truncated` per item cut.
   */
  v.strictObject({
    type: v.literal('interrupt'),
    cancel: v.boolean(),
    items: v.pipe(v.array(InterruptedItemSchema), v.maxLength(64)),
  }),
]);

/** Server VAD parameters as the page edits them. */
export type ServerVadSettings = v.InferOutput<typeof ServerVadSettingsSchema>;
/** Semantic VAD as the page edits it. */
export type SemanticVadSettings = v.InferOutput<typeof SemanticVadSettingsSchema>;
/** Turn detection as the page edits it; `null` is off. */
export type TurnDetectionSettings = ServerVadSettings | SemanticVadSettings;
/** Input transcription as the page edits it. */
export type TranscriptionSettings = v.InferOutput<typeof TranscriptionSettingsSchema>;
/** Input noise reduction kind. */
export type NoiseReduction = (typeof NOISE_REDUCTION)[number];
/** Session settings the page can change. */
export type Settings = v.InferOutput<typeof SettingsSchema>;
/** Settings with every field present: what a session runs with. */
export interface FullSettings {
  voice: string;
  instructions: string;
  /** `null`: no turn detection (push-to-talk or manual commits). */
  turnDetection: TurnDetectionSettings | null;
  /** `null`: no input transcription. */
  inputAudioTranscription: TranscriptionSettings | null;
  /** `null`: no noise reduction (the server's default). */
  noiseReduction: NoiseReduction | null;
  toolsEnabled: boolean;
}

/** One assistant item the page cut, and the milliseconds heard. */
export type InterruptedItem = v.InferOutput<typeof InterruptedItemSchema>;

/** One JSON message from the page. */
export type PageMessage = v.InferOutput<typeof PageMessageSchema>;

/** Which backend the server talks to. */
export type ProviderKind = 'fake' | 'openai' | 'azure';

/** What the page is told about the live provider (never a key, never a token). */
export interface ProviderInfo {
  kind: ProviderKind;
  /** Human label, e.g. "Embedded fake server (no network)". */
  label: string;
  /** Model or deployment name. */
  model: string;
}

/**
 * `GET /api/info`: the live provider, and the settings a new session starts with, so the page's
 * form shows them before Connect (a blank form read as choices the person never made).
 */
export interface ApiInfo {
  provider: ProviderInfo;
  /** The settings every new session starts with. */
  settings: FullSettings;
  /** Whether input transcription can be turned on (Azure needs a transcription deployment). */
  transcriptionAvailable: boolean;
}

/** Engine connection states as the page shows them. */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed';

/** Token counts of one response. */
export interface TokenCounts {
  input: number;
  output: number;
  total: number;
}

/** One point on a response's timeline, relative to `response.created`. */
export interface TimelineMark {
  /** Milliseconds since the response was created. */
  atMs: number;
  /** Short kind used for colour and legend: created, first_text, first_audio, tool_call, done… */
  kind: string;
}

/** Every message the server sends to the page. */
export type ServerMessage =
  | {
      type: 'hello';
      provider: ProviderInfo;
      settings: FullSettings;
      /** Whether input transcription can be turned on (Azure needs a transcription deployment). */
      transcriptionAvailable: boolean;
    }
  | { type: 'link'; state: LinkState; detail?: string }
  | {
      type: 'log';
      at: number;
      direction: 'server' | 'client' | 'app';
      eventType: string;
      summary: string;
    }
  | { type: 'speech_started'; itemId: string | null; audioStartMs: number }
  | { type: 'speech_stopped'; itemId: string | null; audioEndMs: number }
  | {
      type: 'committed';
      itemId: string;
      /** Whether a transcription of the turn will follow (input transcription is on). */
      transcribing: boolean;
    }
  | { type: 'input_cleared' }
  | { type: 'user_transcript'; itemId: string; text: string; final: boolean }
  | { type: 'user_text'; itemId: string; text: string }
  | { type: 'response_created'; responseId: string }
  | { type: 'assistant_delta'; responseId: string; itemId: string; delta: string }
  | { type: 'audio'; responseId: string; itemId: string; contentIndex: number; pcm16: string }
  | { type: 'response_done'; responseId: string; status: string; reason: string | null }
  | {
      type: 'metrics';
      responseId: string;
      status: string;
      ttftMs: number | null;
      durationMs: number;
      tokens: TokenCounts;
      timeline: TimelineMark[];
    }
  | {
      type: 'tool_call';
      responseId: string | null;
      callId: string;
      name: string;
      arguments: string;
    }
  | { type: 'tool_result'; callId: string; name: string; output: string; ok: boolean }
  | { type: 'truncated'; itemId: string; audioEndMs: number; deleted: boolean }
  | { type: 'settings_applied'; settings: FullSettings }
  /**
   * The page fell behind (it stopped reading) and has caught up: this much was not sent to it
   * meanwhile. An assistant item that lost audio plays no further.
   */
  | { type: 'backlog_dropped'; audioChunks: number; logLines: number }
  | { type: 'error'; source: 'page' | 'provider' | 'engine'; code: string; message: string };

/**
 * Close code of the page's socket when the server gave the page up for not reading its messages
 * (a frozen or background tab): a policy of this server, not a protocol error.
 */
export const PAGE_TOO_SLOW_CODE = 4008;

/** Type of one server → page message. */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
