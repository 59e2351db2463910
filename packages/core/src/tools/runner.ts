/**
 * The tool runner: holds a session's tools and starts one round per response (`round.ts`), whose
 * calls run concurrently (`call-execution.ts`); it keeps the cap on consecutive tool-only
 * responses, which vetoes the follow-up response (the `tool_choice: "required"` loop of
 * livekit/agents#1145).
 * @module
 */
import type { Clock, IdGenerator } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import { ToolError } from './errors.js';
import { ToolRound, type RoundEnd } from './round.js';
import { toSessionTools, type SessionFunctionTool } from './schema.js';
import type { Tool } from './tool.js';
import type { FunctionCallInfo, ToolFailure } from './types.js';

/** Options of {@link ToolRunner}. */
export interface ToolRunnerOptions<TSession = unknown> {
  /** The tools. @default [] */
  readonly tools?: readonly Tool<any, TSession>[] | undefined;
  /** Makes ids for the output items (called as `generateId('item')`). */
  readonly generateId: IdGenerator;
  /**
   * How many responses in a row may consist of function calls only before the runner stops
   * requesting follow-up responses (and reports `TOOL_LOOP_LIMIT`); responses that ended
   * `incomplete` or `failed` count too, cancelled ones do not. A response with a message
   * output, or {@link ToolRunner.resetLoopCount} (call it on every user turn), resets the count.
   * @default 5
   */
  readonly maxToolOnlyRounds?: number | undefined;
  /**
   * Error text for a failed call. One that throws or returns something other than a string is
   * replaced by `formatToolFailure`'s text for that call.
   * @default `formatToolFailure`
   */
  readonly formatError?: ((failure: ToolFailure, call: FunctionCallInfo) => string) | undefined;
  /**
   * How long a call of a tool without its own `timeoutMs` may take, in ms (validation and
   * `execute`); past it the call's signal aborts and it is answered with a `timeout` error text.
   * @default undefined (no limit)
   */
  readonly toolTimeoutMs?: number | undefined;
  /**
   * Whether a round whose response was cancelled (a barge-in, or the app's cancel) asks for a
   * follow-up response (`requestResponse`). Its outputs are created either way.
   * @default false
   */
  readonly followUpCancelledCalls?: boolean | undefined;
  /** Time for the call timeouts. @default systemClock */
  readonly clock?: Clock | undefined;
}

/** The abort reason of calls the session's close stops. */
function sessionClosed(): VoxwireError {
  return new VoxwireError('SESSION_CLOSED', 'the session closed');
}

// Shared by every runner without tools; never written (setTools replaces them, it never mutates).
const NO_TOOLS: readonly never[] = Object.freeze([]);
const NO_TOOLS_BY_NAME: ReadonlyMap<string, never> = new Map<string, never>();

/** Runs tools for a session. */
export class ToolRunner<TSession = unknown> {
  #tools: readonly Tool<any, TSession>[] = NO_TOOLS;
  #byName: ReadonlyMap<string, Tool<any, TSession>> = NO_TOOLS_BY_NAME;
  #sessionTools: readonly SessionFunctionTool[] = NO_TOOLS;
  #toolOnlyRounds = 0;
  // user turns so far; a round takes the number at its start, so that rounds answering separate
  // turns are not counted as in a row because a slow tool made them finish together
  #turns = 0;
  #lastCountedTurn = 0;
  // the rounds not finished yet, aborted by close(); each leaves when it finishes. A set here,
  // not one abort listener per round on a session-wide signal: a tool that never settles keeps
  // its round unfinished, and a day of such calls would pile listeners up (Node warns at 11)
  // (made by the first round: a session without tools never needs it)
  #rounds: Set<ToolRound<TSession>> | undefined;
  // close()'s reason, once it was called (wrapped: a reason may be any value, `undefined` too)
  #closedWith: { readonly reason: unknown } | undefined;
  readonly #options: ToolRunnerOptions<TSession>;

  /**
   * @param options - tools, the id generator, the loop cap and the error text
   * @throws ToolError for an invalid tool set (see {@link ToolRunner.setTools})
   */
  constructor(options: ToolRunnerOptions<TSession>) {
    this.#options = options;
    this.setTools(options.tools ?? []);
  }

  /** The current tools. */
  get tools(): readonly Tool<any, TSession>[] {
    return this.#tools;
  }

