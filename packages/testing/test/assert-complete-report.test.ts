/**
 * What `assertComplete()` catches beyond expectations still waiting and scripted steps never
 * used: expectations that were rejected, responses nothing scripted (`unscripted: 'fail'`),
 * handlers still running, and (as a note) a VAD turn still open.
 */
import { describe, expect, it } from 'vitest';
import {
  createFakeServer,
  deferred,
  FakeServerOptionsError,
  IncompleteScenarioError,
  silence,
  SimulatedClock,
  speechThenSilence,
  tone,
} from '../src/index.js';
import { startFakeWsServer } from '../src/ws/index.js';
import { connect, type TestClient } from './helpers.js';
import { wsTransport } from './ws-helpers.js';

const userText = (text: string) => ({
  type: 'conversation.item.create',
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

function failure(c: TestClient): IncompleteScenarioError {
  try {
    c.server.assertComplete();
  } catch (error) {
    if (error instanceof IncompleteScenarioError) return error;
    throw error;
  }
  throw new Error('assertComplete passed');
}

describe('rejected expectations fail assertComplete', () => {
  it('one whose predicate threw, made before the clock moved and awaited after the assertion', async () => {
    const c = await connect();
    const boom = c.server.expectClientEvent(
      'session.update',
      (e) => (e.session as unknown as { bogus: { x: number } }).bogus.x === 1,
    );
    boom.catch(() => {});
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'x' } });
    await c.flush();
    expect(failure(c).pending).toEqual([
      expect.stringMatching(
        /^the expectation of client event 'session\.update' failed: the predicate .* threw: Cannot read properties of undefined/,
      ),
    ]);
    await expect(boom).rejects.toMatchObject({ code: 'EXPECTATION_PREDICATE_THREW' });
  });

  it('a strict one that met another event, or whose connection closed first', async () => {
    const c = await connect();
    const next = c.server.expectNextClientEvent('response.create');
    next.catch(() => {});
    c.send({ type: 'input_audio_buffer.clear' });
    await c.flush();
    const closed = c.server.expectNextClientEvent('response.cancel');
    closed.catch(() => {});
    await c.transport.close();
    await c.flush();
    expect(failure(c).pending).toEqual([
      "the expectation of client event 'response.create' (next) failed: expected client event 'response.create' but got 'input_audio_buffer.clear'",
      "the expectation of client event 'response.cancel' (next) failed: expected client event 'response.cancel' but the connection closed",
    ]);
  });

  it('a met expectation leaves nothing to report', async () => {
    const c = await connect();
    const update = c.server.expectClientEvent(
      'session.update',
      (e) => e.session.type === 'realtime',
    );
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'x' } });
    await c.flush();
    c.server.assertComplete();
    // typed by its type: the predicate and the result see the session.update's fields
    expect((await update).session.type).toBe('realtime');
  });
});

