/**
 * Which tool answers a function call of a response that was given functions of its own
 * (`generate()` or `create()` with their own `tools`), and whether the call is the app's.
 * @module
 */
import type { ServerEvent } from '@voxwire/protocol';
import type { ResponseTools } from '../responses/per-response-tools.js';
import type { Tool } from '../tools/tool.js';

/** How the function-calling feature handles one call (the options of `ToolRound.addCall`). */
export interface CallChoice<TSession> {
  /** The response's own executable tool of that name, run instead of the session's. */
  readonly tool: Tool<any, TSession> | undefined;
  /** The call is recorded but neither run nor answered: the app answers it. */
  readonly leaveToApp: boolean;
  /** The functions the response was given for itself (named in an `unknown_tool` text). */
  readonly responseNames: ReadonlySet<string> | undefined;
}

/**
 * The handling of a call to `name` in a response given `own` tools. An executable tool of the
 * response runs for it (before a session tool of the same name: the request chose it); a call to
 * a wire function of the response that no session tool answers is the app's: answering it
 * `unknown_tool` would take it from the app, which defined it. Any other unknown name is answered
 * as before (`unknown_tool`), except in a session that never had tools (`announced` false), where
 * every call but the response's own tools' is the app's.
 * @param name - the called function
 * @param own - what the response's request gave it for itself, if anything
 * @param sessionTool - the session's tool of a name
 * @param announced - whether the session has (or had) tools of its own
 */
export function chooseCallTool<TSession>(
  name: string,
  own: ResponseTools | undefined,
  sessionTool: (name: string) => Tool<any, TSession> | undefined,
  announced: boolean,
): CallChoice<TSession> {
  const tool = own?.tools?.get(name) as Tool<any, TSession> | undefined;
  return {
    tool,
    leaveToApp:
      tool === undefined &&
      sessionTool(name) === undefined &&
      (own?.names.has(name) === true || !announced),
    responseNames: own?.names,
  };
}

/** The id of the response `event` belongs to (`response_id`, or `response.id`), if any. */
export function eventResponseId(event: ServerEvent): string | undefined {
  const id =
    'response_id' in event
      ? event.response_id
      : 'response' in event
        ? (event.response as { id?: string }).id
        : undefined;
  return typeof id === 'string' ? id : undefined;
}
