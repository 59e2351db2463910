/**
 * How the CLI stops on SIGINT/SIGTERM: each client socket gets a close frame, 1001 "going away",
 * as a server that shuts down sends, so a client sees a server that left rather than a network
 * that died (1006, what `FakeWsServer.close()` alone gives: it terminates them). A peer that
 * does not answer its close is cut after a short grace, so stopping never hangs.
 * @module
 */
import type { WebSocket } from 'ws';

/** The close code the CLI's clients get when it stops: 1001, going away. */
export const CLI_STOP_CLOSE_CODE = 1001;

/** The close reason the CLI's clients get when it stops. */
export const CLI_STOP_CLOSE_REASON = 'voxwire-fake-server is shutting down';

/**
 * How long the CLI waits for a client to answer its close frame before cutting the socket, in
 * ms: long enough for any live peer on loopback or a LAN, short enough for Ctrl-C to feel
 * immediate.
 */
export const CLI_STOP_GRACE_MS = 1_000;

/** Options of {@link closeGoingAway}. */
export interface CloseGoingAwayOptions {
  /**
   * The close code.
   * @default CLI_STOP_CLOSE_CODE (1001)
   */
  readonly code?: number | undefined;
  /**
   * The close reason.
   * @default CLI_STOP_CLOSE_REASON
   */
  readonly reason?: string | undefined;
  /**
   * How long to wait for the peers' answers before terminating the sockets still open, in ms.
   * @default CLI_STOP_GRACE_MS (1000)
   */
  readonly graceMs?: number | undefined;
}

/**
 * Sends every open socket a close frame and resolves once each has closed, or once `graceMs`
 * has passed, terminating then the ones whose peer did not answer (`ws` would otherwise wait 30
 * s for it). Sockets already closing are waited for the same way.
 */
export async function closeGoingAway(
  sockets: Iterable<WebSocket>,
  options: CloseGoingAwayOptions = {},
): Promise<void> {
  const open = [...sockets].filter((ws) => ws.readyState !== ws.CLOSED);
  if (open.length === 0) return;
  const closed = open.map(
    (ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())),
  );
  for (const ws of open)
    if (ws.readyState === ws.OPEN)
      ws.close(options.code ?? CLI_STOP_CLOSE_CODE, options.reason ?? CLI_STOP_CLOSE_REASON);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.graceMs ?? CLI_STOP_GRACE_MS);
  });
  await Promise.race([Promise.all(closed), grace]);
  clearTimeout(timer);
  // the peers that never answered: cut, and wait for the close that reports it
  const left = open.filter((ws) => ws.readyState !== ws.CLOSED);
  for (const ws of left) ws.terminate();
  await Promise.all(closed);
}
