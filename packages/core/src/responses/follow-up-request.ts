/**
 * The per-response settings a follow-up response inherits: the engine asks for the model's
 * answer to its tools' outputs, and that answer must be shaped as the response whose calls it
 * answers was (its own tools, instructions, output modalities, voice …), or a per-response
 * function called again is answered `unknown_tool` and "answer in French" is lost for the very
 * answer the user hears.
 * @module
 */
import type { ResponseCreateParams } from '@voxwire/protocol';
import { copyJson } from '../json-copy.js';
import type { Tool } from '../tools/tool.js';
import type { ResponseCreateRequest } from './create-options.js';

/**
 * The `response.create` fields that shape a response's answer, carried to its follow-up. Not
 * carried: `metadata` (the app's label of its own request, not of the engine's follow-ups),
 * `conversation` and `input` (the follow-up answers the outputs just added to the default
 * conversation: an `input` list would leave them out).
 */
const CARRIED = [
  'instructions',
  'output_modalities',
  'audio',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'reasoning',
  'prompt',
  'temperature',
] as const satisfies readonly (keyof ResponseCreateParams)[];

/**
 * Whether a follow-up to the response `params` starts would carry any of its settings (see
 * {@link followUpRequest}), without copying them.
 */
export function carriesSettings(params: ResponseCreateParams | undefined): boolean {
  if (params === undefined || params.conversation === 'none') return false;
  return CARRIED.some((key) => params[key] !== undefined);
}

/**
 * The request of the follow-up to the response `params` started (its wire params, as sent), or
 * `undefined` when it had none of the carried settings, or was out of band (`conversation:
 * 'none'`: its calls get no output and no follow-up; see the function-calling feature).
 * `executables` are its executable tools by name: they take their function tools' place again,
 * so a call in the follow-up runs them as well. A forced `tool_choice` (`'required'`, a named
 * function or MCP tool) becomes `'auto'`: forced again, the model could only call again,
 * round after round, and never answer (livekit/agents#1145).
 */
export function followUpRequest(
  params: ResponseCreateParams | undefined,
  executables: ReadonlyMap<string, Tool<any, any>> | undefined,
): ResponseCreateRequest | undefined {
  if (params === undefined || params.conversation === 'none') return undefined;
  const request: Record<string, unknown> = {};
  let carried = false;
  for (const key of CARRIED) {
    const value = params[key];
    if (value === undefined) continue;
    // a copy: the app's objects may change after its request was sent
    request[key] = copyJson(value);
    carried = true;
  }
  if (!carried) return undefined;
  if (request['tool_choice'] !== undefined && request['tool_choice'] !== 'none')
    request['tool_choice'] = 'auto';
  const tools = request['tools'];
  if (executables !== undefined && Array.isArray(tools))
    request['tools'] = tools.map((tool: { name?: unknown; type?: unknown }) =>
      (tool.type === 'function' || tool.type === undefined) && typeof tool.name === 'string'
        ? (executables.get(tool.name) ?? tool)
        : tool,
    );
  return request as ResponseCreateRequest;
}
