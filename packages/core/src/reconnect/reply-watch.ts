/**
 * A connection whose server answers nothing: every client event but an audio append (and a
 * WebRTC output clear, not said to be answered when nothing plays) is answered by the server
 * (an ack, `response.created`, or an `error`) within a round trip. When the server has sent
 * nothing at all for `timeoutMs` after such an event left, the network died without a close: a
 * browser's WebSocket has no keep-alive ping and reports such a close only when TCP gives up,
 * minutes later, and the outbox's drain watch sees it only while input audio waits. So a
 * request made on an idle session (a `generate()`, a configuration update, a restore's
 * `session.update`) finds the death instead of ending in `TIMEOUT`: the session drops the
 * connection and reconnects, and the restore re-sends what was in flight.
 *
 * A server that is alive but slow to answer one event is not dead: halfway through the silence
 * the watch asks the server something it answers at once and changes nothing (a retrieve of an
 * item that cannot exist, refused with `item_not_found`, which the session does not report).
 * Any frame after it is a sign of life: the event then waits for its own timeout. A socket
 * still sending what was written before (its `bufferedAmount` going down, or input audio
 * waiting in the outbox, which the drain watch judges) is slow, not dead, and is waited for.
 * @module
 */
import type { ClientEvent, Clock, IdGenerator, TimerId } from '@voxwire/protocol';

/** The socket as the watch reads it when the server has been silent. */
export interface ReplyWatchSocket {
  /** Bytes the transport accepted but has not sent yet (0 when the adapter does not say). */
  bufferedAmount(): number;
}

/** The outbox as the watch uses it. */
export interface ReplyWatchOutbox {
  /** Events waiting for the socket (congested or closing): the outbox's own watches judge it then. */
  readonly queued: number;
  /** Sends the probe. */
  send(event: ClientEvent): boolean;
}

/**
 * The item the probe asks for: an id no server makes (theirs are `item_…`) and the engine never
 * creates, so the answer is a refusal (`item_not_found`).
 */
export const LIVENESS_PROBE_ITEM_ID = 'voxwire_liveness_probe';

/**
 * The reply watch of one session. Hot path: {@link heard} runs once per inbound frame and reads
 * two fields (it clears the timer once, on the first frame after a write); {@link wrote} runs
 * per written event that is not an audio append and reads the clock when a silence starts. One
 * timer at most, and none once the server answered: an idle session keeps no timer.
 */
export class ReplyWatch {
  readonly #clock: Clock;
  readonly #generateId: IdGenerator;
  readonly #timeoutMs: number | false;
  readonly #outbox: ReplyWatchOutbox;
  readonly #onSilent: () => void;
  #timer: TimerId | undefined;
  // whether a write is unanswered (no frame since), and when the oldest such write went: the
  // silence is timed from it, so writes every few seconds do not put it off
  #waiting = false;
  #wroteAt = 0;
  // the probe sent in this silence (its event id, and when), if any
  #probeId: string | undefined;
  #probedAt: number | undefined;
  // frames the connection received while starting and delivers after its first writes: no
  // answer to them
  #early = 0;
  // whether this connection brought any frame: before the first, the connect timeout's second
  // half (the first-frame deadline) judges the silence, as CONNECT_TIMEOUT; timed here too, a
  // server that never came up would read as a dropped connection (SOCKET_CLOSED)
  #heardAny = false;
  #socket: ReplyWatchSocket | undefined;
  // the socket's buffered bytes at the last look: a fall means the network is taking them
  #buffered = 0;
  // bound once: arming allocates no closure
  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#check();
  };

  /**
   * @param timeoutMs how long the server may stay silent after an event it answers (a probe
   *   goes halfway); `false`: never checked.
   * @param outbox where the probe goes, and whether events wait for the socket.
   * @param onSilent called once the event and the probe both went unanswered, nothing draining.
   */
  constructor(
    clock: Clock,
    generateId: IdGenerator,
    timeoutMs: number | false,
    outbox: ReplyWatchOutbox,
    onSilent: () => void,
  ) {
    this.#clock = clock;
    this.#generateId = generateId;
    this.#timeoutMs = timeoutMs;
    this.#outbox = outbox;
    this.#onSilent = onSilent;
  }

  /** Whether a silence is being timed. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Whether `eventId` is the probe's: its refusal is the answer asked for, not an error. */
  isProbe(eventId: string): boolean {
    return eventId === this.#probeId;
  }

  /**
   * A connection opened; `heldFrames` frames it received while starting are delivered after
   * the open's writes (the restore): they are no answer to them.
   */
  opened(heldFrames: number): void {
    this.#early = heldFrames;
    this.#heardAny = heldFrames > 0;
  }

  /** A frame arrived from the server: whatever was written before it is answered. */
  heard(): void {
    this.#heardAny = true;
    if (this.#early > 0) this.#early--;
    else if (this.#waiting) this.#answered();
  }

  /**
   * An event the server answers was written to `socket`: the silence is timed from now, or
   * from an earlier write still unanswered.
   */
  wrote(socket: ReplyWatchSocket): void {
    const ms = this.#timeoutMs;
    if (ms === false || this.#waiting) return;
    this.#waiting = true;
    this.#wroteAt = this.#clock.now();
    this.#probedAt = undefined;
    this.#socket = socket;
    this.#buffered = socket.bufferedAmount();
    // before the connection's first frame: the first frame answers it (heard), or the
    // first-frame deadline ends the connection
    if (!this.#heardAny) return;
    this.#timer ??= this.#clock.setTimeout(this.#fire, ms / 2);
  }

  /** The connection ended (or the session closed): nothing is timed. */
  stop(): void {
    this.#early = 0;
    this.#answered();
  }

  #answered(): void {
    this.#waiting = false;
    this.#socket = undefined;
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    const socket = this.#socket;
    const ms = this.#timeoutMs;
    if (!this.#waiting || socket === undefined || ms === false) return;
    const half = ms / 2;
    const now = this.#clock.now();
    const silentFor = now - this.#wroteAt;
    if (silentFor < half) {
      this.#arm(half - silentFor);
      return;
    }
    const buffered = socket.bufferedAmount();
    if (this.#outbox.queued > 0 || (buffered > 0 && buffered < this.#buffered)) {
      // slow, not dead: the write may still be behind bytes the network is taking
      this.#buffered = buffered;
      this.#arm(half);
      return;
    }
    if (this.#probedAt === undefined) {
      // halfway: a live server answers this at once, whatever keeps it from the event (armed
      // first: a write that fails drops the connection, which stops the watch and its timer)
      this.#probedAt = now;
      this.#arm(Math.max(half, ms - silentFor));
      this.#probe();
      return;
    }
    const probedFor = now - this.#probedAt;
    if (silentFor < ms || probedFor < half) {
      this.#arm(Math.max(ms - silentFor, half - probedFor));
      return;
    }
    this.#answered();
    this.#onSilent();
  }

  #probe(): void {
    const eventId = this.#generateId('event');
    this.#probeId = eventId;
    this.#outbox.send({
      type: 'conversation.item.retrieve',
      event_id: eventId,
      item_id: LIVENESS_PROBE_ITEM_ID,
    });
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimeout(this.#fire, ms);
  }
}
