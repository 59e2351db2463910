/**
 * The scripting API as a test author uses it: mistakes in a scenario fail with a message that
 * says what went wrong, and never hang the test or break the fake server.
 */
import { describe, expect, it } from 'vitest';
import { IncompleteScenarioError, UnexpectedClientEventError } from '../src/index.js';
import {
  createFakeServer,
  deferred,
  FakeServerError,
  FakeServerOptionsError,
  SimulatedClock,
} from '../src/index.js';
import { connect } from './helpers.js';

const userText = (text: string) => ({
  type: 'conversation.item.create',
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

describe('client event expectations', () => {
  it('a predicate that throws rejects its expectation with that error; the server still acts on the event', async () => {
    const c = await connect();
    const broken = c.server.expectClientEvent(
      'conversation.item.create',
      (e) => (e['item'] as any).missing.deep === 1,
    );
    const after = c.server.expectClientEvent('response.create');
    c.send(userText('hi'));
    c.send({ type: 'response.create' });
    await c.flush();
    await expect(broken).rejects.toThrow(/predicate.*conversation\.item\.create.*threw/);
    await expect(broken).rejects.toMatchObject({ cause: expect.any(TypeError) });
    // the next expectation goes on from the event after the one the predicate threw on
    await expect(after).resolves.toMatchObject({ type: 'response.create' });
    expect(c.types()).toContain('conversation.item.added');
    // rejected, it is no longer waiting, but the scenario did not meet it
    expect(() => c.server.assertComplete()).toThrow(
      "the expectation of client event 'conversation.item.create' failed: the predicate of the expectation of client event 'conversation.item.create' threw: Cannot read properties of undefined",
    );
  });

  it('a strict expectation whose predicate refuses an event of the right type says so', async () => {
    const c = await connect();
    const next = c.server.expectNextClientEvent<{ type: string; response?: any }>(
      'response.create',
      (e) => e.response?.metadata?.n === '1',
    );
    c.send({ type: 'response.create' });
    await expect(next).rejects.toBeInstanceOf(UnexpectedClientEventError);
    await expect(next).rejects.toThrow(
      "expected client event 'response.create' but got 'response.create': it did not match the predicate",
    );
  });
});

describe('failure messages of unmet expectations', () => {
  it('assertComplete shows the events of the awaited type that the predicate turned down', async () => {
    const c = await connect();
    const said = c.server.expectClientEvent<{ type: string; item?: any }>(
      'conversation.item.create',
      (e) => e.item?.content?.[0]?.text === 'goodbye',
    );
    said.catch(() => {});
    c.send(userText('hello'));
    c.send(userText('good bye'));
    await c.flush();
    let error: unknown;
    try {
      c.server.assertComplete();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IncompleteScenarioError);
    const message = (error as Error).message;
    expect(message).toContain(
      "waiting for client event 'conversation.item.create' matching its predicate: 2 since the previous match did not match, the last",
    );
    expect(message).toContain('"text":"good bye"');
  });

  it('assertComplete says when the awaited event came before the previous match (expectations are ordered)', async () => {
    const c = await connect();
    const cancelled = c.server.expectClientEvent('response.cancel');
    const truncated = c.server.expectClientEvent('conversation.item.truncate');
    cancelled.catch(() => {});
    truncated.catch(() => {});
    // the client truncates first, then cancels: the truncate expectation waits for a later one
    c.send({
      type: 'conversation.item.truncate',
      item_id: 'item_x',
      content_index: 0,
      audio_end_ms: 0,
    });
    c.send({ type: 'response.cancel' });
    await c.flush();
    await expect(cancelled).resolves.toMatchObject({ type: 'response.cancel' });
    expect(() => c.server.assertComplete()).toThrow(
      "waiting for client event 'conversation.item.truncate': one was sent before the previous match (expectations match in the order they were made)",
    );
  });

  it('an event an earlier expectation took is not reported as sent too early', async () => {
    const c = await connect();
    const first = c.server.expectClientEvent('response.cancel');
    const second = c.server.expectClientEvent('response.cancel');
    second.catch(() => {});
    c.send({ type: 'response.cancel' });
    await c.flush();
    await expect(first).resolves.toMatchObject({ type: 'response.cancel' });
    expect(() => c.server.assertComplete()).toThrow(/waiting for client event 'response.cancel'$/m);
  });

  it('a strict expectation turned down by its predicate shows the event it got', async () => {
    const c = await connect();
    const next = c.server.expectNextClientEvent<{ type: string; audio_end_ms?: number }>(
      'conversation.item.truncate',
      (e) => e.audio_end_ms === 1200,
    );
    c.send({
      type: 'conversation.item.truncate',
      item_id: 'item_x',
      content_index: 0,
      audio_end_ms: 1199,
    });
    await expect(next).rejects.toThrow(/did not match the predicate: \{.*"audio_end_ms":1199/);
  });

  it('long strings (audio) are shortened in the messages', async () => {
    const c = await connect();
    const next = c.server.expectNextClientEvent('input_audio_buffer.append', () => false);
    c.send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(40_000) });
    const error: Error = await next.then(
      () => new Error('resolved'),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/"audio":"AAAA.*…40000 chars"/);
    expect(error.message.length).toBeLessThan(600);
  });
});

describe('response handlers', () => {
  it('a context call after the handler returned throws and fails assertComplete, instead of being silently dropped', async () => {
    const c = await connect();
    const gate = deferred();
    let late: unknown;
    // the handler forgets to return the promise that speaks
    c.server.queueResponse((ctx) => {
      void gate.promise.then(() => {
        try {
          ctx.say('too late');
        } catch (error) {
          late = error;
        }
      });
    });
    c.send({ type: 'response.create' });
    await c.flush();
    gate.resolve();
    await c.flush();
    expect(late).toBeInstanceOf(FakeServerError);
    expect(late).toMatchObject({ code: 'RESPONSE_CONTEXT_CLOSED' });
    expect(String((late as Error).message)).toMatch(
      /ctx\.say\(\) .*after the response handler returned/,
    );
    expect(() => c.server.assertComplete()).toThrow(/ctx\.say\(\) .*after the response handler/);
  });

  it('an async handler may call the context until its promise settles', async () => {
    const c = await connect();
    const gate = deferred();
    c.server.queueResponse(async (ctx) => {
      await gate.promise;
      ctx.text('in time');
      ctx.incomplete();
    });
    c.send({ type: 'response.create' });
    await c.flush();
    gate.resolve();
    await c.flush();
    const done = c.events.find((e) => e.type === 'response.done');
    expect(done?.['response']).toMatchObject({ status: 'incomplete' });
    expect(c.events.find((e) => e.type === 'response.output_text.done')?.['text']).toBe('in time');
    c.server.assertComplete();
  });
});

describe('scripted entries of the wrong kind', () => {
  it('queueResponse and onResponse refuse a handler that is no function, naming it, and queue nothing', async () => {
    const c = await connect();
    const bad = [null, undefined, 42, 'say hi', { say: 'hi' }];
    for (const handler of bad) {
      expect(() => c.server.queueResponse(handler as never)).toThrow(FakeServerOptionsError);
    }
    expect(() => c.server.queueResponse(null as never)).toThrow(
      'server.queueResponse: handler 1 must be a function (ctx) => …, got null',
    );
    // the second entry is named, and the good first one is not queued either
    expect(() => c.server.queueResponse((ctx) => ctx.text('a'), 42 as never)).toThrow(
      /queueResponse: handler 2 .* got 42$/,
    );
    expect(() => c.server.onResponse({ say: 'hi' } as never)).toThrow(
      'server.onResponse: handler must be a function (ctx) => …, got {"say":"hi"}',
    );
    // nothing was queued: the scenario is complete, and the demo agent answers
    c.server.assertComplete();
    c.send({ type: 'response.create' });
    await c.flush();
    expect(c.types()).toContain('response.done');
  });

  it('scriptTranscription refuses a turn that is neither a string nor { fail: true }, and queues nothing', () => {
    const { server } = createFakeServer();
    expect(() => server.scriptTranscription(42 as never)).toThrow(
      'server.scriptTranscription: turn 1 must be a string (the words heard) or { fail: true }, got 42',
    );
    for (const turn of [
      null,
      undefined,
      { fail: false },
      { text: 'hi' },
      { fail: true, text: 'x' },
      ['hi'],
    ])
      expect(() => server.scriptTranscription('ok', turn as never)).toThrow(
        /scriptTranscription: turn 2 must be/,
      );
    // none of those calls queued its good first turn
    server.assertComplete();
    server.scriptTranscription('hello', { fail: true }, '');
    expect(() => server.assertComplete()).toThrow(/3 scripted transcription\(s\) never used/);
  });
});

describe('event types a scenario names', () => {
  it('an expectation of a misspelt client event type throws at the call and names the likely type', async () => {
    const c = await connect();
    // a literal typo is a compile error too; a type computed at run time is checked at the call
    // @ts-expect-error -- not a client event type
    const typo = () => c.server.expectClientEvent('conversation.item.craete');
    expect(typo).toThrow(FakeServerError);
    expect(typo).toThrow(expect.objectContaining({ code: 'UNKNOWN_EVENT_TYPE' }));
    expect(typo).toThrow(
      "'conversation.item.craete' is not a client event type (did you mean 'conversation.item.create'?)",
    );
    // @ts-expect-error -- the beta name
    expect(() => c.server.expectNextClientEvent('transcription_session.update')).toThrow(
      /use 'session\.update'/,
    );
    // it takes no place in the queue: the next expectation is met as usual
    const create = c.server.expectClientEvent('conversation.item.create');
    c.send(userText('hi'));
    await expect(create).resolves.toMatchObject({ type: 'conversation.item.create' });
    // session.close is taken although no codec has a schema for it
    const close = c.server.expectClientEvent('session.close');
    c.sendRaw(JSON.stringify({ type: 'session.close' }));
    await expect(close).resolves.toMatchObject({ type: 'session.close' });
    c.server.assertComplete();
  });

  it('a fault rule on a misspelt or beta-named server event throws instead of never firing', async () => {
    const { server } = await connect({ dialect: 'beta' });
    expect(() => server.faults.drop('response.output_audio.delte')).toThrow(FakeServerOptionsError);
    expect(() => server.faults.drop('response.output_audio.delte')).toThrow(
      "did you mean 'response.output_audio.delta'?",
    );
    expect(() => server.faults.closeAt('response.audio.delta')).toThrow(
      /use 'response\.output_audio\.delta'/,
    );
    expect(() => server.faults.delay('conversation.item.created', 10)).toThrow(
      /use 'conversation\.item\.added'/,
    );
    expect(() => server.faults.duplicate('response.text.delta')).toThrow(/output_text\.delta/);
    expect(() => server.faults.stallAt('respones.done')).toThrow(/did you mean 'response\.done'/);
    expect(server.faults.rules).toEqual([]);
    // the GA-model names are taken, session.closed included
    server.faults.drop('response.output_audio.delta').closeAt('session.closed');
    expect(server.faults.rules).toHaveLength(2);
  });
});

describe('close codes', () => {
  it('a close code no WebSocket may send is refused when scripted, not thrown later inside the ws server', async () => {
    const { server } = await connect();
    for (const code of [1005, 1015, 999, 2000, 5000, 1000.5]) {
      expect(() => server.faults.closeAt('response.created', { code })).toThrow(
        FakeServerOptionsError,
      );
      expect(() => server.faults.closeAfterEvents(3, { code })).toThrow(FakeServerOptionsError);
      expect(() => server.close(code)).toThrow(/close code/);
    }
    // a close frame's reason holds at most 123 bytes
    expect(() => server.close(4000, 'é'.repeat(62))).toThrow(/123 bytes/);
    expect(server.faults.rules).toEqual([]);
    expect(server.current?.open).toBe(true);
    // 1006 is the documented "drop without a close frame"; 1000–1003, 1007–1014, 3000–4999 are sent
    server.faults.closeAt('response.created', { code: 1006 }).closeAfterEvents(9, { code: 4000 });
    expect(server.faults.rules).toHaveLength(2);
    server.close(4999, 'é'.repeat(61));
    expect(server.current?.open).toBe(false);
  });
});

describe('fault rule numbers', () => {
  it('an occurrence, count, delay or repeat that can never apply throws instead of never firing', async () => {
    const { server } = await connect();
    const f = server.faults;
    expect(() => f.drop('response.done', 0)).toThrow(/occurrence must be an integer ≥ 1, got 0/);
    expect(() => f.stallAt('response.done', -1)).toThrow(FakeServerOptionsError);
    expect(() => f.delay('response.done', 10, 1.5)).toThrow(/occurrence/);
    expect(() => f.closeAt('response.done', { occurrence: 0 })).toThrow(/occurrence/);
    expect(() => f.duplicate('response.done', { occurrence: Number.NaN })).toThrow(/occurrence/);
    expect(() => f.duplicate('response.done', { times: 0 })).toThrow(
      /times must be an integer ≥ 1/,
    );
    expect(() => f.delay('response.done', -5)).toThrow(/ms must be a finite number ≥ 0, got -5/);
    expect(() => f.delay('response.done', Number.NaN)).toThrow(/ms must be/);
    expect(() => f.closeAfterEvents(-1)).toThrow(/count must be an integer ≥ 0, got -1/);
    expect(() => f.closeAfterEvents(2.5)).toThrow(/count/);
    expect(() => f.rejectConnects(-1)).toThrow(/count must be an integer ≥ 0/);
    expect(() => f.expireSession(Number.NaN)).toThrow(/afterMs must be a finite number ≥ 0/);
    expect(f.rules).toEqual([]);
  });
});

describe('createFakeServer with an existing server', () => {
  it('refuses server options it would ignore, and takes the transport ones', async () => {
    const first = createFakeServer();
    expect(() =>
      createFakeServer({ server: first.server, behaviour: (ctx) => ctx.say('x') }),
    ).toThrow(/'behaviour'.*would be ignored/);
    expect(() =>
      createFakeServer({ server: first.server, clock: new SimulatedClock(), pacing: {} }),
    ).toThrow(/'clock', 'pacing'/);
    // undefined options are the defaults, not a conflict; dialect and session length are the transport's
    const beta = createFakeServer({
      server: first.server,
      dialect: 'beta',
      maxSessionDurationMs: 1_800_000,
      clock: undefined,
    });
    const connection = await beta.connector({ attempt: 0, signal: new AbortController().signal });
    expect(connection).toMatchObject({ dialect: 'beta', maxSessionDurationMs: 1_800_000 });
  });
});

describe('expectations the server cannot meet by configuration', () => {
  it('expecting input_audio_buffer.append with recordAudioAppends off throws at the call and says why', async () => {
    const c = await connect({ recordAudioAppends: false });
    const append = () => c.server.expectClientEvent('input_audio_buffer.append');
    expect(append).toThrow(expect.objectContaining({ code: 'NOT_RECORDED' }));
    expect(append).toThrow(/recordAudioAppends: false/);
    c.server.assertComplete();
    const recorded = await connect();
    const heard = recorded.server.expectClientEvent('input_audio_buffer.append');
    recorded.appendAudio(new Int16Array(240));
    await expect(heard).resolves.toMatchObject({ type: 'input_audio_buffer.append' });
  });
});
