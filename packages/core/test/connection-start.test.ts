import { describe, expect, it } from 'vitest';
import type { Transport } from '@voxwire/protocol';
import { StartingTransport } from '../src/connection-start.js';

// the holder only compares transports by identity
const transport = (): Transport => ({}) as Transport;

describe('StartingTransport', () => {
  it('holds the frames and the close of the transport being started until it ends, then forgets them', () => {
    const starting = new StartingTransport();
    const t = transport();
    expect(starting.is(t)).toBe(false);
    starting.begin(t);
    expect(starting.is(t)).toBe(true);
    expect(starting.is(transport())).toBe(false);
    starting.hold('a');
    starting.hold(new Uint8Array([1]));
    const close = { code: 1011, reason: 'overloaded', cause: undefined };
    starting.holdClose(close);
    expect(starting.close).toBe(close);
    expect(starting.end()).toEqual(['a', new Uint8Array([1])]);
    expect(starting.is(t)).toBe(false);
    expect(starting.close).toBeUndefined();
    expect(starting.end()).toEqual([]);
  });

  it('a new start drops what the previous transport left held', () => {
    const starting = new StartingTransport();
    const first = transport();
    starting.begin(first);
    starting.hold('old');
    starting.holdClose({ code: 1006, reason: '', cause: undefined });
    const second = transport();
    starting.begin(second);
    expect(starting.is(first)).toBe(false);
    expect(starting.close).toBeUndefined();
    starting.hold('new');
    expect(starting.end()).toEqual(['new']);
  });
});
