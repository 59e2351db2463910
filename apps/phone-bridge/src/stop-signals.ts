/**
 * Ctrl-C / SIGTERM: the first signal ends every call (each session closes its provider
 * connection, which can take up to the transport's close timeout) and says so; a second quits
 * at once. The playground's approach, in a small local version (apps share no code).
 * @module
 */

/** What the stop needs of the process (injected: tests use an emitter). */
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
      log('phone-bridge: stopped without waiting');
      target.exit(130);
      return;
    }
    stopping = true;
    log('phone-bridge: stopping (ending calls; Ctrl-C again to quit at once)');
    close().then(
      () => target.exit(0),
      (error: unknown) => {
        log(
          `phone-bridge: close failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        target.exit(1);
      },
    );
  };
  target.on('SIGINT', stop);
  target.on('SIGTERM', stop);
}
