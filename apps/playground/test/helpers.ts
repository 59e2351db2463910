/**
 * Test helpers: a page-like WebSocket client that records every frame it receives and waits on
 * messages (events, never sleeps).
 * @module
 */
import WebSocket from 'ws';
import type { ServerMessage } from '../src/shared/page-messages.js';

/** Records server → page messages and lets a test wait for one (no sleeps). */
export class MessageRecorder {
  /** Every text frame received, verbatim, in order. */
  readonly frames: string[] = [];
  readonly messages: ServerMessage[] = [];
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] =
    [];

  /** Records one text frame. */
  record(text: string): void {
    this.frames.push(text);
    const message = JSON.parse(text) as ServerMessage;
    this.messages.push(message);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(message)) return true;
      w.resolve(message);
      return false;
    });
  }

  /** Resolves with the first message (already received or future) that matches. */
  next<T extends ServerMessage['type']>(
    type: T,
    match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const test = (m: ServerMessage) =>
      m.type === type && match(m as Extract<ServerMessage, { type: T }>);
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen as Extract<ServerMessage, { type: T }>);
    return this.nextNew(type, match);
  }

  /** Like {@link next}, but only messages after the current end of the list count. */
  nextNew<T extends ServerMessage['type']>(
    type: T,
    match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const test = (m: ServerMessage) =>
      m.type === type && match(m as Extract<ServerMessage, { type: T }>);
    return new Promise((resolve) =>
      this.waiters.push({ match: test, resolve: resolve as (m: ServerMessage) => void }),
    );
  }
}

/** A recording page client over a real WebSocket. */
export class PageClient extends MessageRecorder {
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    super();
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push(`<binary ${String((data as Buffer).length)}>`);
      else this.record((data as Buffer).toString('utf8'));
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Connects to `<url>ws`. */
  static async connect(baseUrl: string, headers: Record<string, string> = {}): Promise<PageClient> {
    const socket = new WebSocket(new URL('/ws', baseUrl), { headers });
    const client = new PageClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  sendJson(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }
}

/** `ms` of a loud 440 Hz tone then `silenceMs` of silence, as 24 kHz PCM16. */
export function toneThenSilence(ms: number, silenceMs: number): Int16Array {
  const rate = 24_000;
  const loud = Math.round((ms * rate) / 1000);
  const out = new Int16Array(loud + Math.round((silenceMs * rate) / 1000));
  for (let i = 0; i < loud; i++)
    out[i] = Math.round(12_000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return out;
}
