/**
 * Typed errors of function calling: stable string codes and the original `cause`.
 * @module
 */

/** Why a tool definition or a tool round was refused. */
export type ToolErrorCode =
  /** A tool definition is malformed (bad name, missing execute, parameters neither a schema nor JSON Schema). */
  | 'INVALID_TOOL'
  /** Two tools share a name. */
  | 'DUPLICATE_TOOL'
  /** The parameters schema could not be converted to JSON Schema; `cause` is the converter's error. */
  | 'SCHEMA_CONVERSION'
  /** Too many consecutive tool-only responses (a `tool_choice: "required"` loop); no follow-up response was requested. */
  | 'TOOL_LOOP_LIMIT';

/** A local error of function calling. */
export class ToolError extends Error {
  /** Stable machine-readable code. */
  readonly code: ToolErrorCode;
  /** The tool concerned, when there is one. */
  readonly toolName: string | undefined;

  /**
   * @param code - stable code
   * @param message - human-readable explanation
   * @param options - the tool name and the underlying cause
   */
  constructor(code: ToolErrorCode, message: string, options: { toolName?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolError';
    this.code = code;
    this.toolName = options.toolName;
  }
}
