/**
 * The per-response metrics panel: a table (time to first token, duration, tokens) and a
 * hand-drawn SVG timeline with one lane per response and a mark per event.
 * @module
 */
import type { ServerMessageOf } from '../../shared/page-messages.js';
import { el, formatMs } from './dom.js';

type Metrics = ServerMessageOf<'metrics'>;

const SVG = 'http://www.w3.org/2000/svg';
/** Responses kept in the chart: older lanes scroll off. */
export const MAX_LANES = 8;
/**
 * Responses kept in the table: older rows are dropped. A hands-free session answers every few
 * seconds for hours; an unbounded table grows the page (and each prepend's layout) without end.
 */
export const MAX_ROWS = 50;
const COLORS: Record<string, string> = {
  created: '#868e96',
  first_text: '#3b5bdb',
  first_audio: '#2b8a3e',
  function_call: '#9c36b5',
  done: '#1d2330',
  cancelled: '#e67700',
};

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** Renders metrics rows and the timeline chart. */
export class MetricsView {
  private readonly rows: Metrics[] = [];
  /** The table body as index.html has it ("No responses yet."), put back by {@link clear}. */
  private readonly initial: Node[];

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly chart: HTMLElement,
  ) {
    this.initial = [...body.childNodes].map((n) => n.cloneNode(true));
  }

  /** Empties the table and the timeline (a new session): its responses belong to the one that ended. */
  clear(): void {
    this.rows.length = 0;
    this.body.replaceChildren(...this.initial.map((n) => n.cloneNode(true)));
    this.chart.replaceChildren();
  }

  /** Adds one response's metrics. */
  add(metrics: Metrics): void {
    this.body.querySelector('.empty')?.remove();
    const status = el('td', `status-${metrics.status}`, metrics.status);
    const row = el('tr', '', [
      el('td', '', metrics.responseId.slice(-10)),
      status,
      el('td', 'ttft', formatMs(metrics.ttftMs)),
      el('td', '', formatMs(metrics.durationMs)),
      el('td', '', `${metrics.tokens.input} / ${metrics.tokens.output}`),
    ]);
    row.title = metrics.responseId;
    row.dataset.responseId = metrics.responseId;
    this.body.prepend(row);
    // newest on top: the oldest rows are at the bottom
    while (this.body.rows.length > MAX_ROWS) this.body.lastElementChild?.remove();
    this.rows.push(metrics);
    if (this.rows.length > MAX_LANES) this.rows.shift();
    this.draw();
  }

  private draw(): void {
    const width = 600;
    const left = 90;
    const lane = 20;
    const top = 14;
    const height = top + lane * this.rows.length + 18;
    const span = Math.max(
      100,
      ...this.rows.map((r) => Math.max(r.durationMs, ...r.timeline.map((m) => m.atMs))),
    );
    const x = (ms: number) => left + ((width - left - 10) * ms) / span;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
    root.append(svg('title', {}));
    root.lastChild!.textContent = 'Timeline of each response (ms after response.created)';
    // axis with four ticks
    for (let i = 0; i <= 4; i++) {
      const ms = (span * i) / 4;
      root.append(
        svg('line', { x1: x(ms), x2: x(ms), y1: top - 4, y2: height - 16, stroke: '#e3e6eb' }),
      );
      const label = svg('text', {
        x: x(ms),
        y: height - 4,
        'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle',
      });
      label.textContent = formatMs(ms);
      root.append(label);
    }
    // newest on top, as in the table
    [...this.rows].reverse().forEach((r, i) => {
      const y = top + i * lane;
      const name = svg('text', { x: 0, y: y + 12 });
      name.textContent = r.responseId.slice(-10);
      root.append(name);
      root.append(
        svg('rect', {
          x: x(0),
          y: y + 4,
          width: Math.max(2, x(r.durationMs) - x(0)),
          height: 10,
          rx: 3,
          fill: r.status === 'completed' ? '#dbe4ff' : '#ffe8cc',
        }),
      );
      for (const mark of r.timeline) {
        const dot = svg('circle', {
          cx: x(mark.atMs),
          cy: y + 9,
          r: 4,
          fill: COLORS[mark.kind] ?? '#495057',
        });
        const tip = svg('title', {});
        tip.textContent = `${mark.kind} at ${formatMs(mark.atMs)}`;
        dot.append(tip);
        dot.dataset.kind = mark.kind;
        root.append(dot);
      }
    });
    const legend = el(
      'div',
      'legend',
      Object.entries(COLORS).map(([kind, color]) => {
        const item = el('span', '', ` ${kind.replace('_', ' ')}  `);
        item.style.setProperty('--c', color);
        item.prepend(el('b', '', '●'));
        (item.firstChild as HTMLElement).style.color = color;
        return item;
      }),
    );
    this.chart.replaceChildren(root, legend);
  }
}
