import { describe, expect, it } from 'vitest';
import { TransportCallbacks } from '../src/index.js';

/** The smallest adapter: the test plays the socket. */
class FakeSocketTransport extends TransportCallbacks {
  frame(frame: string | Uint8Array): void {
    this.receive(frame);
  }
  fail(error: Error): void {
    this.report(error);
  }
  end(code: number, reason: string): Promise<void> {
    this.finish(code, reason);
    return this.closed;
  }
}

describe('TransportCallbacks', () => {
  it('keeps frames that arrive before onmessage and delivers them in order, then live', () => {
    const t = new FakeSocketTransport();
    t.frame('a');
    t.frame(new Uint8Array([1]));
    const seen: (string | Uint8Array)[] = [];
    t.onmessage = (frame) => seen.push(frame);
    expect(seen).toEqual(['a', new Uint8Array([1])]);
    t.frame('b');
    expect(seen).toEqual(['a', new Uint8Array([1]), 'b']);
  });

  it('a handler that replaces itself while kept frames are delivered gets the rest', () => {
    const t = new FakeSocketTransport();
    for (const f of ['1', '2', '3']) t.frame(f);
    const first: unknown[] = [];
    const second: unknown[] = [];
    t.onmessage = (frame) => {
      first.push(frame);
      t.onmessage = (rest) => second.push(rest);
    };
    expect(first).toEqual(['1']);
    expect(second).toEqual(['2', '3']);
  });

  it('reports a throwing handler to onerror instead of throwing into the socket', () => {
    const t = new FakeSocketTransport();
    const errors: Error[] = [];
    t.onerror = (error) => errors.push(error);
    t.onmessage = () => {
      throw new Error('handler bug');
    };
    expect(() => t.frame('x')).not.toThrow();
    t.onmessage = () => {
      throw 'a string';
    };
    t.frame('y');
    expect(errors.map((e) => e.message)).toEqual(['handler bug', 'a string']);
  });

  it('swallows an onerror that throws, and reports nothing without one', () => {
    const t = new FakeSocketTransport();
    expect(() => t.fail(new Error('nobody listens'))).not.toThrow();
    t.onerror = () => {
      throw new Error('error handler bug');
    };
    expect(() => t.fail(new Error('x'))).not.toThrow();
  });

  it('fires onclose once, resolves closed, and reports an onclose that throws', async () => {
    const t = new FakeSocketTransport();
    const closes: [number, string][] = [];
    const errors: string[] = [];
    t.onerror = (error) => errors.push(error.message);
    t.onclose = (code, reason) => {
      closes.push([code, reason]);
      throw new Error('close handler bug');
    };
    const closed = t.end(1000, 'bye');
    await t.end(1006, 'again');
    await closed;
    expect(closes).toEqual([[1000, 'bye']]);
    expect(errors).toEqual(['close handler bug']);
  });
});