  /**
   * Replaces the tool set. Returns whether the `tools` array sent to the server changed, i.e.
   * whether the session must send `session.update` again (the seed never re-sent tools).
   * @throws ToolError `INVALID_TOOL`, `DUPLICATE_TOOL` or `SCHEMA_CONVERSION`; the old set stays
   */
  setTools(tools: readonly Tool<any, TSession>[]): boolean {
    const sessionTools = toSessionTools(tools);
    const changed = JSON.stringify(sessionTools) !== JSON.stringify(this.#sessionTools);
    // most sessions have no tools: they share the empty set instead of three empty collections each
    const none = tools.length === 0;
    this.#tools = none ? NO_TOOLS : [...tools];
    this.#byName = none ? NO_TOOLS_BY_NAME : new Map(tools.map((tool) => [tool.name, tool]));
    this.#sessionTools = none ? NO_TOOLS : sessionTools;
    return changed;
  }

  /** The GA session `tools` array for the current tools. */
  sessionTools(): SessionFunctionTool[] {
    return this.#sessionTools.map((tool) => ({ ...tool }));
  }

  /** Consecutive tool-only responses so far. */
  get toolOnlyRounds(): number {
    return this.#toolOnlyRounds;
  }

  /** Resets the tool-only count; call it when the user takes a turn. */
  resetLoopCount(): void {
    this.#toolOnlyRounds = 0;
    this.#turns++;
  }

  /** @internal the user turn a round started in (see {@link countRound}) */
  get turn(): number {
    return this.#turns;
  }

  /** Whether {@link ToolRunner.close} was called. */
  get closed(): boolean {
    return this.#closedWith !== undefined;
  }

  /**
   * Aborts every running call (their `signal` fires; their outputs become "cancelled" error
   * texts at once) and stops requesting responses. Call it when the session closes.
   * @param reason - the calls' abort reason; @default VoxwireError `SESSION_CLOSED`, typed as
   *   every promise the close settles, so a tool tells it from its own `TIMEOUT` by `code`
   */
  close(reason: unknown = sessionClosed()): void {
    if (this.#closedWith !== undefined) return;
    this.#closedWith = { reason };
    const rounds = this.#rounds;
    this.#rounds = undefined;
    if (rounds !== undefined) for (const round of rounds) round.abort(reason);
  }

  /** Starts collecting the calls of one response. */
  startRound(options: {
    readonly responseId?: string | undefined;
    readonly session: TSession;
  }): ToolRound<TSession> {
    const round = new ToolRound(this, options.responseId, options.session);
    if (this.#closedWith !== undefined) round.abort(this.#closedWith.reason);
    else (this.#rounds ??= new Set()).add(round);
    return round;
  }

  /** @internal a round's calls are all done: close() has nothing of it to abort */
  roundFinished(round: ToolRound<TSession>): void {
    this.#rounds?.delete(round);
  }

  /** @internal */
  lookup(name: string): Tool<any, TSession> | undefined {
    return this.#byName.get(name);
  }

  /** @internal */
  get options(): ToolRunnerOptions<TSession> {
    return this.#options;
  }

  /**
   * @internal counts a finished round that started in user turn `turn`; returns the loop error
   * when the cap is exceeded. A round of a later turn than the last one counted starts the count
   * afresh: its responses answer the user, not each other, however their tools' times line up.
   */
  countRound(hadCalls: boolean, end: RoundEnd, turn = this.#turns): ToolError | undefined {
    if (end.counted === false) return undefined;
    if (turn !== this.#lastCountedTurn) {
      this.#lastCountedTurn = turn;
      this.#toolOnlyRounds = 0;
    }
    if (end.hasMessageOutput) {
      this.#toolOnlyRounds = 0;
      return undefined;
    }
    // a cancelled response (a barge-in, the app's cancel) comes with the user's turn; but one
    // that ended incomplete (a token limit) or failed is followed up as a completed one is, and
    // uncounted, a model cut short calling every time would be followed up without end
    if (!hadCalls || end.status === 'cancelled') return undefined;
    this.#toolOnlyRounds += 1;
    const max = this.#options.maxToolOnlyRounds ?? 5;
    if (this.#toolOnlyRounds <= max) return undefined;
    this.#toolOnlyRounds = 0;
    return new ToolError(
      'TOOL_LOOP_LIMIT',
      `${max + 1} responses in a row only called tools; no further response was requested (is tool_choice "required"?)`,
      { data: { maxToolOnlyRounds: max } },
    );
  }
}
