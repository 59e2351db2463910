/**
 * Every conversation `response.create()` is tagged in `response.metadata` (a bare one too), so
 * that every response the app asked for is known by its tag and an untagged `response.created`
 * is the server's own (VAD, idle timeout). A create whose metadata already holds the API's 16
 * pairs stays sendable: untagged, matched to the next `response.created` as before. Fake server,
 * simulated clock; nothing sleeps.
 */
import { speechThenSilence } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { REQUEST_TAG_KEY } from '../src/index.js';
import { DIALECTS, openSession, setup, type Setup, tagOf } from './helpers.js';

const creates = (s: Setup) =>
  s.server.clientEvents
    .filter((e) => e['type'] === 'response.create')
    .map((e) => (e['response'] ?? {}) as Record<string, unknown>);

describe.each(DIALECTS)('every conversation create() is tagged (%s)', (dialect) => {
  it('a bare create() carries a tag of its own, which its response echoes', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => ctx.text('hello'));
    s.server.queueResponse((ctx) => ctx.text('again'));
    const session = await openSession(s, { modalities: ['text'] });
    await Promise.all([session.response.create(), s.settle()]);
    await s.settle();
    await Promise.all([session.response.create({ response: {} }), s.settle()]);
    await s.settle();
    const [first, second] = creates(s);
    expect(first).toEqual({ metadata: { [REQUEST_TAG_KEY]: expect.any(String) } });
    expect(second).toEqual({ metadata: { [REQUEST_TAG_KEY]: expect.any(String) } });
    expect(tagOf(first)).not.toBe(tagOf(second));
    expect(session.responses.map((r) => tagOf(r.resource as Record<string, unknown>))).toEqual([
      tagOf(first),
      tagOf(second),
    ]);
    await session.close();
  });

  it('a response VAD starts before a bare create’s own does not answer it: a later create waits for that one', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => ctx.text('vad answer'));
    s.server.queueResponse((ctx) => ctx.text('own answer'));
    s.server.queueResponse((ctx) => ctx.text('later'));
    const session = await openSession(s, { modalities: ['text'] });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    // the VAD response's events are held, and the create's own response.created is slow
    s.server.faults.stallAt('response.created').delay('response.created', 100, 2);
    for (const frame of speechThenSilence(400, 800)) session.inputAudioBuffer.append(frame);
    await s.settle();
    const own = session.response.create();
    await s.settle();
    expect(await own).toBe(true);
    s.server.faults.release();
    await s.settle();
    // the VAD response arrived whole; the create's own has not started
    expect(session.responses.map((r) => [r.isDone, tagOf(r.resource as never)])).toEqual([
      [true, undefined],
    ]);
    let laterSent = false;
    const later = session.response.create().then((r) => ((laterSent = true), r));
    await s.settle();
    expect(laterSent).toBe(false);
    expect(creates(s)).toHaveLength(1);
    await s.clock.advanceAsync(100);
    await s.settle();
    expect(await later).toBe(true);
    expect(creates(s)).toHaveLength(2);
    expect(session.responses.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(errors).toEqual([]);
    await session.close();
  });

  it('metadata with the API’s 16 pairs: sent untagged (a warning), and the next response.created answers it', async () => {
    const s = setup(dialect);
    s.server.queueResponse((ctx) => ctx.text('full'));
    s.server.queueResponse((ctx) => ctx.text('next'));
    const session = await openSession(s, { modalities: ['text'] });
    const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`]));
    await expect(
      Promise.all([session.response.create({ response: { metadata } }), s.settle()]),
    ).resolves.toEqual([true, undefined]);
    expect(creates(s)).toEqual([{ metadata }]);
    expect(s.logs.some((l) => l.level === 'warn' && /no room for the tag/.test(l.message))).toBe(
      true,
    );
    await s.settle();
    // answered by its (untagged) response.created: the next create goes out once it ended
    const next = session.response.create();
    await s.settle();
    expect(creates(s)).toHaveLength(2);
    expect(await next).toBe(true);
    await session.close();
  });
});
