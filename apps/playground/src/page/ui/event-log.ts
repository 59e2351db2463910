/**
 * The filterable event log: every server event (audio payloads left out by the server), the
 * commands the server sent for the page, and app notes. Capped so a long session stays light.
 * @module
 */
import type { ServerMessageOf } from '../../shared/page-messages.js';
import { el } from './dom.js';

/** Entries kept; the oldest go first. */
const MAX_ENTRIES = 1500;

/** Renders and filters the log `<ol>`. */
export class EventLogView {
  private filter = '';
  private showDeltas = false;

  constructor(private readonly list: HTMLOListElement) {}

  /** Sets the substring filter (case-insensitive, matches type and summary). */
  setFilter(filter: string): void {
    this.filter = filter.trim().toLowerCase();
    this.refilter();
  }

  /** Shows or hides the (many) `*.delta` events. */
  setShowDeltas(show: boolean): void {
    this.showDeltas = show;
    this.refilter();
  }

  /** Adds one entry. */
  add(entry: Omit<ServerMessageOf<'log'>, 'type'>): void {
    const time = new Date(entry.at).toISOString().slice(11, 23);
    const node = el(
      'li',
      entry.eventType === 'error' || entry.eventType.endsWith('.failed') ? 'error' : '',
      [
        el('span', 'time', time),
        el('span', `dir-${entry.direction}`, entry.direction),
        el('span', 'type', entry.eventType),
        el('span', 'summary', entry.summary),
      ],
    );
    node.dataset.search = `${entry.direction} ${entry.eventType} ${entry.summary}`.toLowerCase();
    node.dataset.delta = String(entry.eventType.endsWith('.delta'));
    node.hidden = !this.matches(node);
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 4;
    this.list.append(node);
    while (this.list.childElementCount > MAX_ENTRIES) this.list.firstElementChild?.remove();
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  /** Empties the log. */
  clear(): void {
    this.list.replaceChildren();
  }

  private matches(node: HTMLElement): boolean {
    if (!this.showDeltas && node.dataset.delta === 'true') return false;
    return this.filter === '' || (node.dataset.search ?? '').includes(this.filter);
  }

  private refilter(): void {
    for (const node of this.list.children) {
      if (node instanceof HTMLElement) node.hidden = !this.matches(node);
    }
  }
}
