/**
 * The {@link FaultTarget} of a fake server: what `server.faults` acts on (the latest connection
 * for ad-hoc frames, every open one for expiries and releases) and reads (the open connection's
 * counts, which connections are open), plus the expiry that waits for the next connection.
 * @module
 */
import type { FakeConnection } from './connection.js';
import type { FaultTarget } from './faults.js';

/** The fault target over a server's connections (oldest first, the latest last). */
export class ServerFaultTarget implements FaultTarget {
  // an expireSession() made while no connection was open: ms after the next one opens, and
  // what to call when it ends that session
  #expireNext: { readonly afterMs: number; readonly fired: () => void } | undefined;

  constructor(private readonly connections: readonly FakeConnection[]) {}

  // the latest connection when it is open and not closing: the one rules added now apply to
  // first; a closed one is past
  get #live(): FakeConnection | undefined {
    const c = this.connections[this.connections.length - 1];
    return c?.open === true && !c.outbound.closing ? c : undefined;
  }

  sendRaw(frame: string | Uint8Array): void {
    // a chaos injection (core's random fault suite) may land between connections: nothing to do
    this.connections[this.connections.length - 1]?.outbound.pushRaw(frame);
  }

  expire(afterMs: number, fired: () => void): void {
    const open = this.connections.filter((x) => x.open);
    // none open (set up before the agent connects, or between connections): the next one
    for (const c of open) scheduleExpiry(c, afterMs, fired);
    if (open.length === 0) this.#expireNext = { afterMs, fired };
  }

  clearPending(): void {
    this.#expireNext = undefined;
  }

  releaseAll(): void {
    this.connections.forEach((c) => c.outbound.release());
  }

  counted(type: string): number | undefined {
    return this.#live?.outbound.counted(type);
  }

  clientCounted(type: string): number | undefined {
    return this.#live?.clientCounted(type);
  }

  connectionOpen(index: number): boolean | undefined {
    const c = this.connections[index];
    // closing counts as closed: it sends nothing more, so no rule could fire on it
    return c === undefined ? undefined : c.open && !c.outbound.closing;
  }

  openIndex(): number | undefined {
    return this.#live?.index;
  }

  /** A connection opened: an expiry that waited for it is scheduled on it. */
  opened(conn: FakeConnection): void {
    if (this.#expireNext === undefined) return;
    scheduleExpiry(conn, this.#expireNext.afterMs, this.#expireNext.fired);
    this.#expireNext = undefined;
  }
}

function scheduleExpiry(conn: FakeConnection, afterMs: number, fired: () => void): void {
  // the message names the connection's own maximum (an Azure session's 30 min over the ws
  // mode), as its natural expiry does
  conn.schedule(() => {
    // one already closing (a close rule, server.close) hears nothing more: not an expiry
    if (conn.open && !conn.outbound.closing) fired();
    conn.expire(conn.maxSessionDurationMs);
  }, afterMs);
}
