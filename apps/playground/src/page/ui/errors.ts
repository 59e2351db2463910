/**
 * Errors shown to the person as dismissable toasts: a bad key, a lost connection, a refused
 * event. Repeats of the same code and message are folded into one toast with a counter.
 * @module
 */
import { el } from './dom.js';

/** Shows error toasts inside `container`. */
export class ErrorToasts {
  private readonly open = new Map<string, { node: HTMLElement; count: number }>();

  constructor(private readonly container: HTMLElement) {}

  /** Shows (or bumps) an error. */
  show(code: string, message: string): void {
    const key = `${code}\u0000${message}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.count++;
      const badge = existing.node.querySelector('b');
      if (badge) badge.textContent = `${code} ×${existing.count}`;
      return;
    }
    const close = el('button', '', '×');
    close.type = 'button';
    close.title = 'dismiss';
    const node = el('div', 'toast', [close, el('b', '', code), document.createTextNode(message)]);
    node.dataset.code = code;
    close.addEventListener('click', () => {
      node.remove();
      this.open.delete(key);
    });
    this.container.append(node);
    this.open.set(key, { node, count: 1 });
    // Keep the stack short: the oldest toast goes first.
    while (this.open.size > 5) {
      const [firstKey, first] = this.open.entries().next().value as [string, { node: HTMLElement }];
      first.node.remove();
      this.open.delete(firstKey);
    }
  }
}
