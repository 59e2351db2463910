/**
 * Beta ↔ GA mapping of session-shaped values: formats, modalities, turn detection,
 * transcription, tools and tool choice, and the (transcription) session objects. Every mapping
 * is listed in the package README; keys a mapping does not know are carried over unchanged.
 * @module
 */
import {
  AUDIO_FORMAT_BETA_TO_GA,
  AUDIO_FORMAT_GA_TO_BETA,
  SAMPLE_RATE,
  type BetaAudioFormatName,
} from '../constants.js';
import type { AudioFormat, Tool, ToolChoice, TurnDetection } from '../schemas/ga-session.js';
import { NoFormError } from './decode.js';

/** A loosely typed wire object (validated before it reaches the mappers). */
export type Obj = Record<string, unknown>;

/** Sets `out[key]` when `value` is not undefined (keeps `exactOptionalPropertyTypes` honest). */
export function put(out: Obj, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

/** A copy of `obj` without `keys`. */
export function omit(obj: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const key of Object.keys(obj)) if (!keys.includes(key)) out[key] = obj[key];
  return out;
}

/** `'pcm16'` → `{type:'audio/pcm', rate:24000}`; G.711 → `{type:'audio/pcmu'|'audio/pcma'}`. */
export function formatToGa(format: BetaAudioFormatName): AudioFormat {
  const type = AUDIO_FORMAT_BETA_TO_GA[format];
  return type === 'audio/pcm' ? { type, rate: SAMPLE_RATE } : { type };
}

/** GA format object → beta name (a format without `type` is PCM). */
export function formatToBeta(format: AudioFormat, path: string): BetaAudioFormatName {
  const type = format.type ?? 'audio/pcm';
  // a format the beta interface has no name for would vanish from the frame (the server would
  // then keep its own), as if nothing had been asked: refused, as a custom voice is
  if (!Object.hasOwn(AUDIO_FORMAT_GA_TO_BETA, type))
    throw new NoFormError(path, `the audio format ${JSON.stringify(type)} has no beta form`);
  return AUDIO_FORMAT_GA_TO_BETA[type];
}

/** Beta `modalities` → GA `output_modalities`: audio implies text in beta, GA wants `['audio']`. */
export function modalitiesToGa(modalities: readonly string[]): ('text' | 'audio')[] {
  return modalities.includes('audio') ? ['audio'] : ['text'];
}

/** GA `output_modalities` → beta `modalities`: beta cannot produce audio without text. */
export function modalitiesToBeta(modalities: readonly string[]): ('text' | 'audio')[] {
  return modalities.includes('audio') ? ['text', 'audio'] : ['text'];
}

const SERVER_ONLY = ['threshold', 'prefix_padding_ms', 'silence_duration_ms', 'idle_timeout_ms'];

/** Beta flat turn detection → GA variant (`type` defaults to server VAD; fields of the other kind dropped). */
export function turnDetectionToGa(td: Obj | null): TurnDetection | null {
  if (td === null) return null;
  if (td.type === 'semantic_vad') return omit(td, SERVER_ONLY) as TurnDetection;
  return { ...omit(td, ['eagerness']), type: 'server_vad' } as TurnDetection;
}

/** GA transcription → beta (`languages`, `keywords`, `delay` have no beta form and are dropped). */
export function transcriptionToBeta(t: Obj | null): Obj | null {
  return t === null ? null : omit(t, ['languages', 'keywords', 'delay']);
}

/** Beta tool choice → GA: modes stay; a function name or either function object → `{type:'function', name}`. */
export function toolChoiceToGa(choice: unknown): ToolChoice {
  if (typeof choice === 'string') {
    return choice === 'auto' || choice === 'none' || choice === 'required'
      ? choice
      : { type: 'function', name: choice };
  }
  const c = choice as { name?: string; function?: { name: string } };
  return { type: 'function', name: c.name ?? c.function?.name ?? '' };
}

/**
 * GA tool choice → beta: modes stay; a function keeps GA's `{type:'function', name}`; MCP has
 * none. Not the Chat Completions form `{type:'function', function:{name}}` that the beta spec's
 * prose mentions: the beta server answers it with "Missing required parameter:
 * 'session.tool_choice.name'" (Azure-Samples/aoai-realtime-audio-sdk#132), which names the
 * field this form has, and OpenAI's beta reference client sent this form
 * (openai/openai-realtime-api-beta#74). Decoding still takes all three beta forms.
 */
export function toolChoiceToBeta(choice: ToolChoice, path: string): unknown {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'function', name: choice.name };
  throw new NoFormError(path, 'an MCP tool choice has no beta form');
}

/** GA tools → beta: function tools unchanged, MCP tools have no beta form. */
export function toolsToBeta(tools: readonly Tool[], path: string): Tool[] {
  return tools.map((tool, i) => {
    if (tool.type === 'mcp') throw new NoFormError(`${path}.${i}`, 'MCP tools have no beta form');
    return tool;
  });
}

