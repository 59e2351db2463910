/**
 * Tool definitions: a name, a description, parameters given as any Standard Schema (valibot, zod,
 * arktype, …) or as plain JSON Schema, and an `execute(args, context)` that may be async.
 * @module
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';

/** A JSON Schema object (for a function's parameters: `{ type: 'object', properties, required }`). */
export type JsonSchema = { readonly [key: string]: unknown };

/** What a tool's `execute` gets besides its arguments. */
export interface ToolContext<TSession = unknown> {
  /**
   * Fires when the call should stop: the session closes (its reason a
   * `VoxwireError('SESSION_CLOSED')`) or the call's time limit passed (`VoxwireError('TIMEOUT')`).
   */
  readonly signal: AbortSignal;
  /** The call id (`call_id` on the wire). */
  readonly callId: string;
  /** The function call item's id. */
  readonly itemId: string;
  /** The tool's name. */
  readonly name: string;
  /** The response that made the call, when known. */
  readonly responseId: string | undefined;
  /** The session running the tool (whatever the runner's owner passes), for tools that need it. */
  readonly session: TSession;
}

/** A function the model can call. */
export interface Tool<TArgs = any, TSession = unknown> {
  /** Function name: 1–64 characters of `a-z A-Z 0-9 _ -`, unique within the session. */
  readonly name: string;
  /** What the function does and when to call it; the model reads this. @default '' */
  readonly description?: string | undefined;
  /**
   * The arguments: a Standard Schema (validated through `~standard.validate`; its JSON Schema is
   * derived with `~standard.jsonSchema` where the library implements Standard JSON Schema, or with
   * `@valibot/to-json-schema` for valibot), or a plain JSON Schema object (arguments are then
   * validated against it, with `@cfworker/json-schema`, and given to `execute` as parsed).
   * @default an object schema with no properties
   */
  readonly parameters?: StandardSchemaV1<unknown, TArgs> | JsonSchema | undefined;
  /**
   * The JSON Schema sent to the server, when it cannot (or should not) be derived from
   * `parameters` (a Standard Schema library without Standard JSON Schema, say).
   * @default derived from `parameters`
   */
  readonly jsonSchema?: JsonSchema | undefined;
  /**
   * How long one call may take (argument validation and `execute`), in ms: past it, the call's
   * `signal` aborts (its reason a `VoxwireError('TIMEOUT')`) and the call is answered with a
   * `timeout` error text, so the response's other outputs and the follow-up are not held back.
   * @default the session's `toolTimeoutMs` (no limit unless set)
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Runs the call. The result goes back to the model: a string as is, anything else as JSON
   * (`undefined` as `null`). A thrown error goes back as a clear error text; so does a returned
   * one (`return new Error('not found')`): the call fails with `execution_error` as if it threw.
   */
  execute(args: TArgs, context: ToolContext<TSession>): unknown;
}

/**
 * Defines a tool with its argument type inferred from a Standard Schema (identity at run time;
 * it exists for inference).
 */
export function defineTool<TSchema extends StandardSchemaV1, TSession = unknown>(tool: {
  readonly name: string;
  /** What the function does and when to call it; the model reads this. @default '' */
  readonly description?: string | undefined;
  readonly parameters: TSchema;
  /** The JSON Schema sent to the server. @default derived from `parameters` */
  readonly jsonSchema?: JsonSchema | undefined;
  /** How long one call may take, ms (see {@link Tool.timeoutMs}). @default the session's `toolTimeoutMs` (no limit unless set) */
  readonly timeoutMs?: number | undefined;
  execute(args: StandardSchemaV1.InferOutput<TSchema>, context: ToolContext<TSession>): unknown;
}): Tool<StandardSchemaV1.InferOutput<TSchema>, TSession>;
/**
 * Defines a tool whose parameters are a plain JSON Schema (`parameters` or `jsonSchema`), or that
 * takes none. The arguments are validated against the schema at run time, but their type cannot
 * be inferred from it: they are a JSON object, or the `TArgs` given.
 */
export function defineTool<TArgs = Record<string, unknown>, TSession = unknown>(tool: {
  readonly name: string;
  /** What the function does and when to call it; the model reads this. @default '' */
  readonly description?: string | undefined;
  // a Standard Schema must take the first signature, where its output types the arguments
  /** A plain JSON Schema of the arguments (see {@link Tool.parameters}). @default an object schema with no properties */
  readonly parameters?: (JsonSchema & { readonly '~standard'?: never }) | undefined;
  /** The JSON Schema sent to the server. @default derived from `parameters` */
  readonly jsonSchema?: JsonSchema | undefined;
  /** How long one call may take, ms (see {@link Tool.timeoutMs}). @default the session's `toolTimeoutMs` (no limit unless set) */
  readonly timeoutMs?: number | undefined;
  execute(args: TArgs, context: ToolContext<TSession>): unknown;
}): Tool<TArgs, TSession>;
export function defineTool(tool: Tool): Tool {
  return tool;
}
