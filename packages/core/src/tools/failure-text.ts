/**
 * The `message` of a failed call: what a tool threw (or an abort reason), and the issues of
 * arguments that failed validation, as text for the model.
 * @module
 */

// described by the result rules, so it lives beside them (one module: no import cycle)
export { describeError } from './result-json.js';

/**
 * `path: message`, without the message's own final period: the issues are joined with `; `, and
 * the error text adds its own.
 */
export function describeIssue(issue: { readonly path: string; readonly message: string }): string {
  const message = issue.message.replace(/\.$/, '');
  return issue.path ? `${issue.path}: ${message}` : message;
}
