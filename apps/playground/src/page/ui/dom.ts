/**
 * Two tiny DOM helpers; text is always set through `textContent`, never HTML, so nothing the model
 * or the server says can inject markup into the page.
 * @module
 */

/** The element with `id`, checked against the expected class (a missing element is a bug in index.html). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`page is missing #${id} (${type.name})`);
  return node;
}

/** Creates an element with class names and text or children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  content: string | Node[] = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (typeof content === 'string') node.textContent = content;
  else node.append(...content);
  return node;
}

/** Formats milliseconds for tables: "812 ms", "1.24 s". */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
