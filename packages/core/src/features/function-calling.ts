/**
 * The function-calling feature: sends the tools in every `session.update`, collects the calls of
 * each response, runs them (concurrently) through the {@link ToolRunner}, answers every call with
 * a `function_call_output` right after its call item, then requests ONE follow-up response
 * (`keep_both`) unless the tool-only loop cap says stop. A session that was never given tools
 * does none of this: function calls are then the app's to answer.
 * @module
 */
import type { ConversationItem, IdGenerator, Logger, ServerEvent, SessionUpdateParams } from '@voxwire/protocol';
import { ServerError, type SessionError } from '../errors.js';
import type { SessionEvents } from '../events.js';
import type { SessionFeature } from '../feature.js';
import type { ChatItem } from '../conversation/chat-context.js';
import { ToolRunner, type ToolRound } from '../tools/runner.js';
import type { Tool } from '../tools/tool.js';
import type { FunctionCallInfo, ToolFailure } from '../tools/types.js';

/** What the function-calling feature needs from its session (`TSession` is the session itself). */
export interface FunctionCallingHost<TSession> {
  /** The session, given to tools as `context.session`. */
  readonly session: TSession;
  /** `conversation.item.create` after `previousItemId`; resolves on the server's ack. */
  createItem(item: ChatItem, previousItemId: string): Promise<ConversationItem>;
  /** `response.create({ onDuplicate: 'keep_both' })`. */
  requestResponse(): Promise<boolean>;
  /** Emits a session event. */
  emit<K extends 'function_calls_collected' | 'function_calls_finished'>(event: K, ...args: SessionEvents[K]): void;
  /** Reports an error on the session's `error` event. */
  error(error: SessionError): void;
  /** Whether the session is closing or closed (no more requests). */
  closed(): boolean;
  /** Logging. */
  readonly logger: Logger;
  /** Fields every log line carries. */
  logFields(): Record<string, unknown>;
}

/** Options of function calling (model-wide; `tools` may be overridden per session). */
export interface FunctionCallingOptions<TSession> {
  /** The tools the model may call. Validated up front (`ToolError`). @default [] */
  readonly tools?: readonly Tool<any, TSession>[] | undefined;
  /**
   * How many responses in a row may consist of function calls only before no follow-up response
   * is requested and an `error` (`TOOL_LOOP_LIMIT`) is emitted: the guard against
   * `toolChoice: 'required'` loops. A response with a message, or a user turn, resets the count.
   * @default 5
   */
  readonly maxToolOnlyRounds?: number | undefined;
  /** The text sent back to the model for a failed call. @default the runner's `formatToolFailure` */
  readonly formatToolError?: ((failure: ToolFailure, call: FunctionCallInfo) => string) | undefined;
  /** Ids of the output items. */
  readonly generateId: IdGenerator;
}

/** Function calling for one session. */
export class FunctionCallingFeature<TSession> implements SessionFeature {
  /** @inheritdoc */
  readonly name = 'function-calling';
  readonly #host: FunctionCallingHost<TSession>;
  readonly #runner: ToolRunner<TSession>;
  readonly #rounds = new Map<string, ToolRound<TSession>>();
  // tools go into session.update once there are some, and from then on always (so removing all is sent too)
  #announce: boolean;

