/**
 * How an argument that was refused reads in the error that refuses it.
 * @module
 */

/** What the value is, for an error message: strings quoted, objects shown (shortened). */
export function describeArgument(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    // a cycle, or a BigInt inside
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
