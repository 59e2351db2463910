/**
 * Beta ↔ GA mapping of items, responses and `response.create` parameters.
 * @module
 */
import type { Tool, ToolChoice } from '../schemas/ga-session.js';
import { NoFormError } from './decode.js';
import {
  formatToBeta,
  formatToGa,
  modalitiesToBeta,
  modalitiesToGa,
  omit,
  put,
  toolChoiceToBeta,
  toolChoiceToGa,
  toolsToBeta,
  voiceToBeta,
  type Obj,
} from './beta-session.js';
import type { BetaAudioFormatName } from '../constants.js';

const ASSISTANT_TO_GA: Record<string, string> = { text: 'output_text', audio: 'output_audio' };
const INPUT_TO_GA: Record<string, string> = { text: 'input_text', audio: 'input_audio' };
const ASSISTANT_TO_BETA: Record<string, string> = { output_text: 'text', output_audio: 'audio' };

function renameParts(content: unknown, table: Record<string, string>): Obj[] | undefined {
  if (content === undefined) return undefined;
  return (content as Obj[]).map((part) => {
    const renamed = typeof part.type === 'string' ? table[part.type] : undefined;
    return renamed === undefined ? part : { ...part, type: renamed };
  });
}

/**
 * Beta item → GA item. A message needs a role; a missing `type` with a role means a message.
 * Missing `name`/`arguments` (function call) and `call_id`/`output` (output) become `''`,
 * because GA requires them and beta servers omit them on in-progress items.
 */
export function itemToGa(item: Obj, path: string): Obj {
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message': {
      if (item.role === undefined)
        throw new NoFormError(`${path}.role`, 'a message without a role has no GA form');
      const table = item.role === 'assistant' ? ASSISTANT_TO_GA : INPUT_TO_GA;
      const out: Obj = { ...item, type: 'message' };
      out.content = renameParts(item.content, table) ?? [];
      return out;
    }
    case 'function_call':
      return { ...item, name: item.name ?? '', arguments: item.arguments ?? '' };
    case 'function_call_output':
      return { ...item, call_id: item.call_id ?? '', output: item.output ?? '' };
    default:
      throw new NoFormError(
        `${path}.type`,
        `a beta item of type ${String(type)} has no GA conversation-item form`,
      );
  }
}

/** GA item → beta item. MCP items and images have no beta form. */
export function itemToBeta(item: Obj, path: string): Obj {
  switch (item.type) {
    case 'message': {
      const content = item.content as Obj[];
      content.forEach((part, i) => {
        if (part.type === 'input_image')
          throw new NoFormError(`${path}.content.${i}`, 'image input has no beta form');
      });
      return item.role === 'assistant'
        ? { ...item, content: renameParts(content, ASSISTANT_TO_BETA) }
        : item;
    }
    case 'function_call':
    case 'function_call_output':
    case 'item_reference':
      return item;
    default:
      throw new NoFormError(`${path}.type`, `${String(item.type)} items have no beta form`);
  }
}

const BETA_RESPONSE_MAPPED = ['modalities', 'voice', 'output_audio_format', 'output'];

/** Beta `audio.output` fields → GA `audio` object, or undefined when none is set. */
function audioOutputToGa(r: Obj): Obj | undefined {
  const output: Obj = {};
  if (r.output_audio_format !== undefined)
    output.format = formatToGa(r.output_audio_format as BetaAudioFormatName);
  put(output, 'voice', r.voice);
  return Object.keys(output).length > 0 ? { output } : undefined;
}

/** GA `audio.output` → flat beta fields on `out`. */
function audioOutputToBeta(audio: unknown, out: Obj, path: string): void {
  const output = (audio as { output?: Obj } | null | undefined)?.output;
  if (output?.format !== undefined)
    out.output_audio_format = formatToBeta(output.format as never, `${path}.audio.output.format`);
  if (output?.voice !== undefined)
    out.voice = voiceToBeta(output.voice, `${path}.audio.output.voice`);
}

/** Beta response → GA response (`temperature` is kept as an extra key). */
export function responseToGa(r: Obj, path: string): Obj {
  const out = omit(r, BETA_RESPONSE_MAPPED);
  if (r.modalities !== undefined) out.output_modalities = modalitiesToGa(r.modalities as string[]);
  put(out, 'audio', audioOutputToGa(r));
  if (r.output !== undefined)
    out.output = (r.output as Obj[]).map((item, i) => itemToGa(item, `${path}.output.${i}`));
  return out;
}

/** GA response → beta response. */
export function responseToBeta(r: Obj, path: string): Obj {
  const out = omit(r, ['output_modalities', 'audio', 'output']);
  if (r.output_modalities !== undefined)
    out.modalities = modalitiesToBeta(r.output_modalities as string[]);
  audioOutputToBeta(r.audio, out, path);
  if (r.output !== undefined)
    out.output = (r.output as Obj[]).map((item, i) => itemToBeta(item, `${path}.output.${i}`));
  return out;
}

function inputItemToGa(item: Obj, path: string): Obj {
  return item.type === 'item_reference'
    ? { type: 'item_reference', id: item.id ?? '' }
    : itemToGa(item, path);
}

/** Beta `response.create.response` → GA parameters. */
export function responseParamsToGa(p: Obj, path: string): Obj {
  const out = omit(p, [
    'modalities',
    'voice',
    'output_audio_format',
    'max_response_output_tokens',
    'tool_choice',
    'input',
  ]);
  if (p.modalities !== undefined) out.output_modalities = modalitiesToGa(p.modalities as string[]);
  put(out, 'audio', audioOutputToGa(p));
  put(out, 'max_output_tokens', p.max_response_output_tokens);
  if (p.tool_choice !== undefined) out.tool_choice = toolChoiceToGa(p.tool_choice);
  if (p.input !== undefined)
    out.input = (p.input as Obj[]).map((item, i) => inputItemToGa(item, `${path}.input.${i}`));
  return out;
}

/**
 * GA `response.create.response` → beta. `parallel_tool_calls`, `reasoning` and `prompt` have no
 * beta form and are dropped; MCP tools, MCP tool choice, custom voices and images throw.
 */
export function responseParamsToBeta(p: Obj, path: string): Obj {
  const out = omit(p, [
    'output_modalities',
    'audio',
    'max_output_tokens',
    'tool_choice',
    'tools',
    'input',
    'parallel_tool_calls',
    'reasoning',
    'prompt',
  ]);
  if (p.output_modalities !== undefined)
    out.modalities = modalitiesToBeta(p.output_modalities as string[]);
  audioOutputToBeta(p.audio, out, path);
  put(out, 'max_response_output_tokens', p.max_output_tokens);
  if (p.tools !== undefined) out.tools = toolsToBeta(p.tools as Tool[], `${path}.tools`);
  if (p.tool_choice !== undefined)
    out.tool_choice = toolChoiceToBeta(p.tool_choice as ToolChoice, `${path}.tool_choice`);
  if (p.input !== undefined)
    out.input = (p.input as Obj[]).map((item, i) => itemToBeta(item, `${path}.input.${i}`));
  return out;
}
