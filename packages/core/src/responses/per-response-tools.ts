/**
 * The tools a `response.create` gives its response alone: executable ones (`defineTool`) become
 * function tools on the wire and are kept aside to run for that response; the function names,
 * and the settings a follow-up to the response's calls inherits, are matched to the response the
 * create starts, for the function-calling feature. The match is by the tag in
 * `response.metadata`: generate()'s, or the one {@link PerResponseTools.tag} gives every plain
 * create, since a response server VAD starts in between would otherwise be taken for the
 * create's. Only a create whose metadata has no room for the tag is matched to the next
 * `response.created`.
 * @module
 */
import type { ResponseCreateParams } from '@voxwire/protocol';
import { toSessionTools } from '../tools/schema.js';
import type { Tool } from '../tools/tool.js';
import {
  MAX_METADATA_PAIRS,
  REQUEST_TAG_KEY,
  requestTag,
  type ResponseCreateEvent,
} from './awaited.js';
import type { ResponseCreateRequest } from './create-options.js';
import { followUpRequest } from './follow-up-request.js';
import type { RealtimeResponse } from './tree.js';

/** A tool of one response: a wire tool (function or MCP), or an executable tool (`defineTool`). */
export type ResponseTool = NonNullable<ResponseCreateParams['tools']>[number] | Tool<any, any>;

/** What the request that started a response gave it for itself. */
export interface ResponseTools {
  /** The names of its function tools, executable or not (empty when it gave none). */
  readonly names: ReadonlySet<string>;
  /** Its executable tools, by name. */
  readonly tools: ReadonlyMap<string, Tool<any, any>> | undefined;
  /**
   * The request of the follow-up response to its calls' outputs: its own tools (executable ones
   * included), instructions, output modalities, audio output, token limit … with a forced
   * `tool_choice` relaxed to `'auto'`. `undefined`: a bare follow-up.
   */
  readonly followUp?: ResponseCreateRequest | undefined;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** How many responses (and unanswered requests) the per-response tool names are kept for. */
const RESPONSE_TOOLS_KEPT = 32;

/** The per-response tools of one session's creates, from the request to the response it starts. */
export class PerResponseTools {
  // The function names of creates that carried their own `tools`, until their response starts:
  // by tag for generate()'s, and the untagged create's with the create itself (the next
  // response.created answers it, as the creator's unanswered create assumes). Then by response
  // id, for the function-calling feature. All made on the first such create: most sessions
  // never send one.
  #byTag: Map<string, ResponseTools> | undefined;
  #untagged: { event: ResponseCreateEvent; tools: ResponseTools } | undefined;
  #byResponse: Map<string, ResponseTools> | undefined;
  // the executable tools of a create's params (kept with the params object, which a create the
  // connection lost is sent again with)
  #executables: WeakMap<object, ReadonlyMap<string, Tool<any, any>>> | undefined;
  // the params of plain creates this class tagged (not generate()'s requests): kept with the
  // params object, which a create the connection lost is sent again with
  #ownTagged: WeakSet<object> | undefined;

  /**
   * The wire params of `request`: its executable tools replaced by their function tools (kept
   * aside, to run for the response it starts).
   * @throws ToolError for an invalid executable tool
   */
  prepare(request: ResponseCreateRequest | undefined): ResponseCreateParams | undefined {
    const tools = request?.tools;
    if (!Array.isArray(tools) || !tools.some(isExecutable)) return request as ResponseCreateParams;
    const executables = tools.filter(isExecutable);
    const wire = toSessionTools(executables);
    let next = 0;
    const params = {
      ...request,
      tools: tools.map((tool) => (isExecutable(tool) ? wire[next++]! : tool)),
    } as ResponseCreateParams;
    (this.#executables ??= new WeakMap()).set(
      params,
      new Map(executables.map((tool) => [tool.name, tool])),
    );
    return params;
  }