/** A GA voice → beta: names pass, a custom voice `{id}` has no beta form. */
export function voiceToBeta(voice: unknown, path: string): unknown {
  if (typeof voice === 'object' && voice !== null)
    throw new NoFormError(path, 'a custom voice {id} has no beta form');
  return voice;
}

const BETA_SESSION_MAPPED = [
  'modalities',
  'voice',
  'input_audio_format',
  'output_audio_format',
  'input_audio_transcription',
  'input_audio_noise_reduction',
  'turn_detection',
  'tool_choice',
  'max_response_output_tokens',
  'speed',
];

/** Builds GA `audio.input` from the flat beta fields. */
function audioInputToGa(s: Obj): Obj {
  const input: Obj = {};
  if (s.input_audio_format !== undefined)
    input.format = formatToGa(s.input_audio_format as BetaAudioFormatName);
  put(input, 'transcription', s.input_audio_transcription);
  put(input, 'noise_reduction', s.input_audio_noise_reduction);
  if (s.turn_detection !== undefined)
    input.turn_detection = turnDetectionToGa(s.turn_detection as Obj | null);
  return input;
}

/** Flat beta session → GA realtime session (`type:'realtime'`; `temperature` rides along). */
export function sessionToGa(s: Obj): Obj {
  const out: Obj = { type: 'realtime', ...omit(s, BETA_SESSION_MAPPED) };
  if (s.modalities !== undefined) out.output_modalities = modalitiesToGa(s.modalities as string[]);
  const input = audioInputToGa(s);
  const output: Obj = {};
  if (s.output_audio_format !== undefined)
    output.format = formatToGa(s.output_audio_format as BetaAudioFormatName);
  put(output, 'voice', s.voice);
  put(output, 'speed', s.speed);
  const audio: Obj = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (Object.keys(output).length > 0) audio.output = output;
  if (Object.keys(audio).length > 0) out.audio = audio;
  if (s.tool_choice !== undefined) out.tool_choice = toolChoiceToGa(s.tool_choice);
  put(out, 'max_output_tokens', s.max_response_output_tokens);
  return out;
}

/**
 * Beta transcription session → GA transcription session. `modalities` has no GA meaning here;
 * it rides along as an extra key so that it survives the way back.
 */
export function transcriptionSessionToGa(s: Obj): Obj {
  const out: Obj = {
    type: 'transcription',
    ...omit(
      s,
      BETA_SESSION_MAPPED.filter((k) => k !== 'modalities'),
    ),
  };
  const input = audioInputToGa(s);
  if (Object.keys(input).length > 0) out.audio = { input };
  return out;
}

/** GA `audio.input` → flat beta fields on `out`. */
function audioInputToBeta(input: Obj | undefined, out: Obj, path: string): void {
  if (input === undefined) return;
  if (input.format !== undefined)
    out.input_audio_format = formatToBeta(input.format as AudioFormat, `${path}.format`);
  if (input.transcription !== undefined)
    out.input_audio_transcription = transcriptionToBeta(input.transcription as Obj | null);
  put(out, 'input_audio_noise_reduction', input.noise_reduction);
  put(out, 'turn_detection', input.turn_detection);
}

const GA_ONLY_SESSION = [
  'type',
  'audio',
  'output_modalities',
  'max_output_tokens',
  'tool_choice',
  'tools',
  'truncation',
  'reasoning',
  'parallel_tool_calls',
];

/**
 * GA realtime session → flat beta session. `truncation`, `reasoning` and `parallel_tool_calls`
 * have no beta form and are dropped; MCP tools, MCP tool choice and custom voices throw.
 */
export function sessionToBeta(s: Obj, path: string): Obj {
  const out = omit(s, GA_ONLY_SESSION);
  if (s.output_modalities !== undefined)
    out.modalities = modalitiesToBeta(s.output_modalities as string[]);
  const audio = s.audio as { input?: Obj; output?: Obj } | undefined;
  audioInputToBeta(audio?.input, out, `${path}.audio.input`);
  const output = audio?.output;
  if (output?.format !== undefined)
    out.output_audio_format = formatToBeta(
      output.format as AudioFormat,
      `${path}.audio.output.format`,
    );
  if (output?.voice !== undefined)
    out.voice = voiceToBeta(output.voice, `${path}.audio.output.voice`);
  put(out, 'speed', output?.speed);
  if (s.tools !== undefined) out.tools = toolsToBeta(s.tools as Tool[], `${path}.tools`);
  if (s.tool_choice !== undefined)
    out.tool_choice = toolChoiceToBeta(s.tool_choice as ToolChoice, `${path}.tool_choice`);
  put(out, 'max_response_output_tokens', s.max_output_tokens);
  return out;
}

/** GA transcription session → beta transcription session. */
export function transcriptionSessionToBeta(s: Obj, path: string): Obj {
  const out = omit(s, ['type', 'audio']);
  audioInputToBeta((s.audio as { input?: Obj } | undefined)?.input, out, `${path}.audio.input`);
  return out;
}
