/**
 * The tool runner: answers every function call of a response. Each call is parsed, validated and
 * started as soon as its item is done, concurrently with the others; when the response is done,
 * the round waits for all of them and yields one output per call (result or clear error text),
 * the `function_calls_collected` / `function_calls_finished` payloads, and whether to request a
 * follow-up response, which a cap on consecutive tool-only responses can veto (the
 * `tool_choice: "required"` loop of livekit/agents#1145).
 * @module
 */
import { systemClock, type Clock, type IdGenerator, type TimerId } from '@voxwire/protocol';
import { VoxwireError } from '../errors.js';
import { ToolError } from './errors.js';
import { formatToolFailure, stringifyResult } from './outputs.js';
import { checkArguments, toSessionTools, type ArgumentsResult } from './schema.js';
import type { SessionFunctionTool } from './schema.js';
import type { Tool } from './tool.js';
import type {
  CalledFunction,
  FunctionCallInfo,
  ToolFailure,
  ToolOutputItem,
  ToolRoundResult,
} from './types.js';

/** Options of {@link ToolRunner}. */
export interface ToolRunnerOptions<TSession = unknown> {
  /** The tools. @default [] */
  readonly tools?: readonly Tool<any, TSession>[] | undefined;
  /** Makes ids for the output items (called as `generateId('item')`). */
  readonly generateId: IdGenerator;
  /**
   * How many responses in a row may consist of function calls only before the runner stops
   * requesting follow-up responses (and reports `TOOL_LOOP_LIMIT`). A response with a message
   * output, or {@link ToolRunner.resetLoopCount} (call it on every user turn), resets the count.
   * @default 5
   */
  readonly maxToolOnlyRounds?: number | undefined;
  /**
   * Error text for a failed call. One that throws or returns something other than a string is
   * replaced by {@link formatToolFailure}'s text for that call.
   * @default {@link formatToolFailure}
   */
  readonly formatError?: ((failure: ToolFailure, call: FunctionCallInfo) => string) | undefined;
  /**
   * How long a call of a tool without its own `timeoutMs` may take, in ms (validation and
   * `execute`); past it the call's signal aborts and it is answered with a `timeout` error text.
   * @default undefined (no limit)
   */
  readonly toolTimeoutMs?: number | undefined;
  /** Time for the call timeouts. @default systemClock */
  readonly clock?: Clock | undefined;
}

/** A function call item as `response.output_item.done` carries it (GA wire field names). */
export interface FunctionCallItemInput {
  /** The item id. */
  readonly id?: string | undefined;
  /** The call id. */
  readonly call_id?: string | undefined;
  /** The function name. */
  readonly name: string;
  /** The arguments as JSON text. */
  readonly arguments: string;
  /** `incomplete` when the response was interrupted while the model was writing the arguments. */
  readonly status?: string | undefined;
}