describe("unscripted: 'fail'", () => {
  it('answers a response nothing scripted with an empty completed response and fails assertComplete naming it', async () => {
    const c = await connect({ unscripted: 'fail' });
    c.server.queueResponse((ctx) => ctx.text('scripted'));
    c.send(userText('first'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.send(userText('never mind'));
    c.send({ type: 'response.create' });
    await c.flush();
    const done = c.events.filter((e) => e.type === 'response.done');
    expect(done.map((e) => [e.response.status, e.response.output.length])).toEqual([
      ['completed', 1],
      ['completed', 0],
    ]);
    const id = done[1]?.response.id as string;
    expect(c.server.unscriptedResponses).toEqual([
      {
        responseId: id,
        connection: 0,
        trigger: 'client',
        userText: 'never mind',
        answeredBy: 'empty',
      },
    ]);
    expect(failure(c).pending).toEqual([
      `response ${id} (connection 0, asked for by response.create, user said "never mind") had no scripted handler (unscripted: 'fail'): it was answered with an empty completed response`,
    ]);
  });

  it('a fully scripted scenario passes; onResponse counts as scripting', async () => {
    const c = await connect({ unscripted: 'fail' });
    c.server.onResponse((ctx) => ctx.text('always'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.server.assertComplete();
    expect(c.server.unscriptedResponses).toEqual([]);
  });

  it('refuses a value it does not know, and a behaviour (which answers every response)', () => {
    // @ts-expect-error -- not a mode
    expect(() => createFakeServer({ unscripted: 'strict' })).toThrow(FakeServerOptionsError);
    expect(() => createFakeServer({ unscripted: 'fail', behaviour: () => undefined })).toThrow(
      /unscripted: 'fail' cannot apply with a behaviour/,
    );
    createFakeServer({ unscripted: 'demo-agent', behaviour: () => undefined });
  });

  it('is an option of the ws server too (it makes its FakeServer with it)', async () => {
    await expect(
      startFakeWsServer({ unscripted: 'fail', behaviour: () => undefined }),
    ).rejects.toThrow(/unscripted: 'fail' cannot apply with a behaviour/);
    const fake = await startFakeWsServer({ unscripted: 'fail', pingIntervalMs: false });
    const t = wsTransport(`${fake.url}/realtime?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer k' },
    });
    try {
      const done = deferred();
      t.onmessage = (frame) => {
        if (String(frame).includes('"response.done"')) done.resolve();
      };
      await t.start();
      t.send(JSON.stringify({ type: 'response.create' }));
      await done.promise;
      expect(fake.server.unscriptedResponses).toMatchObject([{ answeredBy: 'empty' }]);
      expect(() => fake.server.assertComplete()).toThrow(/unscripted: 'fail'/);
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

describe('the demo agent by default', () => {
  it('answers unscripted responses without failing assertComplete, listed in unscriptedResponses', async () => {
    const c = await connect();
    c.send(userText('hello'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.server.assertComplete();
    expect(c.server.unscriptedResponses).toMatchObject([
      { trigger: 'client', userText: 'hello', answeredBy: 'demo-agent' },
    ]);
  });

  it('is noted when assertComplete fails for another reason in a scenario that scripts responses', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.text('one'));
    c.send(userText('hello'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.send({ type: 'response.create' });
    await c.flush();
    c.server.scriptTranscription('never heard');
    const error = failure(c);
    expect(error.pending).toEqual(['1 scripted transcription(s) never used']);
    expect(error.notes).toEqual([
      expect.stringMatching(/had no scripted handler: the demo agent answered it$/),
    ]);
    expect(error.message).toMatch(/\nnote:\n- response resp_\w+ \(connection 0/);
    // several: counted, the first one shown
    c.send({ type: 'response.create' });
    await c.flush();
    expect(failure(c).notes).toEqual([
      expect.stringMatching(
        /^2 responses had no scripted handler; the first: response resp_\w+ \(connection 0, asked for by response.create, user said "hello"\)/,
      ),
    ]);
  });
});

describe('response handlers still running', () => {
  it('an async handler awaiting a promise never settled fails assertComplete', async () => {
    const clock = new SimulatedClock();
    const c = await connect({ clock });
    const gate = deferred();
    c.server.queueResponse(async (ctx) => {
      await gate.promise;
      ctx.say('late');
    });
    c.send({ type: 'response.create' });
    await c.flush();
    await clock.advanceAsync(30_000);
    const id = c.events.find((e) => e.type === 'response.created')?.response.id as string;
    expect(failure(c).pending).toEqual([
      `the response handler of ${id} (connection 0, asked for by response.create) is still running after 30000 ms: it awaits a promise that has not settled; settle it (and advance) before assertComplete`,
    ]);
    // cancelled meanwhile, it still runs
    c.send({ type: 'response.cancel' });
    await c.flush();
    expect(failure(c).pending[0]).toContain('(its response has ended since)');
    gate.resolve();
    await c.flush();
    c.server.assertComplete();
  });
});

describe('a VAD turn still open', () => {
  it("is noted, with the session's silence duration, when the scripted turn was never committed", async () => {
    const c = await connect();
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } },
      },
    });
    c.server.scriptTranscription('hello');
    c.server.queueResponse((ctx) => ctx.say('Hi.'));
    for (const f of speechThenSilence(600, 300)) c.appendAudio(f.data);
    await c.flush();
    const item = c.events.find((e) => e.type === 'input_audio_buffer.speech_started')?.item_id;
    const error = failure(c);
    expect(error.pending).toEqual([
      '1 queued response(s) never used',
      '1 scripted transcription(s) never used',
    ]);
    expect(error.notes).toEqual([
      `connection 0: a VAD turn is still open (item ${item}): speech started at 0 ms of input audio and was followed by 300 ms of silence, but the session's turn detection ends a turn after 500 ms of silence (its silence_duration_ms, or semantic_vad's eagerness): send more silence, e.g. speechThenSilence(speechMs, 600)`,
    ]);
    // the silence that ends it: nothing left to report
    c.appendAudio(silence(200));
    await c.flush();
    c.server.assertComplete();
  });

  it('is not noted once the turn ended', async () => {
    const c = await connect();
    c.appendAudio(tone(500));
    c.appendAudio(silence(500));
    await c.flush();
    expect(c.types()).toContain('input_audio_buffer.committed');
    c.server.scriptTranscription('never heard');
    expect(failure(c).notes).toEqual([]);
  });
});
