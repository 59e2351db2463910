/**
 * The `message` of a failed call: what a tool threw (or an abort reason), and the issues of
 * arguments that failed validation, as text for the model.
 * @module
 */

/**
 * What a tool threw (or an abort reason), as text. It must never throw itself: the round waits
 * for every call, so one call whose failure cannot be described would leave the whole response
 * unanswered (the server waits for the outputs forever). `String()` throws for a null-prototype
 * object and says only "[object Object]" for a plain one, which JSON describes better; an Error
 * with no message is named by its class.
 */
export function describeError(error: unknown): string {
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

/**
 * `path: message`, without the message's own final period: the issues are joined with `; `, and
 * the error text adds its own.
 */
export function describeIssue(issue: { readonly path: string; readonly message: string }): string {
  const message = issue.message.replace(/\.$/, '');
  return issue.path ? `${issue.path}: ${message}` : message;
}
