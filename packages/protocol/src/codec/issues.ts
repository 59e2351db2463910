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

/** Converts valibot issues (flattening union sub-issues is left to valibot's `expected`). */
export function toProtocolIssues(issues: readonly v.BaseIssue<unknown>[]): ProtocolIssue[] {
  return issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: `expected ${expectedOf(issue)}, received ${kindOf(issue.input)}`,
  }));
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
