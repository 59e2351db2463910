/**
 * The function-calling feature: sends the tools in every `session.update`, collects the calls of
 * each response, runs them (concurrently) through the {@link ToolRunner}, answers every call in
 * the conversation with a `function_call_output` right after its call item, then requests ONE
 * follow-up response (`keep_both`) unless the tool-only loop cap says stop. The follow-up carries
 * the per-response settings of the response whose calls it answers (`follow-up.ts`). A session
 * that was never given tools does none of this: function calls are then the app's to answer.
 * @module
 */
import type { RealtimeResponse } from '../responses/tree.js';
import type {
  Clock,
  ConversationItem,
  IdGenerator,
  Logger,
  ServerEvent,
  ServerEventOf,
  SessionUpdateParams,
} from '@voxwire/protocol';
import * as v from 'valibot';
import { ToolSchema } from '@voxwire/protocol';
import type { SessionError } from '../errors.js';
import type { SessionEvents } from '../events.js';
import type { SessionFeature, SessionUpdateContext } from '../feature.js';
import { copyJson } from '../json-copy.js';
import type { ChatItem } from '../conversation/chat-context.js';
import type { ConversationMirror } from '../conversation/mirror.js';
import type { ToolRound } from '../tools/round.js';
import { ToolRunner } from '../tools/runner.js';
import type { Tool } from '../tools/tool.js';
import type { FunctionCallInfo, ToolFailure } from '../tools/types.js';
import type { ResponseCreateRequest } from '../responses/create-options.js';
import type { ResponseTools } from '../responses/per-response-tools.js';
import { HEALED_ITEM_EVENT_ID } from '../reconnect/reattach-probes.js';
import { FollowUpResponse } from './follow-up.js';
import {
  answerCutCalls,
  answerHealedCall,
  type FunctionCallWireItem,
  type KeptCallsHost,
} from './kept-session-calls.js';
import { PendingCalls, answerableAfterRestore } from './pending-calls.js';
import { answerRound, reportToolFailure } from './round-answer.js';
import { chooseCallTool, eventResponseId, type CallChoice } from './response-tool-choice.js';

/** What the function-calling feature needs from its session (`TSession` is the session itself). */
export interface FunctionCallingHost<TSession> {
  /** The session, given to tools as `context.session`. */
  readonly session: TSession;
  /** `conversation.item.create` after `previousItemId`; resolves on the server's ack. */
  createItem(item: ChatItem, previousItemId: string): Promise<ConversationItem>;
  /**
   * `response.generate({ onDuplicate: 'keep_both', response: request })`: the response this
   * request started (matched by its tag), not merely the next one to start; `started` is told it
   * at once.
   */
  requestResponse(
    started?: (response: RealtimeResponse) => void,
    request?: ResponseCreateRequest,
  ): Promise<RealtimeResponse>;
  /** Emits a session event. */
  emit<K extends 'function_calls_collected' | 'function_calls_finished'>(
    event: K,
    ...args: SessionEvents[K]
  ): void;
  /** Reports an error on the session's `error` event. */
  error(error: SessionError): void;
  /** Whether the session is closing or closed (no more requests). */
  closed(): boolean;
  /** Logging. */
  readonly logger: Logger;
  /** Fields every log line carries. */
  logFields(): Record<string, unknown>;
  /**
   * The session's conversation mirror: after a drop it tells which calls the restore re-creates
   * (only those are answered). @default none: every collected call is answered
   */
  mirror?(): ConversationMirror | undefined;
  /**
   * The names of the functions the request that started `responseId` gave that response alone
   * (`response.create`'s own `tools`), and the settings its follow-up inherits. A call to one of
   * them that no session tool answers is the app's. @default none: every call is answered, and
   * every follow-up is a bare `response.create`
   */
  responseTools?(responseId: string): ResponseTools | undefined;
  /**
   * The session's `toolChoice`: a forced one (`'required'`, a named function) is relaxed to
   * `'auto'` in the follow-up. @default none: the follow-up follows the session's choice
   */
  toolChoice?(): unknown;
  /**
   * Whether the server keeps the session across connections (a side-band to a call): calls a
   * drop cut mid-arguments may be completed there. @default none: never
   */
  readonly reliability?: { readonly keepsSession: boolean };
  /**
   * `conversation.item.retrieve`, to ask a kept session for such a call after the re-attach.
   * @default none: they are not asked for
   */
  readonly calls?: { probeItem(itemId: string): Promise<ConversationItem> };
}