  /**
   * `params` (a plain create's, as {@link prepare} made them; `undefined` for a bare create) with
   * a tag of their own in `metadata` (the app's pairs kept), so that the response they start is
   * matched to them exactly and every untagged response is the server's own (VAD, idle timeout):
   * one server VAD starts in between would otherwise run their tools, give its follow-up their
   * settings, be taken for an out-of-band answer (or the other way round), or escape a barge-in
   * that cancels the create's. Unchanged when they already carry a tag, or their metadata is no
   * object (the server refuses it) or has no room for one more pair (the API allows
   * {@link MAX_METADATA_PAIRS}: the app's pairs are never pushed out; an out-of-band create was
   * refused before, `checkOutOfBandMetadata`); `noRoom` is told of the last case, which is
   * matched to the next `response.created` as before.
   */
  tag(
    params: ResponseCreateParams | undefined,
    newTag: () => string,
    noRoom: () => void,
  ): ResponseCreateParams {
    if (params === undefined) return this.#own({ metadata: { [REQUEST_TAG_KEY]: newTag() } });
    const metadata = params.metadata as unknown;
    if (metadata !== undefined && metadata !== null) {
      if (typeof metadata !== 'object' || Array.isArray(metadata)) return params;
      if (requestTag(metadata) !== undefined) return params;
      if (Object.keys(metadata).length >= MAX_METADATA_PAIRS) {
        noRoom();
        return params;
      }
    }
    const tagged = {
      ...params,
      metadata: { ...(metadata as Record<string, string> | null), [REQUEST_TAG_KEY]: newTag() },
    } as ResponseCreateParams;
    const executables = this.#executables?.get(params);
    if (executables !== undefined) this.#executables?.set(tagged, executables);
    return this.#own(tagged);
  }

  // `params` were tagged here (no generate() request waits for their tag)
  #own(params: ResponseCreateParams): ResponseCreateParams {
    (this.#ownTagged ??= new WeakSet()).add(params);
    return params;
  }

  /** Whether {@link tag} tagged `params` (so no generate() request waits for their tag). */
  ownTagged(params: object): boolean {
    return this.#ownTagged?.has(params) === true;
  }

  /**
   * `event` (tagged `tag` when generate() or {@link tag} tagged it) is being sent: remembers its tools and the
   * settings its follow-up inherits, if any.
   */
  sending(event: ResponseCreateEvent, tag: string | undefined): void {
    const response = event.response;
    const executables = response === undefined ? undefined : this.#executables?.get(response);
    const names = functionToolNames(response?.tools);
    // copied now: the app's objects may change while the response runs
    const followUp = followUpRequest(response, executables);
    if (names === undefined && followUp === undefined) return;
    const tools: ResponseTools = { names: names ?? NO_NAMES, tools: executables, followUp };
    if (tag !== undefined) keepBounded((this.#byTag ??= new Map()), tag, tools);
    else this.#untagged = { event, tools };
  }

  /**
   * `response` started (its `response.created`); `unanswered` are the last creates written and
   * not answered before it (for the conversation and out of band), which an untagged response
   * answers.
   */
  started(response: RealtimeResponse, ...unanswered: (ResponseCreateEvent | undefined)[]): void {
    // a response of an earlier connection with this id is not this one (a server that hands out
    // its ids again after a restart): its tools must not run for this one's calls. Not cleared
    // with the connection: the follow-up to a response the drop cut off is asked for after the
    // restore, with that response's settings
    this.#byResponse?.delete(response.id);
    if (this.#byTag === undefined && this.#untagged === undefined) return;
    const tag = requestTag(response.resource.metadata);
    let tools: ResponseTools | undefined;
    if (tag !== undefined) {
      tools = this.#byTag?.get(tag);
      this.#byTag?.delete(tag);
    } else if (this.#untagged !== undefined) {
      // the untagged create this response answers, when it is the one still unanswered
      if (unanswered.includes(this.#untagged.event)) tools = this.#untagged.tools;
      this.#untagged = undefined;
    }
    if (tools !== undefined) keepBounded((this.#byResponse ??= new Map()), response.id, tools);
  }

  /** The tools the request that started `responseId` gave it, if any (for the last {@link RESPONSE_TOOLS_KEPT}). */
  of(responseId: string): ResponseTools | undefined {
    return this.#byResponse?.get(responseId);
  }
}

// sets `key` and lets the oldest entry go past RESPONSE_TOOLS_KEPT (a refused or lost request's
// tag is never answered, and responses are not forgotten one by one)
function keepBounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > RESPONSE_TOOLS_KEPT) map.delete(map.keys().next().value as string);
}

// the names of the function tools in a response.create's `tools`, or undefined when it has none
function functionToolNames(tools: unknown): ReadonlySet<string> | undefined {
  if (!Array.isArray(tools)) return undefined;
  const names = new Set<string>();
  for (const tool of tools as unknown[]) {
    const t = tool as { type?: unknown; name?: unknown } | null;
    // `type` is optional on a function tool
    if (
      t !== null &&
      typeof t === 'object' &&
      (t.type === 'function' || t.type === undefined) &&
      typeof t.name === 'string'
    )
      names.add(t.name);
  }
  return names.size > 0 ? names : undefined;
}

function isExecutable(tool: unknown): tool is Tool<any, any> {
  return (
    typeof tool === 'object' &&
    tool !== null &&
    typeof (tool as { execute?: unknown }).execute === 'function'
  );
}
