/**
 * Bounds what the server holds for a page that does not read (a stalled connection, a frozen
 * tab). `ws` queues every `send` in memory, without limit: a hands-free session produces about
 * 64 kB/s of base64 audio plus the event log, so a page that stops reading for an hour would
 * pin hundreds of megabytes in the server. Past a high-water mark, the bulky messages that can
 * be lost without the page's state going wrong (assistant audio, log lines) are dropped; the page
 * is told what it missed once it has caught up. Past a hard limit (only state messages left,
 * still unread), the page is given up on: its socket is closed, which ends its session.
 * @module
 */
import type { ServerMessage } from '../shared/page-messages.js';

/** Limits of a {@link PageBacklog}. */
export interface PageBacklogOptions {
  /** Unsent bytes above which audio and log messages are dropped. @default 1_048_576 (≈ 15 s of audio) */
  highWaterBytes?: number | undefined;
  /** Unsent bytes under which the page counts as caught up again. @default 262_144 */
  lowWaterBytes?: number | undefined;
  /** Unsent bytes at which the page is given up on (its socket closed). @default 8_388_608 */
  closeBytes?: number | undefined;
}

/** What to do with one outgoing message. */
export type BacklogVerdict = 'send' | 'drop' | 'close';

/** What was dropped since the page fell behind. */
export interface DroppedCounts {
  /** Assistant audio chunks not sent. */
  audio: number;
  /** Event log lines not sent. */
  log: number;
}

/** Decides, message by message, what a lagging page still gets. */
export class PageBacklog {
  private readonly high: number;
  private readonly low: number;
  private readonly limit: number;
  private dropped: DroppedCounts = { audio: 0, log: 0 };
  private behind = false;
  /**
   * Items whose audio lost a chunk: the rest of their audio is dropped too, even once the page
   * has caught up, because an answer with a hole in the middle is worse than one that stops.
   */
  private readonly cutItems = new Set<string>();

  constructor(options: PageBacklogOptions = {}) {
    this.high = options.highWaterBytes ?? 1_048_576;
    this.low = options.lowWaterBytes ?? 262_144;
    this.limit = options.closeBytes ?? 8_388_608;
  }

  /**
   * The verdict for `message` with `buffered` bytes still unsent to the page. When the page has
   * just caught up after drops, `caughtUp` holds what it missed (send it first).
   */
  admit(
    message: ServerMessage,
    buffered: number,
  ): { verdict: BacklogVerdict; caughtUp?: DroppedCounts | undefined } {
    if (buffered >= this.limit) return { verdict: 'close' };
    let caughtUp: DroppedCounts | undefined;
    if (buffered >= this.high) this.behind = true;
    else if (this.behind && buffered <= this.low) {
      this.behind = false;
      if (this.dropped.audio + this.dropped.log > 0) caughtUp = this.dropped;
      this.dropped = { audio: 0, log: 0 };
    }
    if (message.type === 'audio') {
      if (this.behind || this.cutItems.has(message.itemId)) {
        // the tail of an item cut earlier was already reported with it
        if (this.behind) this.dropped.audio++;
        this.cutItems.add(message.itemId);
        // bounded: only the items of the last few responses can still be streaming
        if (this.cutItems.size > 64) this.cutItems.delete(this.cutItems.values().next().value!);
        return { verdict: 'drop', caughtUp };
      }
    } else if (message.type === 'log' && this.behind) {
      this.dropped.log++;
      return { verdict: 'drop', caughtUp };
    }
    return { verdict: 'send', caughtUp };
  }
}
