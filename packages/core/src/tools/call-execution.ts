/**
 * One function call, from its arguments to its output: look the tool up, parse the JSON, validate,
 * execute under the round's signal (and the call's time limit), and turn every failure into a
 * {@link ToolFailure} with the error text the model gets. Never rejects: the round waits for every
 * call, so a throw here would leave the whole response unanswered.
 * @module
 */
import { ABORTED, abortRace, callTimeLimit } from './abort-race.js';
import { describeError, describeIssue } from './failure-text.js';
import { formatToolFailure, stringifyResult } from './outputs.js';
import { isError } from './result-json.js';
import type { ToolRunnerOptions } from './runner.js';
import { checkArguments, type ArgumentsResult } from './schema.js';
import type { Tool } from './tool.js';
import type { CalledFunction, FunctionCallInfo, ToolFailure } from './types.js';

/** What a call needs from its round and runner. */
export interface CallContext<TSession> {
  /** The runner's options: the error text, the default time limit, the clock. */
  readonly options: ToolRunnerOptions<TSession>;
  /** The runner's tool named `name`. */
  lookup(name: string): Tool<any, TSession> | undefined;
  /** The runner's tools (named in the `unknown_tool` text). */
  readonly tools: readonly Tool<any, TSession>[];
  /** The round's signal: a close or an abort of the round stops the call. */
  readonly signal: AbortSignal;
  /** The session, given to the tool as `context.session`. */
  readonly session: TSession;
}

/**
 * Runs `call` with `own` (a tool given to its response alone) or the runner's tool of its name.
 * `interrupted` calls (their arguments were cut) are not run. `responseNames` are the functions
 * the response was given for itself (named in the `unknown_tool` text beside the runner's).
 */
export async function runCall<TSession>(
  context: CallContext<TSession>,
  call: FunctionCallInfo,
  interrupted: boolean,
  own: Tool<any, TSession> | undefined,
  responseNames?: ReadonlySet<string>,
): Promise<CalledFunction> {
  const fail = (failure: ToolFailure, args?: unknown): CalledFunction => ({
    call,
    parsedArguments: args,
    error: failure,
    output: errorText(context.options, failure, call),
  });
  if (interrupted) return fail({ kind: 'interrupted', message: 'the response was interrupted' });
  const tool = own ?? context.lookup(call.name);
  if (!tool) {
    // what this response may call: the session's tools and its own (executable or the app's),
    // or the model is told its own functions do not exist and cannot correct the call
    const names = [...new Set([...context.tools.map((t) => t.name), ...(responseNames ?? [])])];
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
  const timeoutMs = tool.timeoutMs ?? context.options.toolTimeoutMs;
  // no limit: the round's own signal, as before (no controller, timer or listener per call)
  const limit =
    timeoutMs === undefined
      ? undefined
      : callTimeLimit(context.signal, timeoutMs, call, context.options.clock);
  try {
    return await validateAndExecute(
      context.session,
      tool,
      call,
      parsed,
      limit?.signal ?? context.signal,
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

// The app's error text, or the default one when its formatter throws or gives no string: the
// round waits for every call, so a throw here would leave the whole response unanswered, and
// an output that is not a string is refused by the server (`output` is required text).
function errorText<TSession>(
  options: ToolRunnerOptions<TSession>,
  failure: ToolFailure,
  call: FunctionCallInfo,
): string {
  const format = options.formatError;
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

async function validateAndExecute<TSession>(
  session: TSession,
  tool: Tool<any, TSession>,
  call: FunctionCallInfo,
  parsed: unknown,
  signal: AbortSignal,
  timedOut: (args: unknown) => CalledFunction | undefined,
  fail: (failure: ToolFailure, args?: unknown) => CalledFunction,
): Promise<CalledFunction> {
  const stopped = (args?: unknown): CalledFunction =>
    timedOut(args) ??
    fail({ kind: 'aborted', message: describeError(signal.reason), cause: signal.reason }, args);
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
      message: `the validator threw: ${describeError(error)}`,
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
        session,
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
    return fail({ kind: 'execution_error', message: describeError(error), cause: error }, args);
  }
  // `return new Error(…)` for `throw`: a common slip, and the model should hear that the call
  // failed (JSON gives an Error as `{}`, which reads as an empty success)
  if (isError(result))
    return fail({ kind: 'execution_error', message: describeError(result), cause: result }, args);
  try {
    return { call, parsedArguments: args, result, output: stringifyResult(result) };
  } catch (error) {
    return fail(
      { kind: 'unserializable_result', message: describeError(error), cause: error },
      args,
    );
  }
}
