/**
 * The network under a ws fake's sockets: the server's keep-alive pings, and the sockets whose
 * network died without a close (`FakeWsServer.unplug`). Such a socket stays open on both ends:
 * the server stops reading it, so what the client writes piles up in the kernel's buffers and
 * then in its own (`bufferedAmount` grows, as on a network that acknowledges nothing), and sends
 * it nothing more: no event, no ping or pong, no close. A browser's WebSocket, which has no
 * keep-alive ping, learns of such a network only when TCP gives up; a client has to notice by
 * itself.
 * @module
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Clock, TimerId } from '@voxwire/protocol';

/** The open sockets' raw streams, and which of them are unplugged. */
export class UnpluggedSockets {
  readonly #raw = new WeakMap<WebSocket, Duplex>();
  readonly #unplugged = new WeakSet<WebSocket>();

  /** `ws` was accepted over `raw`. */
  accepted(ws: WebSocket, raw: Duplex): void {
    this.#raw.set(ws, raw);
  }

  /** Whether `ws`'s network is gone: nothing is to be sent to it. */
  has(ws: WebSocket): boolean {
    return this.#unplugged.has(ws);
  }

  /** The network of each of `sockets` dies: it is read no more and sent nothing. */
  unplug(sockets: Iterable<WebSocket>): void {
    for (const ws of sockets) {
      this.#unplugged.add(ws);
      this.#raw.get(ws)?.pause();
    }
  }
}

/** Pings `ws` every `interval` ms of `clock` while it is open (not once its network is gone). */
export function startPings(
  ws: WebSocket,
  clock: Clock,
  interval: number | false,
  unplugged: UnpluggedSockets,
): void {
  if (interval === false || !(interval > 0)) return;
  let timer: TimerId | undefined;
  const tick = () => {
    if (ws.readyState !== ws.OPEN) return;
    if (!unplugged.has(ws)) ws.ping();
    timer = clock.setTimeout(tick, interval);
  };
  timer = clock.setTimeout(tick, interval);
  ws.on('close', () => clock.clearTimeout(timer));
}
