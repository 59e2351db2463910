import { describe, expect, it } from 'vitest';
import type { Transport } from '@voxwire/protocol';
import { SimulatedClock } from '@voxwire/testing';
import { CloseBook } from '../src/connection-close.js';
import { VoxwireError } from '../src/errors.js';

// the book only compares transports by identity
const transport = (): Transport => ({}) as Transport;

/** A book holding one error of transport `t`; `alone` lists the errors reported alone. */
function holding(): { book: CloseBook; t: Transport; error: Error; alone: Error[] } {
  const book = new CloseBook(new SimulatedClock(), 1000);
  const t = transport();
  const error = new Error('reset');
  const alone: Error[] = [];
  book.holdError(t, error, () => alone.push(error));
  return { book, t, error, alone };
}

describe('CloseBook', () => {
  it('a held transport error claimed by its close in the same tick is never reported alone', async () => {
    const { book, t, error, alone } = holding();
    expect(book.claimError(t)).toBe(error);
    expect(book.claimError(t)).toBeUndefined();
    await Promise.resolve();
    expect(alone).toEqual([]);
  });

  it('an error no close claims is reported alone after one microtask, and only the latest of two', async () => {
    const book = new CloseBook(new SimulatedClock(), 1000);
    const t = transport();
    const first = new Error('first');
    const second = new Error('second');
    const alone: Error[] = [];
    book.holdError(t, first, () => alone.push(first));
    book.holdError(t, second, () => alone.push(second));
    expect(alone).toEqual([]);
    await Promise.resolve();
    expect(alone).toEqual([second]);
    // reported, so no longer there for a late close
    expect(book.claimError(t)).toBeUndefined();
  });

  it("another transport's close does not claim the error, and a dropped error is not reported", async () => {
    const { book, t, error, alone } = holding();
    expect(book.claimError(transport())).toBeUndefined();
    expect(book.claimError(t)).toBe(error);
    book.holdError(t, error, () => alone.push(error));
    book.dropError();
    await Promise.resolve();
    expect(alone).toEqual([]);
    expect(book.claimError(t)).toBeUndefined();
  });

  it('the watch fires once after its bound; a new watch replaces the armed one, and stopWatch disarms', () => {
    const clock = new SimulatedClock();
    const book = new CloseBook(clock, 1000);
    const fired: string[] = [];
    book.watch(() => fired.push('a'));
    clock.advance(600);
    book.watch(() => fired.push('b'));
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual(['b']);
    expect(clock.pendingTimers).toBe(0);
    book.watch(() => fired.push('c'));
    book.stopWatch();
    clock.advance(5000);
    expect(fired).toEqual(['b']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps the server error code until the next attempt, the planned error for one reader, and the first close error', () => {
    const book = new CloseBook(new SimulatedClock(), 1000);
    book.noteServerError('invalid_api_key');
    book.noteServerError(null);
    expect(book.serverErrorCode).toBe('invalid_api_key');
    const planned = new VoxwireError('ROLLOVER', 'rollover');
    book.plan(planned);
    book.nextAttempt();
    expect(book.serverErrorCode).toBeUndefined();
    expect(book.takePlanned()).toBeUndefined();
    book.plan(planned);
    expect(book.takePlanned()).toBe(planned);
    expect(book.takePlanned()).toBeUndefined();
    const first = new VoxwireError('SESSION_CLOSED', 'first');
    book.noteCloseError(undefined);
    book.noteCloseError(first);
    book.noteCloseError(new VoxwireError('SESSION_CLOSED', 'second'));
    expect(book.closeError).toBe(first);
  });
});

describe('CloseBook waiters', () => {
  it('resolves every waiter once the connection ended, and only then', async () => {
    const book = new CloseBook(new SimulatedClock(), 1000);
    const order: string[] = [];
    void book.waitEnded().then(() => order.push('a'));
    void book.waitEnded().then(() => order.push('b'));
    await Promise.resolve();
    expect(order).toEqual([]);
    book.ended();
    await Promise.resolve();
    expect(order).toEqual(['a', 'b']);
  });
});