/** Options of function calling (model-wide; `tools` may be overridden per session). */
export interface FunctionCallingOptions<TSession> {
  /** The tools the model may call. Validated up front (`ToolError`). @default [] */
  readonly tools?: readonly Tool<any, TSession>[] | undefined;
  /**
   * How many responses in a row may consist of function calls only before no follow-up response
   * is requested and an `error` (`TOOL_LOOP_LIMIT`) is emitted: the guard against
   * `toolChoice: 'required'` loops. Responses that called and ended `incomplete` or `failed`
   * count too; cancelled ones do not. A response with a message, or a user turn, resets the count.
   * @default 5
   */
  readonly maxToolOnlyRounds?: number | undefined;
  /**
   * The text sent back to the model for a failed call; one that throws or returns no string is
   * replaced by the default text.
   * @default the runner's `formatToolFailure`
   */
  readonly formatToolError?: ((failure: ToolFailure, call: FunctionCallInfo) => string) | undefined;
  /**
   * How long a call of a tool without its own `timeoutMs` may take, in ms.
   * @default undefined (no limit)
   */
  readonly toolTimeoutMs?: number | undefined;
  /**
   * Whether a cancelled response's calls are followed up with a response.
   * @default false
   */
  readonly followUpCancelledCalls?: boolean | undefined;
  /** Time for the call timeouts. @default systemClock */
  readonly clock?: Clock | undefined;
  /** Ids of the output items. */
  readonly generateId: IdGenerator;
}

