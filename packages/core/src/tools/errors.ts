/**
 * Typed errors of function calling: `VoxwireError`s with the tool concerned as `toolName` and
 * the original `cause`.
 * @module
 */
import { VoxwireError } from '../errors.js';

/** Why a tool definition or a tool round was refused (a subset of `VoxwireErrorCode`). */
export type ToolErrorCode =
  /** A tool definition is malformed (bad name, missing execute, parameters neither a schema nor JSON Schema). */
  | 'INVALID_TOOL'
  /** Two tools share a name. */
  | 'DUPLICATE_TOOL'
  /** The parameters schema could not be converted to JSON Schema; `cause` is the converter's error. */
  | 'SCHEMA_CONVERSION'
  /** Too many consecutive tool-only responses (a `tool_choice: "required"` loop); no follow-up response was requested. */
  | 'TOOL_LOOP_LIMIT'
  /** A forced tool choice names a function or MCP server that is not among the tools in force; nothing was sent. */
  | 'UNKNOWN_TOOL_CHOICE'
  /** A tool's result (or a part of it, named by `data.path`) has no JSON form; the call is answered `unserializable_result`. */
  | 'UNSERIALIZABLE_RESULT';

/** A local error of function calling. */
export class ToolError extends VoxwireError {
  override readonly name: string = 'ToolError';
  declare readonly code: ToolErrorCode;
  /** The tool concerned, when there is one. */
  readonly toolName: string | undefined;

  /**
   * @param code - stable code
   * @param message - human-readable explanation
   * @param options - the tool name, the underlying cause and extra data
   */
  constructor(
    code: ToolErrorCode,
    message: string,
    options: {
      toolName?: string | undefined;
      cause?: unknown;
      data?: Record<string, unknown>;
    } = {},
  ) {
    super(code, message, {
      cause: options.cause,
      data: {
        ...(options.toolName === undefined ? {} : { toolName: options.toolName }),
        ...options.data,
      },
    });
    this.toolName = options.toolName;
  }
}
