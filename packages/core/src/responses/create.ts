/**
 * `response.create` with the seed's `on_duplicate` semantics (#1204), verbatim in behaviour:
 * 1. a create is pending (waiting for its `response.created`) and `cancel_new` → `false`;
 * 2. no active response, or it is done → send `response.create` now → `true`;
 * 3. a response is in progress: `cancel_new` → `false`; `cancel_existing` → send
 *    `response.cancel` first; `keep_both` → just wait;
 * 4. for `cancel_existing` and `keep_both`: wait for the active response to end, mark a create
 *    pending (cleared by the next `response.created`), send `response.create` → `true`.
 *
 * `generate()` goes through the same steps with a tagged create and resolves with the response
 * itself (`awaited.ts`).
 * @module
 */
import type { ClientEvent, Clock, Logger, ResponseCreateParams, TimerId } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import {
  AwaitedResponses,
  MAX_METADATA_PAIRS,
  REQUEST_TAG_KEY,
  requestTag,
  type ResponseCreateEvent,
} from './awaited.js';
import type { RealtimeResponse } from './tree.js';
import { toSessionTools } from '../tools/schema.js';
import type { Tool } from '../tools/tool.js';

/** What to do when a response is already in progress. */
export type OnDuplicate = 'cancel_existing' | 'cancel_new' | 'keep_both';

/** A tool of one response: a wire tool (function or MCP), or an executable tool (`defineTool`). */
export type ResponseTool = NonNullable<ResponseCreateParams['tools']>[number] | Tool<any, any>;

/**
 * The per-response overrides of `response.create` (GA shape). `tools` may also hold executable
 * tools (`defineTool`): they are sent as function tools (their JSON Schema) and run for this
 * response only; a wire function tool's calls are the app's to answer.
 */
export type ResponseCreateRequest = Omit<ResponseCreateParams, 'tools'> & {
  tools?: ResponseTool[] | undefined;
};

/** What the request that started a response gave it for itself in `tools`. */
export interface ResponseTools {
  /** The names of its function tools, executable or not. */
  readonly names: ReadonlySet<string>;
  /** Its executable tools, by name. */
  readonly tools: ReadonlyMap<string, Tool<any, any>> | undefined;
}

/** Options of `session.response.create`. */
export interface ResponseCreateOptions {
  /** What to do when a response is already in progress. @default 'keep_both' */
  onDuplicate?: OnDuplicate | undefined;
  /** Per-response overrides sent as `response.create.response` (GA shape). @default undefined (bare create, as the seed) */
  response?: ResponseCreateRequest | undefined;
}

/** Options of `session.response.generate`. */
export interface ResponseGenerateOptions extends ResponseCreateOptions {
  /**
   * Gives up on the request: the promise rejects with the signal's reason. A create not sent yet
   * (waiting for the active response under `keep_both`) is never sent; one already sent has the
   * response it starts cancelled. An abort after the promise resolved does nothing (use
   * `session.response.cancel()`).
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

const ON_DUPLICATE = new Set<string>(['cancel_existing', 'cancel_new', 'keep_both']);

/** Host services the creator needs from the session. */
export interface CreatorHost {
  /** Sends a client event (queued if not open); throws when the session is closed. */
  send(event: ClientEvent): void;
  /** A fresh client event id. */
  eventId(): string;
  /** The responses in progress, oldest first. */
  activeResponses(): readonly RealtimeResponse[];
  /** Whether `event` still waits in the outbox (not written to a socket yet). */
  queued(event: ClientEvent): boolean;
  /** Logs with the session id. */
  readonly logger: Logger;
  /** Fields for log lines. */
  logFields(): Record<string, unknown>;
  /** Time for the timeouts of `generate()` requests. */
  readonly clock: Clock;
  /** How long a written `generate()` request waits for its `response.created` (while connected). */
  readonly requestTimeoutMs: number;
}

/** The `response.create` / `response.cancel` logic. */
export class ResponseCreator {
  readonly #host: CreatorHost;
  #pendingCreate = false;
  // a create no answer ever came for (neither response.created nor an error naming it) must not
  // hold every later create back: after requestTimeoutMs it stops counting
  #pendingTimer: TimerId | undefined;
  // the last response.create written to a socket whose response.created has not arrived
  #unanswered: ResponseCreateEvent | undefined;
  // the ones the connection took with it: sent again once the next connection is restored
  #lost: ResponseCreateEvent[] | undefined;
  // generate()'s requests; made on the first, so a session that never awaits one keeps nothing
  #awaited: AwaitedResponses | undefined;
  #connected = false;
  // creates waiting their turn, woken when a pending create is answered, refused or lost
  #waiting: (() => void)[] | undefined;
  // The function names of creates that carried their own `tools`, until their response starts:
  // by tag for generate()'s, and the untagged create's with the create itself (the next
  // response.created answers it, as #unanswered assumes). Then by response id, for the
  // function-calling feature. All made on the first such create: most sessions never send one.
  #toolsByTag: Map<string, ResponseTools> | undefined;
  #untaggedTools: { event: ResponseCreateEvent; tools: ResponseTools } | undefined;
  #toolsByResponse: Map<string, ResponseTools> | undefined;
  // the executable tools of a create's params (kept with the params object, which a create the
  // connection lost is sent again with)
  #executables: WeakMap<object, ReadonlyMap<string, Tool<any, any>>> | undefined;