/** Function calling for one session. */
export class FunctionCallingFeature<TSession> implements SessionFeature {
  /** @inheritdoc */
  readonly name = 'function-calling';
  /** @inheritdoc it follows items, never the deltas of their content */
  readonly skipsContentDeltas = true;
  readonly #host: FunctionCallingHost<TSession>;
  readonly #runner: ToolRunner<TSession>;
  // Rounds and pending calls exist only once a session with tools sees a response: most sessions
  // have no tools and never allocate them (see onServerEvent's first line).
  #roundsMap: Map<string, ToolRound<TSession>> | undefined;
  #pendingCalls: PendingCalls | undefined;
  // tools go into session.update once there are some, and from then on always (so removing all is sent too)
  #announce: boolean;
  // the follow-up response owed to the model after its calls were answered
  readonly #followUp: FollowUpResponse;
  // The `tools` of the server's last `session.updated` (the full configuration it applied): what
  // the restore sends. `undefined` before the first echo: the restore sends the current tools,
  // as it sends the current options when nothing was confirmed.
  #confirmedTools: readonly unknown[] | undefined;
  // calls a kept session's drop cut mid-arguments (item ids by response), asked for on the next
  // connection
  #cutOnKept: Map<string, string[]> | undefined;

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
      toolTimeoutMs: options.toolTimeoutMs,
      followUpCancelledCalls: options.followUpCancelledCalls,
      clock: options.clock,
    });
    this.#announce = this.#runner.tools.length > 0;
    this.#followUp = new FollowUpResponse(host, (error, what) =>
      reportToolFailure(host, error, what),
    );
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

  /**
   * @inheritdoc The restore's update carries the tools the server last confirmed, as it carries
   * the confirmed options: a `setTools` the drop cut (or made during the outage) is re-sent after
   * it as its own update, so a fresh server refusing the new set keeps the confirmed one, as a
   * refusal without a drop would, instead of refusing the whole restore and closing the session.
   */
  contributeSessionUpdate(
    session: SessionUpdateParams,
    context?: SessionUpdateContext,
  ): SessionUpdateParams {
    if (!this.#announce) return session;
    const tools =
      context?.restore === true && this.#confirmedTools !== undefined
        ? copyJson(this.#confirmedTools)
        : this.#runner.sessionTools();
    return { ...session, tools } as SessionUpdateParams;
  }

  get #rounds(): Map<string, ToolRound<TSession>> {
    return (this.#roundsMap ??= new Map());
  }

  get #pending(): PendingCalls {
    return (this.#pendingCalls ??= new PendingCalls());
  }

  /** @inheritdoc */
  onServerEvent(event: ServerEvent): void {
    if (event.type === 'session.updated') {
      const tools = (event.session as { tools?: unknown }).tools;
      // only the tools this version can describe: the decoder passes a tool kind the API added
      // later (a hosted tool) through, and the restore's session.update, validated strictly like
      // every client event, would fail to encode with it and end the session on reconnect
      if (event.session.type === 'realtime' && Array.isArray(tools))
        this.#confirmedTools = tools.filter((tool) => v.is(ToolSchema, tool));
      return;
    }
    // a session that never had tools leaves function calls to the app (it answers them with
    // item.create), except those of a response given executable tools of its own; it is still
    // told which calls it has to answer, as the seed told it
    if (!this.#announce && !this.#hasOwnTools(event)) {
      if (event.type === 'response.done') this.#reportAppCalls(event.response);
      return;
    }
    switch (event.type) {
      case 'response.created':
        if (event.response.id && !this.#pending.isFinished(event.response.id))
          this.#round(event.response.id);
        return;
      case 'response.output_item.added':
        if (event.item.type === 'function_call' && event.item.id)
          this.#pending.added(event.response_id, event.item.id);
        return;
      case 'response.function_call_arguments.done':
        // beta frames carry no `name` (typed as a string in the GA model, absent at run time)
        this.#pending.argumentsDone(
          event.item_id,
          event.arguments,
          event.call_id,
          (event.name as string | undefined) || undefined,
        );
        return;
      case 'response.output_item.done':
        // cancelled and interrupted responses too: every call is answered, or the server waits forever.
        // Arriving after its response.done (reordered), the call was taken from that response's output
        if (event.item.type === 'function_call' && !this.#pending.isFinished(event.response_id))
          this.#addCall(event.response_id, event.item);
        return;
      case 'response.done': {
        const id = event.response.id;
        if (id === undefined) return;
        this.#followUp.done(id);
        // delivered again under a new event_id (a relay's redelivery): its calls were answered
        // once already; taken as new they would run again, answered twice, and followed up twice
        if (this.#pending.isFinished(id)) return;
        const output = event.response.output ?? [];
        // a call whose output_item.done was lost or comes late is still in the response's output
        for (const item of output) {
          if (
            item.type === 'function_call' &&
            item.id &&
            !this.#rounds.get(id)?.calls.some((c) => c.itemId === item.id)
          )
            this.#addCall(id, item);
        }
        this.#pending.finished(id);
        const round = this.#rounds.get(id);
        if (!round) return;
        this.#rounds.delete(id);
        const hasMessageOutput = output.some((item) => item.type === 'message');
        void answerRound(this.#host, this.#followUp, id, round, {
          status: event.response.status ?? 'completed',
          hasMessageOutput,
          outputIds: output.flatMap((item) => (item.id ? [item.id] : [])),
          keptSession: this.#host.reliability?.keepsSession === true,
        });
        return;
      }
      case 'input_audio_buffer.committed':
        this.#runner.resetLoopCount();
        return;
      case 'conversation.item.added':
      case 'conversation.item.created':
        // a user turn typed as text ends a tool loop as much as a spoken one
        if (event.item.type === 'message' && event.item.role === 'user')
          this.#runner.resetLoopCount();
        else if (event.event_id === HEALED_ITEM_EVENT_ID && event.item.type === 'function_call')
          answerHealedCall(this.#keptCalls, event.item);
        return;
      default:
        return;
    }
  }

  /** @inheritdoc */
  onConnected(): void {
    this.#followUp.onConnected();
    const cut = this.#cutOnKept;
    this.#cutOnKept = undefined;
    if (cut !== undefined)
      for (const [responseId, itemIds] of cut)
        void answerCutCalls(this.#keptCalls, responseId, itemIds);
  }

  // runs and answers `items` now as one round of `responseId` (calls of a side-band's kept
  // session that no response event will hand over: kept-session-calls.ts)
  #answerNow(responseId: string, wire: readonly FunctionCallWireItem[]): void {
    // one reached by another path already (see PendingCalls.claim) is answered there
    const items = wire.filter((item) => item.id === undefined || this.#pending.claim(item.id));
    if (items.length === 0) return;
    const round = this.#round(responseId);
    for (const item of items) round.addCall(item, this.#callOptions(responseId, item.name));
    this.#rounds.delete(responseId);
    // not marked finished: on a kept session the response may go on, and a call of it heard
    // later (a parallel call the drop hid) is answered in a round of its own; the calls
    // answered here are claimed, so its response.done does not run them again
    void answerRound(this.#host, this.#followUp, responseId, round, {
      status: 'completed',
      hasMessageOutput: false,
      outputIds: items.flatMap((item) => (item.id === undefined ? [] : [item.id])),
    });
  }

  // what kept-session-calls.ts needs of this feature
  get #keptCalls(): KeptCallsHost {
    return {
      calls: this.#host.calls,
      mirror: this.#host.mirror?.(),
      logger: this.#host.logger,
      logFields: () => this.#host.logFields(),
      handled: (responseId) => this.#pending.isFinished(responseId) || this.#rounds.has(responseId),
      answer: (responseId, items) => this.#answerNow(responseId, items),
    };
  }

  /** @inheritdoc */
  onDisconnected(): void {
    const kept = this.#host.reliability?.keepsSession === true;
    this.#followUp.onDisconnected(kept);
    // The responses are gone with the connection: they will never send response.done. Every call
    // the model completed is restored with the conversation and answered: its output queues and
    // goes out right after the restore, followed by one response.create per round (issue 8).
    // This runs before the reconnect, so the restore sees the mirror as decided here.
    const rounds = this.#roundsMap;
    if (rounds === undefined) {
      // no round ever started: drop any call seen without its response.created
      this.#pendingCalls?.clear(kept);
      return;
    }
    const mirror = this.#host.mirror?.();
    for (const [responseId, round] of rounds) {
      const cut = kept ? this.#pending.cut(responseId, mirror) : [];
      if (cut.length > 0) (this.#cutOnKept ??= new Map()).set(responseId, cut);
      // completed calls whose response.output_item.done the drop cut off
      const recovered = this.#pending.recover(responseId, mirror, kept);
      for (const item of recovered)
        if (item.id === undefined || this.#pending.claim(item.id))
          round.addCall(item, this.#callOptions(responseId, item.name));
      // withdrawn: a call the conversation holds but the restore leaves out (cut, interrupted).
      // A call whose item is in no conversation (an out-of-band response's) ran all the same:
      // it is reported with its result, as when no drop cut it, and answered nowhere
      const keep = (call: FunctionCallInfo): boolean =>
        mirror?.has(call.itemId) !== true || answerableAfterRestore(call.itemId, mirror);
      const withdrawn = round.calls.filter((call) => !keep(call)).length;
      if (recovered.length > 0 || withdrawn > 0) {
        this.#host.logger.info('function calls of a response cut by the drop', {
          ...this.#host.logFields(),
          responseId,
          recovered: recovered.length,
          withdrawn,
        });
      }
      void answerRound(
        this.#host,
        this.#followUp,
        responseId,
        round,
        { status: 'incomplete', hasMessageOutput: false },
        keep,
      );
    }
    rounds.clear();
    this.#pendingCalls?.clear(kept);
  }

  /** @inheritdoc */
  onClosed(): void {
    this.#followUp.onClosed();
    // the runner's typed reason (SESSION_CLOSED), as every promise the close settles
    this.#runner.close();
    this.#roundsMap?.clear();
    this.#pendingCalls?.clear();
  }

  // `function_calls_collected` for the calls of a session without tools, taken from the
  // response's output when it is done: nothing is tracked for it before (no round, no state for
  // a session that makes no calls), and the output holds each call's final arguments
  #reportAppCalls(response: ServerEventOf<'response.done'>['response']): void {
    const responseId = response.id;
    if (responseId === undefined) return;
    const calls: FunctionCallInfo[] = [];
    for (const item of response.output ?? []) {
      if (item.type !== 'function_call' || !item.id) continue;
      calls.push({
        callId: item.call_id ?? item.id,
        itemId: item.id,
        name: item.name,
        arguments: item.arguments,
        responseId,
      });
    }
    // a response.done delivered again (a relay's redelivery under a new event_id) reports once
    if (calls.length === 0 || this.#pending.isFinished(responseId)) return;
    this.#pending.finished(responseId);
    this.#host.emit('function_calls_collected', calls);
  }

  #addCall(responseId: string, item: Parameters<ToolRound<TSession>['addCall']>[0]): void {
    if (item.id) this.#pending.taken(item.id);
    // one answer per call: a call item delivered again (a duplicate without event_id), or one
    // a side-band answered already by another path, is not run twice
    if (item.id && !this.#pending.claim(item.id)) return;
    this.#round(responseId).addCall(item, this.#callOptions(responseId, item.name));
  }

  // the response's own tools (see chooseCallTool) before the session's
  #callOptions(responseId: string, name: string): CallChoice<TSession> {
    const own = this.#host.responseTools?.(responseId);
    return chooseCallTool(name, own, (n) => this.#runner.lookup(n), this.#announce);
  }

  // whether `event` belongs to a response given executable tools of its own
  #hasOwnTools(event: ServerEvent): boolean {
    const responseId = eventResponseId(event);
    return responseId !== undefined && this.#host.responseTools?.(responseId)?.tools !== undefined;
  }

  #round(responseId: string): ToolRound<TSession> {
    let round = this.#rounds.get(responseId);
    if (!round) {
      round = this.#runner.startRound({ responseId, session: this.#host.session });
      this.#rounds.set(responseId, round);
    }
    return round;
  }
}
