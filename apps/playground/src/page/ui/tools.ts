/**
 * The tool-call panel: each call with its arguments, then its result (or failure).
 * @module
 */
import { el } from './dom.js';

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 1);
  } catch {
    return json; // the model may send broken JSON; show it as it came
  }
}

/** Renders tool calls into an `<ol>`. */
export class ToolCallsView {
  private readonly calls = new Map<string, HTMLLIElement>();
  /** The list as index.html has it ("No tool calls yet."), put back by {@link clear}. */
  private readonly initial: Node[];

  constructor(private readonly list: HTMLOListElement) {
    this.initial = [...list.childNodes].map((n) => n.cloneNode(true));
  }

  /** Empties the panel (a new session): its calls belong to the session that ended. */
  clear(): void {
    this.calls.clear();
    this.list.replaceChildren(...this.initial.map((n) => n.cloneNode(true)));
  }

  /** The model called a tool. */
  call(callId: string, name: string, args: string): void {
    this.list.querySelector('.empty')?.remove();
    const node = el('li', 'call', [
      el('span', 'name', `${name}()`),
      el('div', 'args', [el('span', 'label', 'arguments'), el('pre', '', pretty(args))]),
      el('div', 'result pending', 'running…'),
    ]);
    node.dataset.callId = callId;
    this.calls.set(callId, node);
    this.list.prepend(node);
  }

  /**
   * The session ended (Disconnect, a closed session, a lost link to the playground server) with
   * calls still running: their results will never reach this page (core reports them after
   * `closed`, when the page has already let the link go), so they are shown aborted instead of
   * "running…" for good.
   */
  abortPending(reason: string): void {
    for (const node of this.calls.values()) {
      const result = node.querySelector('.result.pending');
      if (!result) continue;
      result.className = 'result aborted';
      result.replaceChildren(el('span', 'label', 'aborted'), el('pre', '', reason));
    }
  }

  /** The server ran the tool. */
  result(callId: string, name: string, output: string, ok: boolean): void {
    let node = this.calls.get(callId);
    if (!node) {
      this.call(callId, name, '');
      node = this.calls.get(callId);
    }
    const result = node?.querySelector('.result');
    if (!result) return;
    result.className = ok ? 'result done' : 'result failed';
    result.replaceChildren(
      el('span', 'label', ok ? 'result' : 'failed'),
      el('pre', '', pretty(output)),
    );
  }
}
