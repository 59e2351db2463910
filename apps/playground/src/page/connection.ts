/**
 * The page's WebSocket to its own server (`/ws` on the same origin). JSON for control messages,
 * binary frames for microphone audio. The page holds no credentials: the server does.
 * @module
 */
import type { PageMessage, ServerMessage } from '../shared/page-messages.js';

/** Callbacks of a {@link ServerLink}. */
export interface ServerLinkHandlers {
  onMessage(message: ServerMessage): void;
  /** The socket closed; `clean` is false for a lost connection. */
  onClose(code: number, reason: string, clean: boolean): void;
}

/** A connected link to the playground server. */
export class ServerLink {
  private closing = false;

  private constructor(
    private readonly socket: WebSocket,
    handlers: ServerLinkHandlers,
  ) {
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        handlers.onMessage({
          type: 'error',
          source: 'engine',
          code: 'BAD_SERVER_FRAME',
          message: 'the playground server sent a frame that is not JSON',
        });
        return;
      }
      handlers.onMessage(message);
    };
    socket.onclose = (event) =>
      handlers.onClose(event.code, event.reason, this.closing || event.code === 1000);
  }

  /** Opens the socket; rejects if the server cannot be reached. */
  static open(handlers: ServerLinkHandlers): Promise<ServerLink> {
    const url = new URL('/ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(new ServerLink(socket, handlers));
      socket.onerror = () =>
        reject(
          new Error(`cannot reach the playground server at ${url.host} — is it still running?`),
        );
    });
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a control message. */
  send(message: PageMessage): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  /** Sends a chunk of 24 kHz PCM16 microphone audio. Dropped (not queued) when the socket lags badly. */
  sendAudio(pcm: Int16Array): void {
    // 1 s of audio is 48 kB; more than ~2 s waiting means the link is stuck: drop rather than pile up.
    if (this.open && this.socket.bufferedAmount < 96_000) this.socket.send(pcm);
  }

  /** Closes the socket (the server closes the realtime session). */
  close(): void {
    this.closing = true;
    this.socket.close(1000, 'page disconnect');
  }
}
