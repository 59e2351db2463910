/**
 * What goes back to the model for one call: the result as text, or a clear error text.
 * @module
 */
import type { FunctionCallInfo, ToolFailure } from './types.js';

/**
 * Whether `value` is an Error, also one of another realm (a `vm` context, an iframe), where
 * `instanceof Error` is false.
 */
export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** Turns a tool result into the output text: strings as is, anything else as JSON, `undefined` as `null`. */
export function stringifyResult(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result === undefined) return 'null';
  const text = JSON.stringify(result);
  // JSON.stringify yields undefined for functions and symbols
  if (text === undefined) throw new TypeError(`a ${typeof result} has no JSON form`);
  return text;
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