/** How a response ended, for the loop cap. */
export interface RoundEnd {
  /** The response's final status. @default 'completed' */
  readonly status?: 'completed' | 'cancelled' | 'failed' | 'incomplete' | undefined;
  /** Whether the response also produced a message (speech or text). @default false */
  readonly hasMessageOutput?: boolean | undefined;
  /**
   * Whether the round counts for the loop cap: `false` for an out-of-band response, which is no
   * turn of the conversation, so it neither counts toward the cap nor resets it.
   * @default true
   */
  readonly counted?: boolean | undefined;
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
  // created by the first round or by close(): a session without tools never needs its signal
  #closer: AbortController | undefined;
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
  }

  /** Whether {@link ToolRunner.close} was called. */
  get closed(): boolean {
    return this.#closer?.signal.aborted === true;
  }

  /**
   * Aborts every running call (their `signal` fires; their outputs become "cancelled" error
   * texts at once) and stops requesting responses. Call it when the session closes.
   */
  close(reason: unknown = new Error('the session closed')): void {
    const closer = (this.#closer ??= new AbortController());
    if (!closer.signal.aborted) closer.abort(reason);
  }

  /** Starts collecting the calls of one response. */
  startRound(options: {
    readonly responseId?: string | undefined;
    readonly session: TSession;
  }): ToolRound<TSession> {
    this.#closer ??= new AbortController();
    return new ToolRound(this, this.#closer.signal, options.responseId, options.session);
  }

  /** @internal */
  lookup(name: string): Tool<any, TSession> | undefined {
    return this.#byName.get(name);
  }

  /** @internal */
  get options(): ToolRunnerOptions<TSession> {
    return this.#options;
  }

  /** @internal counts a finished round; returns the loop error when the cap is exceeded */
  countRound(hadCalls: boolean, end: RoundEnd): ToolError | undefined {
    if (end.counted === false) return undefined;
    if (end.hasMessageOutput) {
      this.#toolOnlyRounds = 0;
      return undefined;
    }
    if (!hadCalls || (end.status ?? 'completed') !== 'completed') return undefined;
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

interface Running {
  readonly call: FunctionCallInfo;
  readonly done: Promise<CalledFunction>;
}

/** The calls of one response. Add each call as its item is done; `finish` when the response is done. */
export class ToolRound<TSession = unknown> {
  readonly #runner: ToolRunner<TSession>;
  readonly #controller = new AbortController();
  readonly #running: Running[] = [];
  // every call in the order added: the run ones and those left to the app
  readonly #calls: FunctionCallInfo[] = [];
  readonly #appCalls: FunctionCallInfo[] = [];
  readonly #responseId: string | undefined;
  readonly #session: TSession;
  readonly #closed: AbortSignal;
  #finished = false;
  readonly #onClose: () => void;

  /** @internal use {@link ToolRunner.startRound} */
  constructor(
    runner: ToolRunner<TSession>,
    closed: AbortSignal,
    responseId: string | undefined,
    session: TSession,
  ) {
    this.#runner = runner;
    this.#closed = closed;
    this.#responseId = responseId;
    this.#session = session;
    this.#onClose = (): void => this.abort(closed.reason);
    if (closed.aborted) this.#onClose();
    else closed.addEventListener('abort', this.#onClose, { once: true });
  }

  /** The calls added so far (those left to the app included). */
  get calls(): FunctionCallInfo[] {
    return [...this.#calls];
  }

  /** Aborts the round's running calls (their `signal` fires); they are answered with a "cancelled" text. */
  abort(reason: unknown = new Error('the call was cancelled')): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }

  /**
   * Adds a function call (from `response.output_item.done`) and starts it right away; with
   * `leaveToApp` (a function the response was given for itself, which the runner has no tool
   * for) it is only recorded: not run, not answered, and the round asks for no follow-up. `tool`
   * runs the call with that tool (one given to the response alone) instead of the runner's.
   * @throws ToolError `INVALID_TOOL` after {@link ToolRound.finish}
   */
  addCall(
    item: FunctionCallItemInput,
    options: {
      readonly leaveToApp?: boolean | undefined;
      readonly tool?: Tool<any, TSession> | undefined;
    } = {},
  ): FunctionCallInfo {
    if (this.#finished)
      throw new ToolError('INVALID_TOOL', 'cannot add a call to a finished round');
    const itemId = item.id ?? item.call_id ?? '';
    const call: FunctionCallInfo = {
      callId: item.call_id ?? itemId,
      itemId,
      name: item.name,
      arguments: item.arguments,
      responseId: this.#responseId,
    };
    this.#calls.push(call);
    if (options.leaveToApp === true) this.#appCalls.push(call);
    else
      this.#running.push({
        call,
        done: this.#run(call, item.status === 'incomplete', options.tool),
      });
    return call;
  }

  /**
   * Waits for every call and returns the outputs and payloads. Never rejects: every failure is
   * an output. `end` describes how the response ended, for the loop cap.
   */
  async finish(end: RoundEnd = {}): Promise<ToolRoundResult> {
    this.#finished = true;
    const finished = await Promise.all(this.#running.map((running) => running.done));
    // a long session runs many rounds: do not leave one listener per round on the runner's signal
    this.#closed.removeEventListener('abort', this.#onClose);
    const generateId = this.#runner.options.generateId;
    const outputs: ToolOutputItem[] = finished.map((called) => ({
      previousItemId: called.call.itemId,
      item: {
        type: 'function_call_output',
        id: generateId('item'),
        callId: called.call.callId,
        output: called.output,
      },
    }));
    const loopError = this.#runner.countRound(finished.length > 0, end);
    const appCalls = [...this.#appCalls];
    return {
      responseId: this.#responseId,
      calls: [...this.#calls],
      finished,
      outputs,
      appCalls,
      // the app still has to answer its calls: a response now would run without their outputs
      requestResponse:
        finished.length > 0 &&
        appCalls.length === 0 &&
        loopError === undefined &&
        !this.#closed.aborted,
      loopError,
    };
  }

  // The app's error text, or the default one when its formatter throws or gives no string: the
  // round waits for every call, so a throw here would leave the whole response unanswered, and
  // an output that is not a string is refused by the server (`output` is required text).
  #errorText(failure: ToolFailure, call: FunctionCallInfo): string {
    const format = this.#runner.options.formatError;
    if (format) {
      try {
        const text: unknown = format(failure, call);
        if (typeof text === 'string') return text;
      } catch {
        // fall through to the default text
      }
    }
    return formatToolFailure(failure, call);
  }

  async #run(
    call: FunctionCallInfo,
    interrupted: boolean,
    own: Tool<any, TSession> | undefined,
  ): Promise<CalledFunction> {
    const fail = (failure: ToolFailure, args?: unknown): CalledFunction => ({
      call,
      parsedArguments: args,
      error: failure,
      output: this.#errorText(failure, call),
    });
    if (interrupted) return fail({ kind: 'interrupted', message: 'the response was interrupted' });
    const tool = own ?? this.#runner.lookup(call.name);
    if (!tool) {
      const names = this.#runner.tools.map((t) => t.name);
      return fail({
        kind: 'unknown_tool',
        message: names.length
          ? `Available functions: ${names.join(', ')}.`
          : 'No functions are available.',
      });
    }
    let parsed: unknown;
    try {
      parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return fail({
        kind: 'invalid_json',
        message: error instanceof Error ? error.message : String(error),
        cause: error,
      });
    }
    const timeoutMs = tool.timeoutMs ?? this.#runner.options.toolTimeoutMs;
    // no limit: the round's own signal, as before (no controller, timer or listener per call)
    const limit = timeoutMs === undefined ? undefined : this.#limit(timeoutMs, call);
    try {
      return await this.#validateAndExecute(
        tool,
        call,
        parsed,
        limit?.signal ?? this.#controller.signal,
        (args) =>
          limit?.timedOut() === true
            ? fail(
                {
                  kind: 'timeout',
                  message: `did not finish within ${timeoutMs} ms`,
                  cause: limit.signal.reason,
                },
                args,
              )
            : undefined,
        fail,
      );
    } finally {
      limit?.release();
    }
  }

  /**
   * A signal for one call that aborts with the round's, or with a `TIMEOUT` error after `ms` of
   * the runner's clock; `release` clears the timer and the link to the round.
   */
  #limit(
    ms: number,
    call: FunctionCallInfo,
  ): { signal: AbortSignal; timedOut: () => boolean; release: () => void } {
    const controller = new AbortController();
    const round = this.#controller.signal;
    const follow = (): void => controller.abort(round.reason);
    if (round.aborted) follow();
    else round.addEventListener('abort', follow, { once: true });
    const clock = this.#runner.options.clock ?? systemClock;
    let timedOut = false;
    const timer: TimerId = clock.setTimeout(() => {
      // already aborted by the round (a close): that is what the call is answered with
      if (controller.signal.aborted) return;
      timedOut = true;
      controller.abort(
        new VoxwireError('TIMEOUT', `${call.name} did not finish within ${ms} ms`, {
          data: { toolName: call.name, callId: call.callId, timeoutMs: ms },
        }),
      );
    }, ms);
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      release: () => {
        clock.clearTimeout(timer);
        round.removeEventListener('abort', follow);
      },
    };
  }

  async #validateAndExecute(
    tool: Tool<any, TSession>,
    call: FunctionCallInfo,
    parsed: unknown,
    signal: AbortSignal,
    timedOut: (args: unknown) => CalledFunction | undefined,
    fail: (failure: ToolFailure, args?: unknown) => CalledFunction,
  ): Promise<CalledFunction> {
    const stopped = (args?: unknown): CalledFunction =>
      timedOut(args) ??
      fail({ kind: 'aborted', message: describe(signal.reason), cause: signal.reason }, args);
    let args: unknown;
    // an async Standard Schema validator may never settle: like execute, it is raced against the
    // abort, or a hung validator would hold the whole round's outputs (and
    // function_calls_finished) past the session's close
    let validation: ReturnType<typeof abortRace> | undefined;
    try {
      const checked = checkArguments(tool, parsed);
      let validated: ArgumentsResult;
      if (checked instanceof Promise) {
        validation = abortRace(signal);
        validated = await Promise.race([checked, validation.promise]);
      } else validated = checked;
      if (!validated.ok) {
        const message = validated.issues.map(describeIssue).join('; ');
        return fail({ kind: 'invalid_arguments', message, issues: validated.issues });
      }
      args = validated.value;
    } catch (error) {
      if (signal.aborted && error === ABORTED) return stopped();
      return fail({
        kind: 'invalid_arguments',
        message: `the validator threw: ${describe(error)}`,
        cause: error,
      });
    } finally {
      validation?.release();
    }
    if (signal.aborted) return stopped(args);

    let result: unknown;
    try {
      const running = Promise.resolve().then(() =>
        tool.execute(args, {
          signal,
          callId: call.callId,
          itemId: call.itemId,
          name: call.name,
          responseId: call.responseId,
          session: this.#session,
        }),
      );
      // a tool that ignores its signal must not keep the call unanswered: the abort wins the race
      const abort = abortRace(signal);
      try {
        result = await Promise.race([running, abort.promise]);
      } finally {
        // one listener per call on the round's signal: let it go once the call settles (a round
        // of many calls would pile them up, and Node warns past ten)
        abort.release();
      }
    } catch (error) {
      if (signal.aborted && error === ABORTED) return stopped(args);
      return fail({ kind: 'execution_error', message: describe(error), cause: error }, args);
    }
    try {
      return { call, parsedArguments: args, result, output: stringifyResult(result) };
    } catch (error) {
      return fail({ kind: 'unserializable_result', message: describe(error), cause: error }, args);
    }
  }
}

const ABORTED = Symbol('aborted');

// rejects with ABORTED when `signal` aborts; `release` removes its listener
function abortRace(signal: AbortSignal): { promise: Promise<never>; release: () => void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(ABORTED);
    else {
      onAbort = () => reject(ABORTED);
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    promise,
    release: () => {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

// What a tool threw (or an abort reason), as text for the model. It must never throw itself: the
// round waits for every call, so one call whose failure cannot be described would leave the whole
// response unanswered (the server waits for the outputs forever). `String()` throws for a
// null-prototype object and says only "[object Object]" for a plain one, which JSON describes
// better; an Error with no message is named by its class.
function describe(error: unknown): string {
  try {
    if (error instanceof Error) return error.message || error.name;
    if (typeof error === 'object' && error !== null) {
      const json = JSON.stringify(error) as string | undefined;
      if (json !== undefined && json !== '{}') return json;
      return Object.prototype.toString.call(error);
    }
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

// `path: message`, without the message's own final period: the issues are joined with `; `, and
// the error text adds its own
function describeIssue(issue: { readonly path: string; readonly message: string }): string {
  const message = issue.message.replace(/\.$/, '');
  return issue.path ? `${issue.path}: ${message}` : message;
}
