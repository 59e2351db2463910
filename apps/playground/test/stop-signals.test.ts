/**
 * Ctrl-C / SIGTERM: the first closes the server and says so, a second quits at once (a provider
 * that stopped answering makes the close wait for the transport's close timeout).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stopOnSignals } from '../src/server/stop-signals.js';

function harness() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const lines: string[] = [];
  let finish!: (error?: Error) => void;
  let closes = 0;
  const target = {
    on: (signal: 'SIGINT' | 'SIGTERM', listener: () => void) => emitter.on(signal, listener),
    exit: (code: number) => void exits.push(code),
  };
  stopOnSignals(
    target,
    () => {
      closes++;
      return new Promise<void>((resolve, reject) => {
        finish = (error) => (error ? reject(error) : resolve());
      });
    },
    (line) => void lines.push(line),
  );
  return { emitter, exits, lines, finish: (error?: Error) => finish(error), closes: () => closes };
}

describe('stopOnSignals', () => {
  it('closes once on the first signal, says so, and exits 0 when closed', async () => {
    const h = harness();
    h.emitter.emit('SIGTERM');
    expect(h.closes()).toBe(1);
    expect(h.lines).toEqual([
      'voxwire playground: stopping (closing sessions; Ctrl-C again to quit at once)',
    ]);
    expect(h.exits).toEqual([]);
    h.finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(h.exits).toEqual([0]);
  });

  it('a second signal while closing quits at once (130), without closing again', () => {
    const h = harness();
    h.emitter.emit('SIGINT');
    h.emitter.emit('SIGTERM');
    expect(h.closes()).toBe(1);
    expect(h.exits).toEqual([130]);
    expect(h.lines.at(-1)).toBe('voxwire playground: stopped without waiting');
  });

  it('a close that fails is reported and exits 1', async () => {
    const h = harness();
    h.emitter.emit('SIGINT');
    h.finish(new Error('socket hang up'));
    await Promise.resolve();
    await Promise.resolve();
    expect(h.exits).toEqual([1]);
    expect(h.lines.at(-1)).toBe('voxwire playground: close failed: socket hang up');
  });
});
