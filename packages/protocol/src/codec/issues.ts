/**
 * Turns valibot issues into `ProtocolIssue`s: a dotted path and a message that names the
 * expected and received *kinds*, never the received value (it may be speech or audio).
 * @module
 */
import * as v from 'valibot';
import type { ProtocolIssue } from './types.js';

/** The kind of a value, for messages: `string`, `number`, `null`, `array`, `object`, … */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Converts valibot issues. A union that failed on an object one of its forms got into (a known
 * `tool_choice` object without its `name`, a custom voice whose `id` is a number) is reported by
 * that form's issues, at their full path: valibot's own union issue only says "expected
 * (mode | Object), received object", which does not tell what to fix. A union none of whose forms
 * got past the value's kind (a number where a mode or an object belongs) stays one issue naming
 * the forms.
 */
export function toProtocolIssues(issues: readonly v.BaseIssue<unknown>[]): ProtocolIssue[] {
  return issues.flatMap((issue) => issuesOf(issue, v.getDotPath(issue) ?? ''));
}

function issuesOf(issue: v.BaseIssue<unknown>, path: string): ProtocolIssue[] {
  if (issue.type === 'union') {
    // the sub-issues' paths are relative to the union's value: a form that failed inside the
    // value has a path, a form that refused the value itself has none
    const inner = (issue.issues ?? []).filter((i) => i.path !== undefined && i.path.length > 0);
    if (inner.length > 0)
      return inner.flatMap((i) => issuesOf(i, joinPath(path, v.getDotPath(i) ?? '')));
  }
  return [{ path, message: `expected ${expectedOf(issue)}, received ${kindOf(issue.input)}` }];
}

function joinPath(outer: string, inner: string): string {
  return outer === '' ? inner : inner === '' ? outer : `${outer}.${inner}`;
}

function expectedOf(issue: v.BaseIssue<unknown>): string {
  // `never` guards the fields only the server sets (session.update's `id`, `object`, `expires_at`)
  if (issue.type === 'never') return 'no value (the field is set by the server, not accepted here)';
  // `expected` is null for refinements (integer, max length…): name the check instead
  return issue.expected ?? `a value passing the ${issue.type} check`;
}

/** A one-line summary of issues for an error message (at most three, then a count). */
export function summarizeIssues(issues: readonly ProtocolIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path || '(root)'}: ${i.message}`);
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
  return shown.join('; ') + more;
}
