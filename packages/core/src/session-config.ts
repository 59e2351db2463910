/**
 * Session options ⇄ the GA `session` object. The engine always speaks the GA model; the beta
 * codec (protocol) flattens it for beta servers.
 *
 * | option                          | GA `session.update.session`                                        | beta (via codec)                     |
 * |---------------------------------|--------------------------------------------------------------------|--------------------------------------|
 * | (always)                        | `type: 'realtime'`                                                  | dropped                              |
 * | `model`                         | not sent (the connector's URL picks it; it cannot change)          | not sent                             |
 * | `modalities`                    | `output_modalities`: `['text']` if no `'audio'`, else `['audio']`  | `modalities` (`['text','audio']`)    |
 * | `instructions`                  | `instructions` (`''`: the server default, see `SessionRequests`)   | `instructions`                       |
 * | `voice`                         | `audio.output.voice` (a name, or a custom voice `{id}`)             | `voice` (a custom voice: no form)    |
 * | `speed`                         | `audio.output.speed` (when set)                                     | `speed`                              |
 * | `inputAudioFormat`              | `audio.input.format` `{type:'audio/pcm', rate:24000}` / `audio/pcmu` / `audio/pcma` | `input_audio_format`  |
 * | `outputAudioFormat`             | `audio.output.format` (same mapping)                                | `output_audio_format`                |
 * | `inputAudioTranscription`       | `audio.input.transcription` `{model, language?, prompt?}` or `null` | `input_audio_transcription`          |
 * | `turnDetection`                 | `audio.input.turn_detection` (snake_case fields) or `null`          | `turn_detection`                     |
 * | `noiseReduction`                | `audio.input.noise_reduction` `{type}` or `null` (when set)         | `input_audio_noise_reduction`        |
 * | `toolChoice`                    | `tool_choice`                                                       | `tool_choice`                        |
 * | `temperature`                   | `temperature` (a beta-only field of the GA model: the GA codec drops it) | `temperature`                   |
 * | `maxResponseOutputTokens`       | `max_output_tokens`                                                 | `max_response_output_tokens`         |
 * | tools (from features, issue 5)  | `tools`                                                             | `tools`                              |
 * @module
 */
import type { SessionResource, SessionUpdateParams } from '@voxwire/protocol';
import { AUDIO_FORMAT_GA_TO_BETA, SAMPLE_RATE } from '@voxwire/protocol';
import type {
  AudioFormatName,
  InputTranscriptionOptions,
  Modality,
  RealtimeSessionOptions,
  ToolChoiceOption,
  TurnDetectionOptions,
} from './options.js';

