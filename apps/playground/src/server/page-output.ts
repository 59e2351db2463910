/**
 * The server → page direction of one page session: every message is scrubbed of the provider's
 * secrets as a last line of defence, and held to the page's backlog budget (a page that stops
 * reading loses audio and log lines first, then its socket).
 * @module
 */
import type { ServerMessage } from '../shared/page-messages.js';
import { PAGE_TOO_SLOW_CODE } from '../shared/page-messages.js';
import { PageBacklog } from './page-backlog.js';
import type { PageBacklogOptions } from './page-backlog.js';

/** The page's end of the link, as the session sees it. */
export interface PageSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /**
   * Bytes handed to `send` and not yet written to the network (`ws`'s `bufferedAmount`): how far
   * behind the page is. @default 0 (unknown: nothing is ever dropped)
   */
  readonly bufferedAmount?: number | undefined;
}

export { PAGE_TOO_SLOW_CODE } from '../shared/page-messages.js';

/** Options of {@link PageOutput}. */
export interface PageOutputOptions {
  /** The page's socket. */
  socket: PageSocket;
  /** Strings that must never reach the page (API keys); those under 4 characters are ignored. @default [] */
  secrets?: readonly string[] | undefined;
  /** How much may wait for a page that does not read. @default the defaults of {@link PageBacklogOptions} */
  backlog?: PageBacklogOptions | undefined;
  /** Called once the page's socket was closed for not reading (end its session). */
  onTooSlow: () => void;
}

/** Sends messages to one page. */
export class PageOutput {
  private readonly secrets: readonly string[];
  private readonly backlog: PageBacklog;
  private stopped = false;

  constructor(private readonly options: PageOutputOptions) {
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
    this.backlog = new PageBacklog(options.backlog);
  }

  /** Nothing is sent any more (the page went away). */
  stop(): void {
    this.stopped = true;
  }

  /** Sends a message to the page, scrubbed of secrets, unless the page is too far behind. */
  send(message: ServerMessage): void {
    if (this.stopped) return;
    const socket = this.options.socket;
    const { verdict, caughtUp } = this.backlog.admit(message, socket.bufferedAmount ?? 0);
    if (verdict === 'close') {
      // everything droppable is dropped and the page still reads nothing: give it up rather than
      // hold its messages (and run its realtime session) for nobody
      socket.close(PAGE_TOO_SLOW_CODE, 'the page stopped reading its messages');
      this.options.onTooSlow();
      return;
    }
    if (caughtUp)
      this.write({ type: 'backlog_dropped', audioChunks: caughtUp.audio, logLines: caughtUp.log });
    if (verdict === 'send') this.write(message);
  }

  private write(message: ServerMessage): void {
    let text = JSON.stringify(message);
    for (const secret of this.secrets) text = text.replaceAll(secret, '[redacted]');
    this.options.socket.send(text);
  }
}