  /**
   * @param host - the session's requests and events
   * @param options - tools, loop cap, error text, ids
   * @throws ToolError for an invalid tool set
   */
  constructor(host: FunctionCallingHost<TSession>, options: FunctionCallingOptions<TSession>) {
    this.#host = host;
    this.#runner = new ToolRunner<TSession>({
      tools: options.tools ?? [],
      generateId: options.generateId,
      maxToolOnlyRounds: options.maxToolOnlyRounds,
      formatError: options.formatToolError,
    });
    this.#announce = this.#runner.tools.length > 0;
  }

  /** The current tools. */
  get tools(): readonly Tool<any, TSession>[] {
    return this.#runner.tools;
  }

  /** Consecutive tool-only responses so far. */
  get toolOnlyRounds(): number {
    return this.#runner.toolOnlyRounds;
  }

  /**
   * Replaces the tools; returns whether the server must be told (`session.update`).
   * @throws ToolError `INVALID_TOOL`, `DUPLICATE_TOOL` or `SCHEMA_CONVERSION`; the old set stays
   */
  setTools(tools: readonly Tool<any, TSession>[]): boolean {
    const changed = this.#runner.setTools(tools);
    const announce = this.#announce || tools.length > 0;
    const mustSend = changed || announce !== this.#announce;
    this.#announce = announce;
    return mustSend;
  }

  /** @inheritdoc */
  contributeSessionUpdate(session: SessionUpdateParams): SessionUpdateParams {
    if (!this.#announce) return session;
    return { ...session, tools: this.#runner.sessionTools() } as SessionUpdateParams;
  }

  /** @inheritdoc */
  onServerEvent(event: ServerEvent): void {
    // a session that never had tools leaves function calls to the app (it answers them with item.create)
    if (!this.#announce) return;
    switch (event.type) {
      case 'response.created':
        if (event.response.id) this.#round(event.response.id);
        return;
      case 'response.output_item.done':
        // cancelled and interrupted responses too: every call is answered, or the server waits forever
        if (event.item.type === 'function_call') this.#round(event.response_id).addCall(event.item);
        return;
      case 'response.done': {
        const id = event.response.id;
        const round = id === undefined ? undefined : this.#rounds.get(id);
        if (!round || id === undefined) return;
        this.#rounds.delete(id);
        const hasMessageOutput = (event.response.output ?? []).some((item) => item.type === 'message');
        void this.#finish(round, { status: event.response.status ?? 'completed', hasMessageOutput });
        return;
      }
      case 'input_audio_buffer.committed':
        this.#runner.resetLoopCount();
        return;
      case 'conversation.item.added':
      case 'conversation.item.created':
        // a user turn typed as text ends a tool loop as much as a spoken one
        if (event.item.type === 'message' && event.item.role === 'user') this.#runner.resetLoopCount();
        return;
      default:
        return;
    }
  }

  /** @inheritdoc */
  onDisconnected(): void {
    // the responses are gone with the connection: they will never send response.done. Calls
    // the model completed are restored with the conversation, so they are answered anyway: their
    // outputs queue and go out right after the restore (issue 8)
    for (const round of this.#rounds.values()) void this.#finish(round, { status: 'incomplete', hasMessageOutput: false });
    this.#rounds.clear();
  }

  /** @inheritdoc */
  onClosed(): void {
    this.#runner.close(new Error('the session closed'));
    this.#rounds.clear();
  }

  #round(responseId: string): ToolRound<TSession> {
    let round = this.#rounds.get(responseId);
    if (!round) {
      round = this.#runner.startRound({ responseId, session: this.#host.session });
      this.#rounds.set(responseId, round);
    }
    return round;
  }

  async #finish(round: ToolRound<TSession>, end: { status: 'completed' | 'cancelled' | 'failed' | 'incomplete' | 'in_progress'; hasMessageOutput: boolean }): Promise<void> {
    const calls = round.calls;
    if (calls.length > 0) this.#host.emit('function_calls_collected', calls);
    const result = await round.finish({ status: end.status === 'in_progress' ? 'incomplete' : end.status, hasMessageOutput: end.hasMessageOutput });
    if (result.finished.length === 0) return;
    const created = await Promise.allSettled(result.outputs.map((output) => this.#host.createItem(output.item, output.previousItemId)));
    let failed = false;
    for (const outcome of created) {
      if (outcome.status === 'fulfilled') continue;
      failed = true;
      this.#report(outcome.reason, 'could not create a function_call_output');
    }
    this.#host.emit('function_calls_finished', result.finished);
    if (result.loopError) this.#host.error(result.loopError);
    if (!result.requestResponse || failed || this.#host.closed()) return;
    try {
      await this.#host.requestResponse();
    } catch (error) {
      this.#report(error, 'could not request the follow-up response');
    }
  }

  #report(error: unknown, what: string): void {
    if (this.#host.closed()) return;
    this.#host.logger.warn(what, { ...this.#host.logFields(), error: error instanceof Error ? error.message : String(error) });
    // a ServerError was already emitted on `error` when it arrived; emit only local failures
    if (!(error instanceof ServerError) && error instanceof Error && 'code' in error) this.#host.error(error as SessionError);
  }
}
