import { describe, expect, it } from 'vitest';
import {
  createRecorder,
  deferred,
  FakeServerOptionsError,
  nextEvent,
  SimulatedClock,
  speechThenSilence,
} from '../src/index.js';
import { pcm16ToBase64 } from '@voxwire/protocol';
import { connect } from './helpers.js';

/** A minimal `on(name, listener) => off` source, as a session has. */
function source() {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    on(name: 'a' | 'b', listener: (...args: unknown[]) => void) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener as (...args: unknown[]) => void);
      return () => void set.delete(listener as (...args: unknown[]) => void);
    },
    emit(name: 'a' | 'b', ...args: unknown[]) {
      for (const l of [...(listeners.get(name) ?? [])]) l(...args);
    },
    count: (name: string) => listeners.get(name)?.size ?? 0,
  };
}

describe('createRecorder', () => {
  it('keeps log lines and tapped events in order, stops tapping on demand, and dumps errors readably', () => {
    const r = createRecorder();
    const s = source();
    const stop = r.tap(s, ['a', 'b']);
    r.logger.info('hello', { n: 1 });
    s.emit('a', 1, 2);
    s.emit('b', new Error('boom'));
    stop();
    s.emit('a', 3);
    expect(s.count('a') + s.count('b')).toBe(0);
    expect(r.seen).toEqual([
      { level: 'info', message: 'hello', fields: { n: 1 } },
      { event: 'a', args: [1, 2] },
      { event: 'b', args: [expect.any(Error)] },
    ]);
    expect(r.dump()).toContain('"message":"boom"');
  });
});

describe('nextEvent and deferred', () => {
  it('nextEvent resolves with the first argument of the next emission and unsubscribes', async () => {
    const s = source();
    const next = nextEvent(s, 'a');
    s.emit('b', 'ignored');
    s.emit('a', 'first', 'second');
    s.emit('a', 'later');
    await expect(next).resolves.toBe('first');
    expect(s.count('a')).toBe(0);
  });

  it('takes only the names the source emits: a misspelt one is a compile error, not a wait forever', () => {
    const s = source();
    const r = createRecorder();
    // @ts-expect-error 'c' is no event of this source
    void nextEvent(s, 'c');
    // @ts-expect-error nor here
    r.tap(s, ['a', 'c'])();
    expect(s.count('a')).toBe(0);
  });

  it('deferred settles from outside', async () => {
    const ok = deferred<number>();
    ok.resolve(7);
    await expect(ok.promise).resolves.toBe(7);
    const bad = deferred();
    bad.reject(new Error('no'));
    await expect(bad.promise).rejects.toThrow('no');
  });
});

describe('speechThenSilence', () => {
  it('makes whole frames of tone then zeros at the given rate', () => {
    const frames = speechThenSilence(250, 200, { sampleRate: 8000, frameMs: 100 });
    expect(frames).toHaveLength(5); // 3 loud (250 ms rounded up) + 2 quiet
    expect(
      frames.every((f) => f.sampleRate === 8000 && f.channels === 1 && f.data.length === 800),
    ).toBe(true);
    expect(Math.max(...frames[0]!.data)).toBeGreaterThan(15_000);
    expect(frames[3]!.data.every((v) => v === 0)).toBe(true);
    expect(frames[0]!.data).not.toBe(frames[1]!.data);
  });

  it('rejects negative durations and empty frames', () => {
    expect(() => speechThenSilence(-1, 0)).toThrow(FakeServerOptionsError);
    expect(() => speechThenSilence(100, 100, { frameMs: 0 })).toThrow(/frameMs/);
  });

  it('rejects an endless duration and frames too short to hold a sample, instead of looping for ever', () => {
    // each of these looped (almost) without end, pushing frames until memory ran out
    expect(() => speechThenSilence(Number.POSITIVE_INFINITY, 0)).toThrow(FakeServerOptionsError);
    expect(() => speechThenSilence(0, Number.POSITIVE_INFINITY)).toThrow(FakeServerOptionsError);
    expect(() => speechThenSilence(600, 0, { frameMs: 1e-9 })).toThrow(FakeServerOptionsError);
    expect(() => speechThenSilence(100, 0, { frameMs: Number.POSITIVE_INFINITY })).toThrow(
      FakeServerOptionsError,
    );
    // the shortest frame that holds one sample is fine
    expect(speechThenSilence(1, 0, { frameMs: 1 / 24 })).toHaveLength(24);
  });
});

describe('speechThenSilence and the session silence_duration_ms', () => {
  it.each([
    [200, true],
    [100, false],
  ])(
    'a turn followed by %i ms of silence is ended: %s (default silence_duration_ms 200)',
    async (silenceMs, ends) => {
      const clock = new SimulatedClock();
      const c = await connect({ clock });
      for (const f of speechThenSilence(600, silenceMs))
        c.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(f.data) });
      await clock.advanceAsync(5_000);
      expect(c.types()).toContain('input_audio_buffer.speech_started');
      expect(c.types().includes('input_audio_buffer.speech_stopped')).toBe(ends);
    },
  );
});
