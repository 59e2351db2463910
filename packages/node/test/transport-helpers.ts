/**
 * What the createWebSocketTransport tests (transport-*.test.ts, a real socket to a loopback
 * server) share: a fake key, per-test clean-ups, servers that are closed after each test, and a
 * record of what a transport reported. Each test file calls `transportTestKit()` once, at its
 * top, so its clean-ups run after each of its own tests.
 */
import type { Socket } from 'node:net';
import { deferred } from '@voxwire/testing';
import { startLoopbackWsServer, startRefusingServer, startSilentServer } from '@voxwire/testing/ws';
import { afterEach } from 'vitest';
import type { TransportError, WebSocketTransport } from '../src/index.js';
import type { Cleanups } from './scenario-helpers.js';

/** A credential-shaped value that must never show in a message, a reason or a cause. */
export const SECRET = 'sk-test-SECRET-0123456789';

/** What a transport reported through its handlers, as `track` records it. */
export interface Tracked {
  /** Every onclose, in order: `[code, reason]`. */
  closes: [number, string][];
  /** Every onerror, in order. */
  errors: Error[];
  /** Every frame delivered to onmessage, in order. */
  frames: (string | Uint8Array)[];
  /** Settles with the first onclose's `[code, reason]`. */
  closed: Promise<[number, string]>;
}

/** The set-up a transport test file uses; see `transportTestKit`. */
export interface TransportTestKit {
  /** Run in reverse after each test; a test pushes what it opened itself. */
  cleanups: Cleanups;
  /** A loopback WebSocket server, closed after the test. */
  wsServer(
    options?: Parameters<typeof startLoopbackWsServer>[0],
  ): ReturnType<typeof startLoopbackWsServer>;
  /** A server that refuses every upgrade with an HTTP status, closed after the test. */
  refusingServer(
    options: Parameters<typeof startRefusingServer>[0],
  ): ReturnType<typeof startRefusingServer>;
  /** A server that accepts TCP connections and never answers, closed after the test. */
  silentServer(): ReturnType<typeof startSilentServer>;
  /** Records the transport's closes, errors and frames; the transport is closed after the test. */
  track(transport: WebSocketTransport): Tracked;
}

/**
 * Registers an `afterEach` that runs the clean-ups, and returns the helpers that fill them.
 * A factory rather than module state: each test file gets its own list and its own hook.
 */
export function transportTestKit(): TransportTestKit {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  return {
    cleanups,
    async wsServer(options) {
      const server = await startLoopbackWsServer(options);
      cleanups.push(() => server.close());
      return server;
    },
    async refusingServer(options) {
      const server = await startRefusingServer(options);
      cleanups.push(() => server.close());
      return server;
    },
    async silentServer() {
      const server = await startSilentServer();
      cleanups.push(() => server.close());
      return server;
    },
    track(transport) {
      const closes: [number, string][] = [];
      const errors: Error[] = [];
      const frames: (string | Uint8Array)[] = [];
      const closed = deferred<[number, string]>();
      transport.onclose = (code, reason) => {
        closes.push([code, reason]);
        closed.resolve([code, reason]);
      };
      transport.onerror = (error) => errors.push(error);
      transport.onmessage = (frame) => frames.push(frame);
      cleanups.push(() => transport.close());
      return { closes, errors, frames, closed: closed.promise };
    },
  };
}

/** The TCP socket under a `ws` WebSocket (a private field): to pause, write raw frames, fail. */
export function tcpSocketOf(ws: unknown): Socket {
  return (ws as { _socket: Socket })._socket;
}

/**
 * Starts `transport` and returns the error its `start()` rejected with, typed for the asserts
 * that follow (each test still checks the code and the class it expects). A start that resolves
 * throws here, so a connect that wrongly succeeds fails the test with that, not with an
 * unrelated `undefined` in a later assertion.
 */
export async function startError(transport: { start(): Promise<void> }): Promise<TransportError> {
  try {
    await transport.start();
  } catch (error) {
    return error as TransportError;
  }
  throw new Error('expected start() to reject, but it resolved');
}
