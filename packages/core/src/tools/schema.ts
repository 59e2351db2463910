/**
 * Tool parameters: validation through Standard Schema, and the JSON Schema sent to the server,
 * derived by a converter rather than by hand.
 *
 * Conversion order: an explicit `jsonSchema` on the tool; else Standard JSON Schema
 * (`~standard.jsonSchema.input`, @standard-schema/spec ≥ 1.1: zod ≥ 4.2, arktype ≥ 2.1.28, …);
 * else, for valibot (which does not implement it), `@valibot/to-json-schema`; else a plain JSON
 * Schema object is taken as is. `@valibot/to-json-schema` is a regular dependency of core: valibot
 * is already in every install (protocol's schemas are valibot), the converter is the valibot
 * team's own, small and side-effect free, and a synchronous import keeps `toSessionTools`
 * synchronous (an optional peer would need a dynamic import and an async API).
 * @module
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { toJsonSchema } from '@valibot/to-json-schema';
import { ToolError } from './errors.js';
import { jsonSchemaIssues, type ArgumentIssue } from './json-schema.js';
import type { JsonSchema, Tool } from './tool.js';

/** A function tool as the GA session's `tools` array takes it. */
export interface SessionFunctionTool {
  /** Always `function`. */
  readonly type: 'function';
  /** Function name. */
  readonly name: string;
  /** Description the model reads. */
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly parameters: JsonSchema;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const EMPTY_OBJECT_SCHEMA: JsonSchema = { type: 'object', properties: {} };
const cache = new WeakMap<object, JsonSchema>();

/** Whether `value` implements Standard Schema (has `~standard.validate`). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StandardSchemaV1)['~standard']?.validate === 'function'
  );
}

function standardJsonSchema(value: unknown): StandardJSONSchemaV1.Converter | undefined {
  const props = (
    value as { '~standard'?: { jsonSchema?: StandardJSONSchemaV1.Converter } } | null
  )?.['~standard'];
  return typeof props?.jsonSchema?.input === 'function' ? props.jsonSchema : undefined;
}

/**
 * Checks a tool definition.
 * @throws ToolError `INVALID_TOOL`
 */
export function assertValidTool(tool: Tool): void {
  if (typeof tool !== 'object' || tool === null)
    throw new ToolError('INVALID_TOOL', 'a tool must be an object');
  if (typeof tool.name !== 'string' || !NAME.test(tool.name)) {
    throw new ToolError(
      'INVALID_TOOL',
      `tool name ${JSON.stringify(tool.name)} must be 1–64 characters of a-z, A-Z, 0-9, _ and -`,
      { toolName: String(tool.name) },
    );
  }
  if (typeof tool.execute !== 'function')
    throw new ToolError('INVALID_TOOL', `tool "${tool.name}" has no execute function`, {
      toolName: tool.name,
    });
  if (tool.timeoutMs !== undefined && !isTimeoutMs(tool.timeoutMs))
    throw new ToolError(
      'INVALID_TOOL',
      `tool "${tool.name}": timeoutMs must be a finite number of ms > 0`,
      { toolName: tool.name },
    );
  const { parameters } = tool;
  if (
    parameters !== undefined &&
    (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
  ) {
    throw new ToolError(
      'INVALID_TOOL',
      `tool "${tool.name}": parameters must be a Standard Schema or a JSON Schema object`,
      { toolName: tool.name },
    );
  }
}

/** Whether `value` is a usable call timeout: a finite number of ms above 0. */
export function isTimeoutMs(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && Number.isFinite(value);
}

/**
 * The JSON Schema of a tool's arguments, as sent to the server (cached per tool object).
 * @throws ToolError `SCHEMA_CONVERSION` when the schema cannot be converted (with the converter's
 *   error as `cause`), `INVALID_TOOL` for a Standard Schema that no converter knows and no `jsonSchema`
 */
export function toolJsonSchema(tool: Tool): JsonSchema {
  const cached = cache.get(tool);
  if (cached) return cached;
  const schema = deriveJsonSchema(tool);
  if (schema['type'] !== undefined && schema['type'] !== 'object') {
    throw new ToolError(
      'INVALID_TOOL',
      `tool "${tool.name}": function parameters must be an object schema, got type ${JSON.stringify(schema['type'])}`,
      { toolName: tool.name },
    );
  }
  cache.set(tool, schema);
  return schema;
}

function deriveJsonSchema(tool: Tool): JsonSchema {
  if (tool.jsonSchema) return tool.jsonSchema;
  const { parameters } = tool;
  if (parameters === undefined) return EMPTY_OBJECT_SCHEMA;
  const converter = standardJsonSchema(parameters);
  if (converter) {
    return convert(tool, () => withoutMetaSchema(converter.input({ target: 'draft-07' })));
  }
  if (isStandardSchema(parameters)) {
    if (parameters['~standard'].vendor === 'valibot') {
      // errorMode 'throw': an unconvertible valibot action is a clear error, not a console warning
      return convert(tool, () =>
        withoutMetaSchema(
          toJsonSchema(parameters as never, {
            errorMode: 'throw',
            typeMode: 'input',
          }) as JsonSchema,
        ),
      );
    }
    throw new ToolError(
      'INVALID_TOOL',
      `tool "${tool.name}": the ${parameters['~standard'].vendor} schema does not implement Standard JSON Schema; give the JSON Schema as \`jsonSchema\``,
      { toolName: tool.name },
    );
  }
  return parameters as JsonSchema;
}

function convert(tool: Tool, run: () => JsonSchema): JsonSchema {
  try {
    return run();
  } catch (error) {
    throw new ToolError(
      'SCHEMA_CONVERSION',
      `tool "${tool.name}": its parameters cannot be expressed as JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
      {
        toolName: tool.name,
        cause: error,
      },
    );
  }
}

function withoutMetaSchema(schema: Record<string, unknown>): JsonSchema {
  // the server wants the schema body; `$schema` only names the draft
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/**
 * The GA session `tools` array for `tools`.
 * @throws ToolError `INVALID_TOOL`, `DUPLICATE_TOOL` or `SCHEMA_CONVERSION`
 */
export function toSessionTools(tools: readonly Tool[]): SessionFunctionTool[] {
  const seen = new Set<string>();
  return tools.map((tool) => {
    assertValidTool(tool);
    if (seen.has(tool.name))
      throw new ToolError('DUPLICATE_TOOL', `two tools are named "${tool.name}"`, {
        toolName: tool.name,
      });
    seen.add(tool.name);
    return {
      type: 'function',
      name: tool.name,
      description: tool.description ?? '',
      parameters: toolJsonSchema(tool),
    };
  });
}

/** The outcome of validating arguments. */
export type ArgumentsResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: readonly ArgumentIssue[] };

/**
 * Validates parsed arguments: against the tool's Standard Schema when it has one (its output is
 * the value `execute` gets), else against the JSON Schema the model was given (plain
 * `parameters`, or `jsonSchema`; arguments that pass are given as parsed). A tool with neither
 * takes any JSON object.
 */
export async function validateArguments(tool: Tool, args: unknown): Promise<ArgumentsResult> {
  return await checkArguments(tool, args);
}

/**
 * {@link validateArguments}, synchronous where the validator is: a promise only for a Standard
 * Schema whose `validate` returned one, so that the runner races just those against the abort.
 * @throws what the validator throws
 */
export function checkArguments(
  tool: Tool,
  args: unknown,
): ArgumentsResult | Promise<ArgumentsResult> {
  if (isStandardSchema(tool.parameters)) {
    const result = tool.parameters['~standard'].validate(args);
    // a thenable from another realm or promise library counts too
    return typeof (result as { then?: unknown }).then === 'function'
      ? Promise.resolve(result).then(standardResult)
      : standardResult(result as StandardSchemaV1.Result<unknown>);
  }
  const schema = toolJsonSchema(tool);
  // the default schema needs no validator to check: an object, nothing more
  if (schema === EMPTY_OBJECT_SCHEMA) {
    return typeof args === 'object' && args !== null && !Array.isArray(args)
      ? { ok: true, value: args }
      : { ok: false, issues: [{ path: '', message: 'the arguments must be a JSON object' }] };
  }
  const issues = jsonSchemaIssues(schema, args);
  return issues.length === 0 ? { ok: true, value: args } : { ok: false, issues };
}

function standardResult(result: StandardSchemaV1.Result<unknown>): ArgumentsResult {
  if (result.issues)
    return {
      ok: false,
      issues: result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message })),
    };
  return { ok: true, value: result.value };
}

function issuePath(issue: StandardSchemaV1.Issue): string {
  if (!issue.path || issue.path.length === 0) return '';
  return issue.path
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
}
