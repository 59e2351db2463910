/**
 * The local check of a forced tool choice: a `toolChoice` (session) or `tool_choice` (one
 * response) naming a function, or an MCP server, that is not among the tools in force is refused
 * where it is given. Sent, the server refuses it: a `session.update` refused whole (the first one
 * closes the session), or a response that never starts, reported on `error` far from the call
 * that caused it.
 * @module
 */
import { ToolError } from './errors.js';

/** The names a tool choice may name: functions, and MCP servers by `server_label`. */
export interface ToolNames {
  /** Function names (session tools, and a response's own function or executable tools). */
  readonly functions: ReadonlySet<string>;
  /** The `server_label`s of MCP tools. */
  readonly mcpServers: ReadonlySet<string>;
}

/**
 * The names in `tools`: executable tools (`defineTool`) and wire function tools (`type` is
 * optional on those) by `name`, MCP tools by `server_label`. Anything else is skipped.
 */
export function toolNames(tools: readonly unknown[] | undefined): ToolNames {
  const functions = new Set<string>();
  const mcpServers = new Set<string>();
  for (const tool of tools ?? []) {
    if (typeof tool !== 'object' || tool === null) continue;
    const t = tool as { type?: unknown; name?: unknown; server_label?: unknown };
    if (t.type === 'mcp') {
      if (typeof t.server_label === 'string') mcpServers.add(t.server_label);
    } else if ((t.type === 'function' || t.type === undefined) && typeof t.name === 'string')
      functions.add(t.name);
  }
  return { functions, mcpServers };
}

/** Both sets of names in one (the tools a response may call: its own and the session's). */
export function unionNames(a: ToolNames, b: ToolNames): ToolNames {
  return {
    functions: new Set([...a.functions, ...b.functions]),
    mcpServers: new Set([...a.mcpServers, ...b.mcpServers]),
  };
}

/**
 * Throws when `choice` forces a function, or an MCP server, absent from `inForce`. Modes
 * (`'auto'`, `'none'`, `'required'`) and shapes this check does not know pass: their own
 * validation is elsewhere, and an unknown shape is the server's to judge. An MCP choice's `name`
 * (one tool of the server) is not checked: the server lists its tools only once connected.
 * @param choice - the tool choice as given
 * @param inForce - the names the tools in force answer to
 * @param option - the option's name, for the message (`toolChoice`, `response.tool_choice`)
 * @param hint - how to fix it, appended to the message
 * @throws ToolError `UNKNOWN_TOOL_CHOICE`, with the unknown name as `toolName`
 */
export function checkToolChoice(
  choice: unknown,
  inForce: ToolNames,
  option: string,
  hint = '',
): void {
  if (typeof choice !== 'object' || choice === null) return;
  const c = choice as { type?: unknown; name?: unknown; server_label?: unknown };
  let unknown: { what: string; name: string; known: ReadonlySet<string> } | undefined;
  if (c.type === 'function' && typeof c.name === 'string' && !inForce.functions.has(c.name))
    unknown = { what: 'function', name: c.name, known: inForce.functions };
  else if (
    c.type === 'mcp' &&
    typeof c.server_label === 'string' &&
    !inForce.mcpServers.has(c.server_label)
  )
    unknown = { what: 'MCP server_label', name: c.server_label, known: inForce.mcpServers };
  if (unknown === undefined) return;
  const known = unknown.known.size > 0 ? [...unknown.known].join(', ') : 'none';
  throw new ToolError(
    'UNKNOWN_TOOL_CHOICE',
    `${option} names the ${unknown.what} "${unknown.name}", which is not among the tools in force (${unknown.what === 'function' ? 'functions' : 'MCP servers'}: ${known})${hint}`,
    { toolName: unknown.name, data: { option } },
  );
}

/** The hint of a session choice refused: both are changed in one update. */
const SESSION_HINT =
  ': give its tool with it, or change both in one sessionUpdate({ tools, toolChoice })';

/**
 * The session's `toolChoice` against the session's `tools` (those it will have once the option
 * is applied). A tools change that leaves a forced choice without its tool is refused too
 * (rather than the choice reset behind the app's back: forcing a tool is a decision of the
 * app's, and the server would refuse the update whole).
 * @param featureTools - whether features may add tools of their own to every `session.update`
 *   (`contributeSessionUpdate`: an MCP server, a wire function the app answers): the tools in
 *   force are then more than `tools`, out of this check's sight, and the choice is the server's
 *   to judge. @default false
 * @throws ToolError `UNKNOWN_TOOL_CHOICE`
 */
export function checkSessionToolChoice(
  choice: unknown,
  tools: readonly unknown[],
  featureTools = false,
): void {
  // refusing a choice the server would accept is worse than the server's late refusal
  if (featureTools) return;
  checkToolChoice(choice, toolNames(tools), 'toolChoice', SESSION_HINT);
}

/**
 * A `response.create`'s `tool_choice` against the tools that response may call: its own
 * `tools` and the session's. protocol.md §7.4 says response fields override the session's for
 * that response, but not whether its `tools` replace the session's or add to them, so only a
 * name neither set has is refused (the conservative reading).
 * @param featureTools - whether features may add tools to the session's `session.update`, out
 *   of this check's sight (see {@link checkSessionToolChoice}): the choice may name one of those,
 *   so it is the server's to judge. @default false
 * @throws ToolError `UNKNOWN_TOOL_CHOICE`
 */
export function checkResponseToolChoice(
  response: { readonly tool_choice?: unknown; readonly tools?: unknown } | undefined,
  sessionTools: readonly unknown[],
  featureTools = false,
): void {
  const choice = response?.tool_choice;
  if (featureTools || typeof choice !== 'object' || choice === null) return;
  const own = Array.isArray(response?.tools) ? (response.tools as unknown[]) : undefined;
  checkToolChoice(
    choice,
    unionNames(toolNames(own), toolNames(sessionTools)),
    'response.tool_choice',
    ': give the response that tool in its own `tools`, or name one it has',
  );
}
