/**
 * A network that dies without a close, for tests: wraps a connector so that, once told, the
 * connection then open (or the next one to send) goes dead at its next write (or its next
 * input audio append, as the network under a streaming microphone dies): what it is sent
 * goes nowhere and piles up in its `bufferedAmount`, nothing it receives is delivered, and no
 * close is reported (a Wi-Fi hand-over, a NAT that forgot the connection). Closing it (the
 * engine giving up on it) closes the connection underneath, so the server sees it go.
 * @module
 */
import type { Connector, Transport } from '@voxwire/protocol';

/** `connector`'s connections, each of which can be made to die. */
export function dyingNetwork(connector: Connector): {
  readonly connector: Connector;
  /** The connection that sends next dies right there (once). */
  dieOnNextSend(): void;
  /** The connection that sends the next input audio append dies right there (once). */
  dieOnNextAppend(): void;
  /** Whether a death was asked for and has not happened yet. */
  readonly dying: boolean;
} {
  // what the death waits for: any write, or an append
  let dying: 'send' | 'append' | false = false;
  return {
    connector: async (attempt) => {
      const connection = await connector(attempt);
      const inner = connection.transport;
      let dead = false;
      let buffered = 0;
      const transport: Transport = {
        start: () => {
          inner.onmessage = (frame) => {
            if (!dead) transport.onmessage?.(frame);
          };
          inner.onclose = (code, reason) => transport.onclose?.(code, reason);
          inner.onerror = (error) => transport.onerror?.(error);
          return inner.start();
        },
        send: (frame) => {
          if (
            !dead &&
            (dying === 'send' ||
              (dying === 'append' && frame.includes('input_audio_buffer.append')))
          ) {
            dying = false;
            dead = true;
          }
          if (dead) buffered += frame.length;
          else inner.send(frame);
        },
        close: (code, reason) => inner.close(code, reason),
        get bufferedAmount() {
          return buffered + (inner.bufferedAmount ?? 0);
        },
      };
      return { ...connection, transport };
    },
    dieOnNextSend: () => {
      dying = 'send';
    },
    dieOnNextAppend: () => {
      dying = 'append';
    },
    get dying() {
      return dying !== false;
    },
  };
}
