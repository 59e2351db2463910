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

  /**
   * Shows (or bumps) an error. With `byCode`, an open toast of the same code takes the new
   * message and counts it, whatever its text: retries of one outage differ only in their
   * delay, and five of them would push every other error off the stack.
   */
  show(code: string, message: string, byCode = false): void {
    const key = byCode ? code : `${code}\u0000${message}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.count++;
      const badge = existing.node.querySelector('b');
      if (badge) badge.textContent = `${code} ×${existing.count}`;
      if (byCode) existing.node.lastChild!.textContent = message;
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
