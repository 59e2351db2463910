/**
 * The payloads of function calling: call infos (`function_calls_collected`), called functions
 * (`function_calls_finished`), failures and round results.
 * @module
 */
import type { ChatFunctionOutputItem } from '../conversation/chat-context.js';
import type { ToolError } from './errors.js';

/** One function call the model made (`function_calls_collected` carries a list of these per response). */
export interface FunctionCallInfo {
  /** The call id (`call_id`). */
  readonly callId: string;
  /** The function call item's id. */
  readonly itemId: string;
  /** The function name. */
  readonly name: string;
  /** The arguments as the model wrote them (JSON text; possibly cut short when the response was interrupted). */
  readonly arguments: string;
  /** The response that made the call, when known. */
  readonly responseId: string | undefined;
}

/** Why a call produced an error text instead of a result. */
export type ToolFailureKind =
  | 'unknown_tool'
  | 'invalid_json'
  | 'invalid_arguments'
  | 'execution_error'
  | 'aborted'
  | 'timeout'
  | 'interrupted'
  | 'unserializable_result';

/** A call that failed, with what the app needs to know. */
export interface ToolFailure {
  /** What went wrong. */
  readonly kind: ToolFailureKind;
  /** Explanation (also used in the error text given to the model). */
  readonly message: string;
  /**
   * What the tool threw (or the Error it returned), the JSON parser's error, the abort reason, or
   * for `unserializable_result` a `ToolError('UNSERIALIZABLE_RESULT')` naming the part (`data.path`).
   */
  readonly cause?: unknown;
  /** Validation issues, for `invalid_arguments`. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[] | undefined;
}

/** A finished call (`function_calls_finished` carries a list of these per response). */
export interface CalledFunction {
  /** The call. */
  readonly call: FunctionCallInfo;
  /** The parsed and validated arguments given to `execute`; `undefined` when parsing or validation failed. */
  readonly parsedArguments: unknown;
  /** What `execute` returned (resolved), when it succeeded. */
  readonly result?: unknown;
  /** Why it failed, when it did. */
  readonly error?: ToolFailure | undefined;
  /** The text given back to the model (the result, or the error text). */
  readonly output: string;
}

/** A `function_call_output` item to create right after its call item. */
export interface ToolOutputItem {
  /** Id of the function call item; send as `previous_item_id`. */
  readonly previousItemId: string;
  /** The output item (id from the runner's id generator). */
  readonly item: ChatFunctionOutputItem;
}

/** Everything the session does once a response's calls are all answered. */
export interface ToolRoundResult {
  /** The response the calls came from, when known. */
  readonly responseId: string | undefined;
  /** The `function_calls_collected` payload. */
  readonly calls: readonly FunctionCallInfo[];
  /** The `function_calls_finished` payload, in call order. */
  readonly finished: readonly CalledFunction[];
  /** One output item per call the runner ran, in call order: create each after its call item. */
  readonly outputs: readonly ToolOutputItem[];
  /**
   * The calls left to the app (functions the response was given for itself and the runner has
   * no tool for): not run and not answered; `calls` lists them too.
   */
  readonly appCalls: readonly FunctionCallInfo[];
  /**
   * Whether to request ONE response (`onDuplicate: 'keep_both'`) after the outputs are created:
   * true when calls were run, unless some were left to the app, the loop cap was hit, the
   * runner was closed or the response was cancelled (unless `followUpCancelledCalls`): a barge-in (`turn_detected`) or the app's
   * `response.cancel()` means the user moved on, and the next turn's response sees the outputs
   * (a follow-up would answer the old question over the new one, or after it).
   */
  readonly requestResponse: boolean;
  /** Set when the consecutive tool-only round cap was exceeded; emit it as an `error` event. */
  readonly loopError: ToolError | undefined;
}
