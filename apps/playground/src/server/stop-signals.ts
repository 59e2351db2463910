/**
 * How the playground stops on Ctrl-C / SIGTERM. The first signal closes the server cleanly
 * (each session closes its provider connection, which may wait for the provider's close
 * handshake: up to the transport's close timeout when the provider has stopped answering), and
 * says so, since nothing else is printed meanwhile; a second signal quits at once.
 * @module
 */

/** What the stop needs of the process (injected: the tests use an emitter). */
export interface SignalTarget {
  /** Listens for a signal. */
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  /** Ends the process with `code`. */
  exit(code: number): void;
}

/** Wires `SIGINT` and `SIGTERM` to `close`, then to `target.exit`. */
export function stopOnSignals(
  target: SignalTarget,
  close: () => Promise<void>,
  log: (line: string) => void,
): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      log('voxwire playground: stopped without waiting');
      target.exit(130);
      return;
    }
    stopping = true;
    log('voxwire playground: stopping (closing sessions; Ctrl-C again to quit at once)');
    close().then(
      () => target.exit(0),
      (error: unknown) => {
        log(
          `voxwire playground: close failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        target.exit(1);
      },
    );
  };
  target.on('SIGINT', stop);
  target.on('SIGTERM', stop);
}
