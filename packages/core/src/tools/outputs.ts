/**
 * What goes back to the model for one call: the result as text, or a clear error text.
 * @module
 */
import { MAX_RESULT_DEPTH, resultJson } from './result-json.js';

export { MAX_RESULT_DEPTH };
import type { FunctionCallInfo, ToolFailure } from './types.js';

/**
 * Turns a tool result into the output text: a string as is, `undefined` as `null`, anything else
 * as JSON, where `JSON.stringify` alone would lose data:
 * - a `Map` with string or number keys becomes an object, a `Set` an array, a typed array an
 *   array of its numbers;
 * - an `Error` inside the result becomes `{ name, message, …its own fields, cause }` (a tool
 *   that returns an Error itself fails its call instead: see `Tool.execute`);
 * - a value with `toJSON` (a Date, a class of yours) is written as its `toJSON()` gives it, called
 *   once for each place the value is in, as `JSON.stringify` does;
 * - as in JSON, an object leaves out its `undefined` and function fields, an array writes
 *   `undefined` as `null`, and a number that is not finite is written `null`.
 *
 * What has no JSON form is refused, never written as `{}`: a bigint, a cycle, a Map with keys
 * that are neither strings nor numbers (or two that become the same text), a function or symbol
 * in an array or as the result, a Promise (not awaited), an ArrayBuffer, and an object of a
 * class with no public fields (private `#` fields, getters only, a WeakMap …) and no `toJSON`,
 * and a result nested deeper than {@link MAX_RESULT_DEPTH} levels. A long path is shortened to its
 * first and last segments (`result.a.a.a …995 more levels… .a.a.a`).
 * @throws ToolError `UNSERIALIZABLE_RESULT`, with `data.path` naming the part (`result.items[2]`)
 */
export function stringifyResult(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result === undefined) return 'null';
  return resultJson(result);
}

/** The default error text for a failed call; written for the model, which decides what to tell the user. */
export function formatToolFailure(failure: ToolFailure, call: FunctionCallInfo): string {
  switch (failure.kind) {
    case 'unknown_tool':
      return `Error: there is no function named "${call.name}". ${failure.message}`;
    case 'invalid_json':
      return `Error: the arguments for ${call.name} are not valid JSON (${failure.message}). Call it again with a JSON object.`;
    case 'invalid_arguments':
      return `Error: invalid arguments for ${call.name}: ${failure.message}. Call it again with corrected arguments.`;
    case 'execution_error':
      return `Error: ${call.name} failed: ${failure.message}`;
    case 'aborted':
      return `Error: ${call.name} was cancelled before it finished (${failure.message}).`;
    case 'timeout':
      return `Error: ${call.name} ${failure.message} and was stopped.`;
    case 'interrupted':
      return `Error: the call to ${call.name} was interrupted before its arguments were complete, so it was not run.`;
    case 'unserializable_result':
      return `Error: the result of ${call.name} could not be converted to text: ${failure.message}`;
  }
}