  /** Creates the logic over `host`. */
  constructor(host: CreatorHost) {
    this.#host = host;
  }

  #awaitedTable(): AwaitedResponses {
    const host = this.#host;
    return (this.#awaited ??= new AwaitedResponses(
      host.clock,
      host.requestTimeoutMs,
      (responseId) =>
        host.send({ type: 'response.cancel', event_id: host.eventId(), response_id: responseId }),
      !this.#connected,
    ));
  }

  /** Whether a deferred create was sent and its `response.created` has not arrived yet. */
  get createPending(): boolean {
    return this.#pendingCreate;
  }

  /** Called on every `response.created` (the seed resolves and clears its create future there). */
  onResponseCreated(response: RealtimeResponse): void {
    this.#noteResponseTools(response);
    this.#clearPending();
    this.#unanswered = undefined;
    this.#awaited?.created(response);
    this.#wake();
  }

  /**
   * The names of the functions the request that started `responseId` gave that response alone
   * (`response.tools`), when it gave any; for the last {@link RESPONSE_TOOLS_KEPT} such responses.
   */
  responseTools(responseId: string): ResponseTools | undefined {
    return this.#toolsByResponse?.get(responseId);
  }

  #noteResponseTools(response: RealtimeResponse): void {
    if (this.#toolsByTag === undefined && this.#untaggedTools === undefined) return;
    const tag = requestTag(response.resource.metadata);
    let tools: ResponseTools | undefined;
    if (tag !== undefined) {
      tools = this.#toolsByTag?.get(tag);
      this.#toolsByTag?.delete(tag);
    } else if (this.#untaggedTools !== undefined) {
      // the untagged create this response answers, when it is the one still unanswered
      if (this.#untaggedTools.event === this.#unanswered) tools = this.#untaggedTools.tools;
      this.#untaggedTools = undefined;
    }
    if (tools !== undefined) keepBounded((this.#toolsByResponse ??= new Map()), response.id, tools);
  }

  #markPending(): void {
    this.#pendingCreate = true;
    const { clock } = this.#host;
    clock.clearTimeout(this.#pendingTimer);
    this.#pendingTimer = clock.setTimeout(() => {
      this.#pendingTimer = undefined;
      if (!this.#pendingCreate) return;
      this.#host.logger.warn(
        'response.create got no answer: later creates no longer wait for it',
        this.#host.logFields(),
      );
      this.#pendingCreate = false;
      this.#wake();
    }, this.#host.requestTimeoutMs);
  }

  #clearPending(): void {
    this.#pendingCreate = false;
    this.#host.clock.clearTimeout(this.#pendingTimer);
    this.#pendingTimer = undefined;
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) for (const wake of waiting) wake();
  }

  // resolves at the next change a waiting create must look at
  #nextChange(): Promise<void> {
    return new Promise((resolve) => (this.#waiting ??= []).push(resolve));
  }

  /**
   * The client event `eventId` was refused (the server's `error` named it, or it could not be
   * written): if it was the unanswered create, it is answered; a `generate()` request it carried
   * rejects with `error`. Returns whether such a request took the error.
   */
  refused(eventId: string, error: unknown): boolean {
    if (this.#unanswered?.event_id === eventId) {
      this.#unanswered = undefined;
      this.#clearPending();
      this.#wake();
    }
    return this.#awaited?.refused(eventId, error) ?? false;
  }

  /**
   * Called when the connection is lost: a pending create will never see its `response.created`.
   * A create the old socket took without answering is remembered and sent again by
   * {@link reopened}; one still in the outbox goes out after the restore anyway.
   */
  reset(): void {
    this.#clearPending();
    this.#connected = false;
    this.#wake();
    const queued = (event: ClientEvent): boolean => this.#host.queued(event);
    // generate() requests written and not answered: each is asked again, in the order they
    // were written, so each gets the answer the next connection gives
    const lost = this.#awaited?.lost(queued) ?? [];
    // and the last create written, when untagged (the seed's one unanswered create)
    const unanswered = this.#unanswered;
    if (unanswered !== undefined && !queued(unanswered)) {
      if (!lost.includes(unanswered)) lost.push(unanswered);
      this.#unanswered = undefined;
    }
    if (lost.length > 0) (this.#lost ??= []).push(...lost);
  }

  /**
   * A connection is open and restored: a response the last one was asked for and never started
   * (its `response.create` was written, no `response.created` came back) is asked for again.
   */
  reopened(): void {
    this.#connected = true;
    this.#awaited?.resumed();
    const lost = this.#lost;
    if (lost === undefined) return;
    this.#lost = undefined;
    for (const event of lost) {
      this.#host.logger.info('response.create lost with the connection: sent again', {
        ...this.#host.logFields(),
        eventId: event.event_id,
      });
      this.#send(event.response);
    }
  }

  /** The session closed for good: nothing is sent again; `generate()` requests reject with `error`. */
  closed(error: unknown): void {
    this.#lost = this.#unanswered = undefined;
    this.#clearPending();
    this.#connected = false;
    this.#awaited?.closed(error);
    this.#wake();
  }

  /**
   * Requests a response like {@link create} and resolves with it once the server started it
   * (its `response.created`). Rejects with the server's `ServerError` when it refuses the
   * request, `RESPONSE_IN_PROGRESS` when `cancel_new` declined it, `TIMEOUT` when no
   * `response.created` answered it within `requestTimeoutMs` of connected time, the signal's
   * reason on abort, `SESSION_CLOSED` (or the close's cause) when the session ends first, and
   * `INVALID_ARGUMENT` for bad options. With `slow` (the engine's own requests), no `TIMEOUT`:
   * `slow` is called after `requestTimeoutMs` and the request keeps waiting for its response.
   */
  generate(
    options: ResponseGenerateOptions = {},
    started?: (response: RealtimeResponse) => void,
    slow?: () => void,
  ): Promise<RealtimeResponse> {
    let metadata: Record<string, string>;
    let signal: AbortSignal | undefined;
    try {
      signal = checkSignal(options.signal);
      metadata = callerMetadata(options.response?.metadata);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const tag = this.#host.eventId();
    metadata[REQUEST_TAG_KEY] = tag;
    const response: ResponseCreateRequest = { ...options.response, metadata };
    const table = this.#awaitedTable();
    const awaited = table.add(tag, signal, started, slow);
    this.create({ onDuplicate: options.onDuplicate ?? 'keep_both', response }).then(
      (sent) => {
        if (!sent)
          table.reject(
            tag,
            new VoxwireError(
              'RESPONSE_IN_PROGRESS',
              'a response is in progress (onDuplicate: cancel_new)',
              {
                data: { responseId: this.#host.activeResponses().at(-1)?.id },
              },
            ),
          );
      },
      (error: unknown) => table.reject(tag, error),
    );
    return awaited;
  }

  /**
   * Requests a response. Resolves `true` once `response.create` was sent (or queued), `false`
   * when `cancel_new` refused it; rejects with `INVALID_ARGUMENT` for a bad `onDuplicate` and
   * with `SESSION_CLOSED` when the session closed first.
   */
  async create(options: ResponseCreateOptions = {}): Promise<boolean> {
    const onDuplicate = options.onDuplicate ?? 'keep_both';
    if (!ON_DUPLICATE.has(onDuplicate)) {
      throw new VoxwireError(
        'INVALID_ARGUMENT',
        `invalid onDuplicate ${JSON.stringify(onDuplicate)}: expected 'cancel_existing', 'cancel_new' or 'keep_both'`,
        {
          data: { argument: 'onDuplicate' },
        },
      );
    }
    // executable tools become wire tools now: an invalid one is refused before anything is sent
    const params = this.#prepare(options.response);
    // an out-of-band response (`conversation: 'none'`) runs beside the conversation's: the
    // one-active-response rule does not apply to it, so it waits for nothing
    if (params?.conversation === 'none') return this.#send(params);
    const { logger } = this.#host;
    if (this.#pendingCreate && onDuplicate === 'cancel_new') {
      logger.warn('response.create already pending, cancelling new one', this.#host.logFields());
      return false;
    }
    let active = this.#host.activeResponses();
    if (active.length === 0 && !this.#pendingCreate) {
      // its response.created is what the next create waits for
      this.#sendPending(params);
      return true;
    }
    const responseId = active.at(-1)?.id;
    if (onDuplicate === 'cancel_new') {
      logger.warn('response already in progress, cancelling new one', {
        ...this.#host.logFields(),
        responseId,
      });
      return false;
    }
    if (onDuplicate === 'cancel_existing') {
      logger.warn('response already in progress, cancelling existing one', {
        ...this.#host.logFields(),
        responseId,
      });
    } else {
      logger.warn('waiting for in-progress response to be done before creating a new one', {
        ...this.#host.logFields(),
        responseId,
      });
    }
    // every response in progress, out-of-band ones included (a response does not always say
    // which it is), one that starts meanwhile (server VAD), and a create sent but not answered
    // yet (two waiters woken by one response's end would both send): the conversation never
    // has two
    // cancel_existing cancels each as it is seen, by id (a bare cancel names the conversation's
    // response only, and which are out of band is not always known): those running now, and
    // one that starts while this waits (a create still unanswered, the VAD's)
    const cancelled = onDuplicate === 'cancel_existing' ? new Set<string>() : undefined;
    while ((active = this.#host.activeResponses()).length > 0 || this.#pendingCreate) {
      if (cancelled)
        for (const r of active)
          if (!cancelled.has(r.id)) {
            cancelled.add(r.id);
            this.#cancel(r.id);
          }
      await Promise.race([this.#nextChange(), ...active.map((r) => r.done)]);
    }
    // a generate() request aborted while it waited is not sent at all
    return this.#sendPending(params);
  }

  /**
   * The wire params of `request`: its executable tools replaced by their function tools (kept
   * aside, to run for the response it starts).
   * @throws ToolError for an invalid executable tool
   */
  #prepare(request: ResponseCreateRequest | undefined): ResponseCreateParams | undefined {
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

  /** Sends `response.cancel` unconditionally (as the seed; the server answers an error if none is active). */
  cancel(): void {
    this.#cancel(undefined);
  }

  #cancel(responseId: string | undefined): void {
    this.#host.send(
      responseId === undefined
        ? { type: 'response.cancel', event_id: this.#host.eventId() }
        : { type: 'response.cancel', event_id: this.#host.eventId(), response_id: responseId },
    );
  }

  #send(response: ResponseCreateParams | undefined): boolean {
    const tag = response === undefined ? undefined : requestTag(response.metadata);
    if (tag !== undefined && this.#awaited?.has(tag) !== true) return false;
    const event: ResponseCreateEvent =
      response === undefined
        ? { type: 'response.create', event_id: this.#host.eventId() }
        : { type: 'response.create', event_id: this.#host.eventId(), response };
    // known before the write: a write that fails at once (a value the connection's dialect
    // cannot express, such as an MCP tool on a beta server) is refused by this event id, and the
    // request it carries must be found to reject
    this.#unanswered = event;
    if (tag !== undefined) this.#awaited?.sent(tag, event);
    const names = functionToolNames(response?.tools);
    if (names !== undefined) {
      const tools: ResponseTools = {
        names,
        tools: response === undefined ? undefined : this.#executables?.get(response),
      };
      if (tag !== undefined) keepBounded((this.#toolsByTag ??= new Map()), tag, tools);
      else this.#untaggedTools = { event, tools };
    }
    try {
      this.#host.send(event);
    } catch (error) {
      // not sent at all (the session is closing): nothing to wait for
      if (this.#unanswered === event) this.#unanswered = undefined;
      throw error;
    }
    return true;
  }

  /**
   * {@link #send}, then, unless the write was refused on the spot, the next create waits for its
   * `response.created`. Returns false when an aborted request was not sent.
   */
  #sendPending(response: ResponseCreateParams | undefined): boolean {
    if (!this.#send(response)) return false;
    // refused (cleared) during the write: no response is on its way to wait for
    if (this.#unanswered !== undefined) this.#markPending();
    return true;
  }
}

/** How many responses (and unanswered requests) the per-response tool names are kept for. */
const RESPONSE_TOOLS_KEPT = 32;

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

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const s = signal as Partial<AbortSignal> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function' ||
    typeof s.removeEventListener !== 'function'
  ) {
    throw new VoxwireError('INVALID_ARGUMENT', 'signal must be an AbortSignal', {
      data: { argument: 'signal' },
    });
  }
  return signal as AbortSignal;
}

// a copy of the caller's metadata, checked to leave room for the request tag: a plain string
// map of at most 15 pairs, without the tag's key
function callerMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  const invalid = (message: string): VoxwireError =>
    new VoxwireError('INVALID_ARGUMENT', message, { data: { argument: 'response.metadata' } });
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw invalid('response.metadata must be an object of strings');
  const entries = Object.entries(metadata);
  if (entries.some(([, value]) => typeof value !== 'string'))
    throw invalid('response.metadata must be an object of strings');
  if (REQUEST_TAG_KEY in metadata)
    throw invalid(`response.metadata.${REQUEST_TAG_KEY} is reserved for generate()'s request tag`);
  if (entries.length >= MAX_METADATA_PAIRS)
    throw invalid(
      `response.metadata has ${entries.length} pairs: generate() needs one of the API's ${MAX_METADATA_PAIRS} for its request tag`,
    );
  return { ...(metadata as Record<string, string>) };
}
