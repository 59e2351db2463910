/**
 * Function calling in `@voxwire/core`: tool definitions over Standard Schema or JSON Schema, their
 * conversion to the session `tools` array, and the runner that answers every call.
 * @module
 */
export { ToolError } from './errors.js';
export type { ToolErrorCode } from './errors.js';
export { formatToolFailure, MAX_RESULT_DEPTH, stringifyResult } from './outputs.js';
export type { ArgumentIssue } from './json-schema.js';
export { ToolRound } from './round.js';
export type { FunctionCallItemInput, RoundEnd } from './round.js';
export { ToolRunner } from './runner.js';
export type { ToolRunnerOptions } from './runner.js';
export {
  assertValidTool,
  isStandardSchema,
  toSessionTools,
  toolJsonSchema,
  validateArguments,
} from './schema.js';
export type { ArgumentsResult, SessionFunctionTool } from './schema.js';
export { defineTool } from './tool.js';
export type { JsonSchema, Tool, ToolContext } from './tool.js';
export type {
  CalledFunction,
  FunctionCallInfo,
  ToolFailure,
  ToolFailureKind,
  ToolOutputItem,
  ToolRoundResult,
} from './types.js';