/** A GA audio format object, as `toGaAudioFormat` gives it. */
export type GaFormat =
  { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

/** The GA audio format object for a seed format name. */
export function toGaAudioFormat(name: AudioFormatName): GaFormat {
  switch (name) {
    case 'pcm16':
      return { type: 'audio/pcm', rate: SAMPLE_RATE as 24000 };
    case 'g711_ulaw':
      return { type: 'audio/pcmu' };
    case 'g711_alaw':
      return { type: 'audio/pcma' };
  }
}

/** The seed's name of a GA audio format object, or `fallback` when it names none this knows. */
export function fromGaAudioFormat(
  format: { type?: string | undefined } | null | undefined,
  fallback: AudioFormatName,
): AudioFormatName {
  const type = format?.type;
  if (type === undefined) return fallback;
  return (AUDIO_FORMAT_GA_TO_BETA as Record<string, AudioFormatName | undefined>)[type] ?? fallback;
}

/**
 * The input format a GA `session.update` event (as the engine builds it, before the codec)
 * sets, or `fallback` when it sets none.
 */
export function inputFormatOfUpdate(
  event: { readonly session?: unknown },
  fallback: AudioFormatName,
): AudioFormatName {
  const session = event.session as { audio?: { input?: { format?: { type?: string } } } };
  return fromGaAudioFormat(session?.audio?.input?.format, fallback);
}

function toGaTurnDetection(td: TurnDetectionOptions | null): Record<string, unknown> | null {
  if (td === null) return null;
  if (td.type === 'semantic_vad') {
    return compact({
      type: 'semantic_vad',
      eagerness: td.eagerness,
      create_response: td.createResponse,
      interrupt_response: td.interruptResponse,
    });
  }
  return compact({
    type: 'server_vad',
    threshold: td.threshold,
    prefix_padding_ms: td.prefixPaddingMs,
    silence_duration_ms: td.silenceDurationMs,
    create_response: td.createResponse,
    interrupt_response: td.interruptResponse,
    idle_timeout_ms: td.idleTimeoutMs,
  });
}

const EAGERNESS: ReadonlySet<unknown> = new Set(['low', 'medium', 'high', 'auto']);

function fromGaTurnDetection(
  td: Record<string, unknown> | null | undefined,
  previous: TurnDetectionOptions | null,
): TurnDetectionOptions | null {
  if (!td) return null;
  // a detector added to the API later (the decoder passes it through): the local view keeps what
  // it knew, so a restore after a reconnect never sends a setting this version cannot describe
  if (td['type'] !== 'semantic_vad' && td['type'] !== 'server_vad') return previous;
  if (td['type'] === 'semantic_vad') {
    return compact({
      type: 'semantic_vad' as const,
      // an eagerness added later is left out: a restore lets the server apply its default
      eagerness: EAGERNESS.has(td['eagerness'])
        ? (td['eagerness'] as 'low' | 'medium' | 'high' | 'auto')
        : undefined,
      createResponse: td['create_response'] as boolean | undefined,
      interruptResponse: td['interrupt_response'] as boolean | undefined,
    });
  }
  return compact({
    type: 'server_vad' as const,
    threshold: td['threshold'] as number | undefined,
    prefixPaddingMs: td['prefix_padding_ms'] as number | undefined,
    silenceDurationMs: td['silence_duration_ms'] as number | undefined,
    createResponse: td['create_response'] as boolean | undefined,
    interruptResponse: td['interrupt_response'] as boolean | undefined,
    idleTimeoutMs: td['idle_timeout_ms'] as number | null | undefined,
  });
}

function toGaTranscription(t: InputTranscriptionOptions | null): Record<string, unknown> | null {
  return t === null ? null : compact({ model: t.model, language: t.language, prompt: t.prompt });
}

/** GA output modalities: one of text or audio (audio always carries its transcript). */
export function toGaModalities(modalities: readonly Modality[]): ['text'] | ['audio'] {
  return modalities.includes('audio') ? ['audio'] : ['text'];
}

/**
 * The full GA `session` of a `session.update` for `options` (see the table above).
 * `tools` comes from the session's features (function calling, issue 5).
 */
export function toSessionUpdate(
  options: RealtimeSessionOptions,
  tools?: readonly unknown[],
): SessionUpdateParams {
  const session: Record<string, unknown> = {
    type: 'realtime',
    output_modalities: toGaModalities(options.modalities),
    audio: {
      input: compact({
        format: toGaAudioFormat(options.inputAudioFormat),
        transcription: toGaTranscription(options.inputAudioTranscription),
        turn_detection: toGaTurnDetection(options.turnDetection),
        noise_reduction:
          options.noiseReduction === undefined
            ? undefined
            : options.noiseReduction === null
              ? null
              : { type: options.noiseReduction },
      }),
      output: compact({
        format: toGaAudioFormat(options.outputAudioFormat),
        voice: typeof options.voice === 'string' ? options.voice : { id: options.voice.id },
        speed: options.speed,
      }),
    },
    tool_choice: options.toolChoice,
    temperature: options.temperature,
    max_output_tokens: options.maxResponseOutputTokens,
  };
  if (options.instructions !== '') session['instructions'] = options.instructions;
  if (tools !== undefined) session['tools'] = [...tools];
  return session as unknown as SessionUpdateParams;
}

/**
 * Maps the server's echoed session back into the options shape. Fields the server leaves out
 * keep their value from `previous` (what the client asked for).
 */
export function fromSessionResource(
  resource: SessionResource,
  previous: RealtimeSessionOptions,
): RealtimeSessionOptions {
  const r = resource as unknown as Record<string, any>;
  const input = (r['audio']?.['input'] ?? {}) as Record<string, any>;
  const output = (r['audio']?.['output'] ?? {}) as Record<string, any>;
  const modalities = r['output_modalities'] as Modality[] | undefined;
  const transcription = input['transcription'] as Record<string, unknown> | null | undefined;
  const voice = output['voice'] as string | { id: string } | undefined;
  const noise = input['noise_reduction'] as { type?: string } | null | undefined;
  const next: RealtimeSessionOptions = {
    model: typeof r['model'] === 'string' ? r['model'] : previous.model,
    modalities:
      modalities === undefined
        ? [...previous.modalities]
        : modalities.includes('audio')
          ? ['text', 'audio']
          : ['text'],
    instructions: typeof r['instructions'] === 'string' ? r['instructions'] : previous.instructions,
    // a custom voice stays the object it is: sent back as a name, it would name another voice
    voice:
      typeof voice === 'string'
        ? voice
        : typeof voice === 'object' && voice !== null && typeof voice.id === 'string'
          ? { id: voice.id }
          : previous.voice,
    inputAudioFormat: fromGaAudioFormat(input['format'], previous.inputAudioFormat),
    outputAudioFormat: fromGaAudioFormat(output['format'], previous.outputAudioFormat),
    inputAudioTranscription:
      transcription === undefined
        ? previous.inputAudioTranscription
        : transcription === null
          ? null
          : compact({
              model:
                (transcription['model'] as string | undefined) ??
                previous.inputAudioTranscription?.model ??
                'whisper-1',
              language: transcription['language'] as string | undefined,
              prompt: transcription['prompt'] as string | undefined,
            }),
    turnDetection:
      'turn_detection' in input
        ? fromGaTurnDetection(input['turn_detection'], previous.turnDetection)
        : previous.turnDetection,
    toolChoice: fromGaToolChoice(r['tool_choice'], previous.toolChoice),
    temperature: typeof r['temperature'] === 'number' ? r['temperature'] : previous.temperature,
    maxResponseOutputTokens: fromGaMaxTokens(
      r['max_output_tokens'],
      previous.maxResponseOutputTokens,
    ),
  };
  if (noise !== undefined && (noise === null || NOISE_REDUCTION.has(noise.type)))
    next.noiseReduction =
      noise === null ? null : ((noise.type as 'near_field' | 'far_field' | undefined) ?? null);
  else if (previous.noiseReduction !== undefined) next.noiseReduction = previous.noiseReduction;
  const speed = output['speed'];
  if (typeof speed === 'number') next.speed = speed;
  else if (previous.speed !== undefined) next.speed = previous.speed;
  return next;
}

// an unknown noise-reduction type (passed through by the decoder) keeps the previous setting
const NOISE_REDUCTION: ReadonlySet<unknown> = new Set(['near_field', 'far_field', undefined]);
const TOOL_CHOICE_MODES: ReadonlySet<unknown> = new Set(['auto', 'none', 'required']);

/**
 * The echoed `tool_choice`. A mode or an object form added to the API later (the decoder passes
 * both through) keeps the previous setting: taken into the options, it would be sent back by the
 * next update or a restore, which validates client events strictly and would refuse it.
 */
function fromGaToolChoice(choice: unknown, previous: ToolChoiceOption): ToolChoiceOption {
  if (choice === undefined) return previous;
  if (typeof choice === 'string')
    return TOOL_CHOICE_MODES.has(choice) ? (choice as ToolChoiceOption) : previous;
  if (typeof choice !== 'object' || choice === null) return previous;
  const c = choice as Record<string, unknown>;
  if (c['type'] === 'function')
    return typeof c['name'] === 'string' ? { type: 'function', name: c['name'] } : previous;
  // an MCP choice is kept as the server sent it, as before (GA can send it back; the options'
  // type does not describe it)
  if (c['type'] === 'mcp' && typeof c['server_label'] === 'string')
    return choice as ToolChoiceOption;
  return previous;
}

/**
 * The echoed `max_output_tokens`. A value other than an integer or `'inf'` (a word for "no limit"
 * added to the API later, which the decoder passes through) keeps the previous limit: taken into
 * the options, the next update or a restore would send it and fail to encode.
 */
function fromGaMaxTokens(limit: unknown, previous: number | 'inf'): number | 'inf' {
  return limit === 'inf' || Number.isInteger(limit) ? (limit as number | 'inf') : previous;
}

/** Drops keys whose value is `undefined` (exactOptionalPropertyTypes and the wire both want that). */
export function compact<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const key in o) if (o[key] !== undefined) out[key] = o[key];
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
