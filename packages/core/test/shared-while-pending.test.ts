/** `sharedWhilePending`: one credential request for the connects that overlap it, never a stale one. */
import { describe, expect, it } from 'vitest';
import { sharedWhilePending } from '../src/index.js';

function slow() {
  const calls: ((value: string) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  const request = (n: number) =>
    new Promise<string>((resolve, reject) => {
      calls.push((v) => resolve(`${v}${n}`));
      failures.push(reject);
    });
  return { calls, failures, request };
}

describe('sharedWhilePending', () => {
  it('a call while one is pending gets its promise; once settled, the next call asks again', async () => {
    const { calls, request } = slow();
    const shared = sharedWhilePending(request);
    const a = shared(1);
    const b = shared(2);
    expect(b).toBe(a);
    expect(calls).toHaveLength(1);
    calls[0]!('key');
    await expect(a).resolves.toBe('key1');
    const c = shared(3);
    expect(calls).toHaveLength(2);
    calls[1]!('fresh');
    await expect(c).resolves.toBe('fresh3');
  });

  it('a rejection is shared too, and not kept: the next call asks again', async () => {
    const { calls, failures, request } = slow();
    const shared = sharedWhilePending(request);
    const a = shared(1);
    const b = shared(2);
    failures[0]!(new Error('vault down'));
    await expect(a).rejects.toThrow('vault down');
    await expect(b).rejects.toThrow('vault down');
    void shared(3);
    expect(calls).toHaveLength(2);
  });

  it('a request that throws instead of rejecting is a rejection, and nothing stays pending', async () => {
    let n = 0;
    const shared = sharedWhilePending((): Promise<string> => {
      n++;
      throw new Error('no source');
    });
    await expect(shared()).rejects.toThrow('no source');
    await expect(shared()).rejects.toThrow('no source');
    expect(n).toBe(2);
  });
});
