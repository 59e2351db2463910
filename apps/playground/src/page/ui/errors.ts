/**
 * Errors shown to the person as dismissable toasts: a bad key, a lost connection, a refused
 * event. Repeats of the same code and message are folded into one toast with a counter.
 * @module
 */
import { el } from './dom.js';

/** Most toasts on screen: the oldest goes first. */
const MAX_TOASTS = 5;

/** Shows error toasts inside `container`. */
export class ErrorToasts {
  /** The toasts on screen, oldest first. */
  private readonly shown: HTMLElement[] = [];
  /** The toasts still collecting repeats, by their key (see {@link show}). */
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
    close.addEventListener('click', () => this.remove(node));
    this.container.append(node);
    this.shown.push(node);
    this.open.set(key, { node, count: 1 });
    while (this.shown.length > MAX_TOASTS) this.remove(this.shown[0]!);
  }

  /**
   * The trouble a toast grouped by `code` (see {@link show}) told of is over (the provider
   * connection is back): its message becomes `message` and it stops collecting, so the next
   * trouble of that code gets a toast of its own instead of being counted into this one, and no
   * "retrying in 500 ms" stays on screen while all is well. Nothing when none is open.
   */
  settle(code: string, message: string): void {
    const existing = this.open.get(code);
    if (!existing) return;
    existing.node.lastChild!.textContent = message;
    existing.node.classList.add('settled');
    this.open.delete(code);
  }

  private remove(node: HTMLElement): void {
    node.remove();
    const at = this.shown.indexOf(node);
    if (at >= 0) this.shown.splice(at, 1);
    // by node, not by key: a settled toast's key may belong to a newer toast by now
    for (const [key, entry] of this.open) if (entry.node === node) this.open.delete(key);
  }
}
