/**
 * The calls of one response (a round): each call starts as soon as its item is done; when the
 * response is done, the round waits for all of them and yields the outputs, the payloads of
 * `function_calls_collected` / `function_calls_finished`, and whether to request a follow-up.
 * @module
 */
import { runCall, type CallContext } from './call-execution.js';
import { ToolError } from './errors.js';
import type { ToolRunner } from './runner.js';
import type { Tool } from './tool.js';
import type { CalledFunction, FunctionCallInfo, ToolOutputItem, ToolRoundResult } from './types.js';

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
  readonly #callContext: CallContext<TSession>;
  #finished = false;
  // the user turn it started in (the loop cap counts rounds of one turn in a row)
  readonly #turn: number;

  /** @internal use {@link ToolRunner.startRound} */
  constructor(runner: ToolRunner<TSession>, responseId: string | undefined, session: TSession) {
    this.#runner = runner;
    this.#responseId = responseId;
    this.#turn = runner.turn;
    this.#callContext = {
      options: runner.options,
      lookup: (name) => runner.lookup(name),
      // read when a call runs: setTools may replace the set during the round
      get tools() {
        return runner.tools;
      },
      signal: this.#controller.signal,
      session,
    };
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
   * `responseNames` are the functions the response was given for itself: an `unknown_tool` text
   * names them beside the runner's tools.
   * @throws ToolError `INVALID_TOOL` after {@link ToolRound.finish}
   */
  addCall(
    item: FunctionCallItemInput,
    options: {
      readonly leaveToApp?: boolean | undefined;
      readonly tool?: Tool<any, TSession> | undefined;
      readonly responseNames?: ReadonlySet<string> | undefined;
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
        done: runCall(
          this.#callContext,
          call,
          item.status === 'incomplete',
          options.tool,
          options.responseNames,
        ),
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
    this.#runner.roundFinished(this);
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
    const loopError = this.#runner.countRound(finished.length > 0, end, this.#turn);
    const appCalls = [...this.#appCalls];
    return {
      responseId: this.#responseId,
      calls: [...this.#calls],
      finished,
      outputs,
      appCalls,
      // the app still has to answer its calls: a response now would run without their outputs;
      // a cancelled response was interrupted: its outputs are created, but the user moved on
      requestResponse:
        finished.length > 0 &&
        appCalls.length === 0 &&
        (end.status !== 'cancelled' || this.#runner.options.followUpCancelledCalls === true) &&
        loopError === undefined &&
        !this.#runner.closed,
      loopError,
    };
  }
}
