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
import { MAX_METADATA_PAIRS, REQUEST_TAG_KEY } from './awaited.js';
import type { ResponseCreateRequest } from './create-options.js';

/**
 * The `response.create` fields that shape a response's answer, carried to its follow-up (the
 * app's `metadata` is carried too, apart: see {@link carriedMetadata}). Not carried:
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
  return CARRIED.some((key) => params[key] !== undefined) || hasAppMetadata(params.metadata);
}

// whether `metadata` has pairs of the app's (the request tag is the engine's)
function hasAppMetadata(metadata: unknown): boolean {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return false;
  return Object.keys(metadata).some((key) => key !== REQUEST_TAG_KEY);
}

/**
 * The app's pairs of `metadata` for the follow-up, or `undefined` when there are none or they
 * leave no room for the follow-up's own request tag. The app labels its responses to route them
 * (which agent, which desk): the follow-up answers the same request, so it carries the label, or
 * the answer the user hears could not be told apart from a response nobody asked for. The
 * request tag is left out: it names the originating request, and the follow-up gets its own.
 * With {@link MAX_METADATA_PAIRS} pairs of the app's (a create that could not be tagged) none are
 * carried: the follow-up cannot go without its tag, and a label cut short would misroute it.
 */
export function carriedMetadata(metadata: unknown): Record<string, string> | undefined {
  if (!hasAppMetadata(metadata)) return undefined;
  const pairs: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata as Record<string, unknown>))
    if (key !== REQUEST_TAG_KEY && typeof value === 'string') pairs[key] = value;
  const count = Object.keys(pairs).length;
  return count === 0 || count >= MAX_METADATA_PAIRS ? undefined : pairs;
}

/**
 * The request of the follow-up to the response `params` started (its wire params, as sent), or
 * `undefined` when it had none of the carried settings nor metadata of the app's, or was out of band (`conversation:
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
  const metadata = carriedMetadata(params.metadata);
  if (metadata !== undefined) {
    request['metadata'] = metadata;
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

/**
 * The follow-up's `request` with a forced session choice relaxed: under a session `toolChoice`
 * of `'required'` or a named function, a follow-up that does not choose for itself gets
 * `tool_choice: 'auto'`. Forced again it could only call again, round after round, until the
 * loop cap stops it with no answer at all (livekit/agents#1145), as a forced choice of the
 * request's own is relaxed by {@link followUpRequest}. The session's choice is left as it is:
 * the app's next request (the next user turn's) is forced as before.
 */
export function relaxSessionChoice(
  request: ResponseCreateRequest | undefined,
  sessionChoice: unknown,
): ResponseCreateRequest | undefined {
  if (request?.tool_choice !== undefined) return request;
  const forced =
    sessionChoice === 'required' || (typeof sessionChoice === 'object' && sessionChoice !== null);
  return forced ? { ...request, tool_choice: 'auto' } : request;
}
