/**
 * Validating a tool call's arguments against a plain JSON Schema: the schema the model was given
 * is the schema its arguments are held to, so a call that breaks it is answered with the
 * reasons (and the model can call again) instead of reaching `execute` with what it did not
 * promise.
 *
 * The validator is `@cfworker/json-schema`: no dependencies, drafts 4, 7, 2019-09 and 2020-12,
 * and no code generation, so it runs under a strict Content-Security-Policy and in workers, where
 * ajv's compiled validators cannot (the MCP TypeScript SDK picks it for the same reason). It is
 * imported with core, not on first need: a lazy import would make the first tool call wait on
 * module loading, which a test driving the fake server on the simulated clock cannot wait for
 * deterministically. That costs ~7 ms once per process (core's import went from ~20 to ~27 ms,
 * Node 20, this machine); bundling it into core would save ~5 of them but leave an app with
 * two copies and core with a vendored validator to keep current.
 * @module
 */
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import type { JsonSchema } from './tool.js';

/** One reason arguments do not match their schema. */
export interface ArgumentIssue {
  /** Where, as `a.b.0` (empty for the arguments object itself). */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

const validators = new WeakMap<JsonSchema, Validator>();

/** The issues of `value` against `schema` (none: it matches). */
export function jsonSchemaIssues(schema: JsonSchema, value: unknown): ArgumentIssue[] {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as never, draftOf(schema), false);
    validators.set(schema, validator);
  }
  const result = validator.validate(value);
  return result.valid ? [] : toIssues(result.errors);
}

type Draft = '4' | '7' | '2019-09' | '2020-12';

// the draft `$schema` names; 2020-12, the current one, when it names none
function draftOf(schema: JsonSchema): Draft {
  const uri = schema['$schema'];
  if (typeof uri !== 'string') return '2020-12';
  if (uri.includes('draft-04')) return '4';
  if (uri.includes('draft-06') || uri.includes('draft-07')) return '7';
  if (uri.includes('2019-09')) return '2019-09';
  return '2020-12';
}

// keywords whose error only says that one of their subschemas failed; the subschema's own error
// says what is wrong, and where
const COMBINING = new Set(['anyOf', 'oneOf', 'not']);

/**
 * The validator reports every level of a failure: `properties` ("Property "city" does not
 * match schema"), then `type` under it. The issues keep the deepest: an error is dropped when
 * another error's keyword location lies under its own. Under `anyOf`/`oneOf`/`not` it is the
 * other way round: each branch's failures are noise, and the combining keyword's one error is
 * the reason. A `false` schema's error ("False boolean schema") is given a plain message, and
 * replaces the `additionalProperties` error above it.
 */
function toIssues(errors: readonly OutputUnit[]): ArgumentIssue[] {
  const combining = errors.filter((e) => COMBINING.has(e.keyword)).map((e) => e.keywordLocation);
  const kept = errors.filter(
    (e) => !combining.some((location) => e.keywordLocation.startsWith(`${location}/`)),
  );
  const leaves = kept.filter(
    (e) =>
      COMBINING.has(e.keyword) ||
      !kept.some(
        (other) =>
          other.keywordLocation.startsWith(`${e.keywordLocation}/`) ||
          (other.keyword === 'false' &&
            other.instanceLocation.startsWith(`${e.instanceLocation}/`)),
      ),
  );
  return leaves.map((e) => ({
    path: pathOf(e.instanceLocation),
    // the validator's sentences end with a period; the runner joins issues with `; `
    message: e.keyword === 'false' ? 'is not allowed here' : e.error.replace(/\.$/, ''),
  }));
}

// `#/days/1` → `days.1`, with JSON Pointer's `~1` and `~0` undone
function pathOf(instanceLocation: string): string {
  return instanceLocation
    .replace(/^#\/?/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}
