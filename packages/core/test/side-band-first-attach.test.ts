/**
 * A side-band that attaches to a call whose session is already answering: the caller spoke
 * before the app's socket was up (a SIP call accepted with turn detection on, or a WebRTC call
 * a server joins to run the tools). The side-band hears the answer from the middle: deltas,
 * `output_item.done` and `response.done` about a response it never saw start. Its start is made
 * up from what the rest says (`reconnect/lost-starts.ts`), as after a drop that lost it: the app
 * sees the answer start and end once, nothing of it reaches `error` as unknown, and a function
 * call in it is run and answered (the model waits for that output, and nothing else gives it).
 * The conversation before the attach is the call's, not an anomaly: the item an added item
 * names is retrieved (`reconnect/reattach-probes.ts`), and a function call it turns out to be,
 * left unanswered because no side-band was there, is answered then.
 */
import { createFakeServer, FakeServer, SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { captureLogger, record } from './helpers.js';
import { deafening } from './side-band-helpers.js';
import { callModel, GREETING, named } from './sip-lossy-call.js';

/**
 * An accepted SIP call on the fake whose session answers a caller with no side-band attached
 * yet; or, with `deafUntil`, a side-band attached early that hears nothing of the call from
 * `arm()` until the first event of that type (an attach right before it, to the event).
 */
function callWithoutSideBand(deafUntil?: string) {
  const clock = new SimulatedClock({ microtaskRounds: 400, start: 1_700_000_000_000 });
  const server = new FakeServer({
    clock,
    pacing: { firstOutputDelayMs: 1_000, realtimeFactor: 0.5, textDeltaIntervalMs: 20 },
  });
  const call = server.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
  const runs: string[] = [];
  const { logger, lines } = captureLogger();
  const deaf = deafening(
    createFakeServer({ server, callId: call.callId }).connector,
    deafUntil ?? 0,
  );
  const model = callModel(deaf.connector, clock, runs, logger);
  server.acceptCall(call.callId, { type: 'realtime', instructions: 'You answer the phone.' });
  const conversation = () => call.connection!.conversation.snapshot();
  /** Advances the clock in 10 ms steps until `done()` holds (at most 30 s). */
  const until = async (done: () => boolean) => {
    for (let waited = 0; !done(); waited += 10) {
      if (waited > 30_000) throw new Error('the call never got there');
      await clock.advanceAsync(10);
    }
  };
  /** The side-band attaches: the app's session, with what it records. */
  const attach = () => {
    const session = model.session();
    const events = record(session, ['error', 'response_created', 'response_done']);
    return { session, events };
  };
  /** The warnings and errors logged. */
  const complaints = () =>
    lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
  return { clock, server, call, runs, lines, conversation, until, attach, complaints, deaf };
}

/** The caller asks where order 42 is; the model calls `order_status`, then answers its output. */
function askForTheOrder(c: ReturnType<typeof callWithoutSideBand>): void {
  c.server.scriptTranscription('Where is my order 42?');
  c.server.queueResponse((ctx) =>
    ctx.callFunction('order_status', { id: '42' }, { callId: 'c42' }),
  );
  c.server.queueResponse((ctx) => ctx.say('Order 42 is in the oven.'));
  c.call.speakTurn(500, 600);
}

const outputsOf = (items: readonly Record<string, unknown>[]) =>
  items.filter((i) => i['type'] === 'function_call_output');

describe('a side-band that attaches while the call is answering', () => {
  it('adopts the answer it hears from the middle: started and done once, no error, nothing warned', async () => {
    const c = callWithoutSideBand();
    await c.clock.advanceAsync(0);
    c.server.scriptTranscription('What pizzas do you have?');
    c.server.queueResponse((ctx) => ctx.say(GREETING));
    c.call.speakTurn(500, 600);
    // the answer is playing on the call when the app's socket comes up
    await c.until(() => c.call.outputAudio.length === 1);
    await c.clock.advanceAsync(300);
    expect(c.call.outputAudio[0]).toMatchObject({ state: 'playing' });

    const { session, events } = c.attach();
    await c.clock.advanceAsync(30_000);

    const played = c.call.outputAudio[0]!;
    expect(named(events, 'error')).toEqual([]);
    expect(c.complaints()).toEqual([]);
    expect(named(events, 'response_created').map((r) => r.id)).toEqual([played.responseId]);
    expect(named(events, 'response_done').map((r) => r.id)).toEqual([played.responseId]);
    const adopted = session.responses.at(-1)!;
    expect(adopted.status).toBe('completed');
    // the done events carry the whole transcript, the part before the attach included
    expect(adopted.output[0]!.content[0]!.text).toBe(GREETING);
    // and the mirror holds the answer
    expect(session.chatCtxCopy().items.map((i) => i.id)).toContain(adopted.output[0]!.item.id);
    await session.close();
  });

  it('interrupt() right after the attach stops the answer it adopted: cancelled, cleared, no error', async () => {
    const c = callWithoutSideBand();
    await c.clock.advanceAsync(0);
    c.server.scriptTranscription('What pizzas do you have?');
    c.server.queueResponse((ctx) => ctx.say(GREETING));
    c.call.speakTurn(500, 600);
    await c.until(() => c.call.outputAudio.length === 1);
    await c.clock.advanceAsync(300);
    const { session, events } = c.attach();
    // the first delta heard adopts the answer
    await c.until(() => session.activeResponse !== undefined);

    const result = await session.interrupt();
    await c.clock.advanceAsync(5_000);
    expect(result).toMatchObject({ clearedResponseId: c.call.outputAudio[0]!.responseId });
    const sent = c.call.clientEvents.map((e) => e.event['type']);
    expect(sent).toContain('response.cancel');
    expect(sent).toContain('output_audio_buffer.clear');
    expect(c.call.outputAudio[0]).toMatchObject({ state: 'cleared' });
    expect(session.responses.at(-1)!.status).toBe('cancelled');
    expect(named(events, 'error')).toEqual([]);
    expect(c.complaints()).toEqual([]);
    await session.close();
  });

  it('a create() refused because the call is answering (not yet heard) waits for that answer and goes again', async () => {
    const c = callWithoutSideBand();
    await c.clock.advanceAsync(0);
    c.server.scriptTranscription('What pizzas do you have?');
    c.server.queueResponse((ctx) => ctx.say(GREETING));
    c.call.speakTurn(500, 600);
    // the call's session has started its answer, and sends nothing for a while yet
    await c.until(() => c.call.connection!.runs.size === 1);
    const { session, events } = c.attach();
    await c.clock.advanceAsync(0);
    expect(session.activeResponse).toBeUndefined();
    c.server.queueResponse((ctx) => ctx.say('And we deliver, too.'));
    const asked = session.response.generate();
    await c.clock.advanceAsync(30_000);

    // refused once (the session was answering), sent again once that answer was done
    const creates = c.call.clientEvents.filter((e) => e.event['type'] === 'response.create');
    expect(creates).toHaveLength(2);
    const response = await asked;
    expect(response.status).toBe('completed');
    expect(response.output[0]!.content[0]!.text).toBe('And we deliver, too.');
    expect(c.call.outputAudio.map((a) => a.state)).toEqual(['stopped', 'stopped']);
    expect(named(events, 'error')).toEqual([]);
    expect(c.complaints()).toEqual([]);
    await session.close();
  });

  it('runs a function call whose arguments it hears from the middle, once; the model answers its output', async () => {
    const c = callWithoutSideBand();
    await c.clock.advanceAsync(0);
    askForTheOrder(c);
    // attach while the call's arguments are streaming
    await c.until(() =>
      c.conversation().some((i) => i['type'] === 'function_call' && i['status'] === 'in_progress'),
    );
    const { session, events } = c.attach();
    await c.clock.advanceAsync(30_000);

    expect(c.runs).toEqual(['42']);
    expect(outputsOf(c.conversation())).toEqual([expect.objectContaining({ call_id: 'c42' })]);
    // the model's answer to the output was played
    expect(c.call.outputAudio).toHaveLength(1);
    expect(named(events, 'error')).toEqual([]);
    expect(c.complaints()).toEqual([]);
    await session.close();
  });

  it('a function call whose call item it never heard added is run once and answered, not taken for out of band', async () => {
    // the first event heard of the call is its output_item.done: no conversation.item.added
    // placed it, so the mirror cannot tell it from an out-of-band response's call
    const c = callWithoutSideBand('response.output_item.done');
    const { session, events } = c.attach();
    await c.clock.advanceAsync(0);
    c.deaf.arm();
    askForTheOrder(c);
    await c.clock.advanceAsync(30_000);

    expect(c.runs).toEqual(['42']);
    expect(outputsOf(c.conversation())).toEqual([expect.objectContaining({ call_id: 'c42' })]);
    expect(c.call.outputAudio).toHaveLength(1);
    expect(named(events, 'error')).toEqual([]);
    expect(c.complaints()).toEqual([]);
    // the mirror placed the call where the session holds it, before its output
    const ids = c.conversation().map((i) => i['id']);
    const mirrored = session.chatCtxCopy().items.map((i) => i.id);
    expect(mirrored).toEqual(ids.slice(ids.indexOf(mirrored[0]!)));
    expect(mirrored).toContain(ids[1]);
    await session.close();
  });

  it("an out-of-band response's call on a side-band still runs and gets no output: the session says it holds no such item", async () => {
    const c = callWithoutSideBand();
    const { session, events } = c.attach();
    await c.clock.advanceAsync(0);
    c.server.queueResponse((ctx) =>
      ctx.callFunction('order_status', { id: '7' }, { callId: 'c_oob' }),
    );
    const finished: unknown[] = [];
    session.on('function_calls_finished', (calls) => finished.push(...calls));
    await session.response.create({ response: { conversation: 'none' } });
    await c.clock.advanceAsync(30_000);

    expect(c.runs).toEqual(['7']);
    expect(finished).toHaveLength(1);
    // asked, and refused as unknown: no output, no follow-up, nothing reported or warned of
    const sent = c.call.clientEvents.map((e) => e.event['type']);
    expect(sent).toContain('conversation.item.retrieve');
    expect(sent).not.toContain('conversation.item.create');
    expect(sent.filter((t) => t === 'response.create')).toHaveLength(1);
    expect(named(events, 'error')).toEqual([]);
    expect(c.complaints()).toEqual([]);
    await session.close();
  });

  it('a function call completed before the attach is answered once a later item names it', async () => {
    const c = callWithoutSideBand();
    await c.clock.advanceAsync(0);
    askForTheOrder(c);
    // the call is complete and its response over: nothing the side-band hears names it yet
    await c.until(() =>
      c.conversation().some((i) => i['type'] === 'function_call' && i['status'] === 'completed'),
    );
    await c.clock.advanceAsync(1_000);
    const { session, events } = c.attach();
    await c.clock.advanceAsync(1_000);
    expect(c.runs).toEqual([]);

    // the caller asks again: the item of the new turn names the call as its predecessor
    c.server.scriptTranscription('Hello? Are you there?');
    c.call.speakTurn(500, 600);
    await c.clock.advanceAsync(30_000);

    expect(c.runs).toEqual(['42']);
    expect(outputsOf(c.conversation())).toEqual([expect.objectContaining({ call_id: 'c42' })]);
    expect(named(events, 'error')).toEqual([]);
    // its follow-up waited for the answer to the caller's new turn: the engine's own request,
    // waiting as it should, is no warning
    expect(c.complaints()).toEqual([]);
    expect(c.lines.map((l) => l.message)).toContain(
      'the follow-up response to function calls waits for the response in progress',
    );
    await session.close();
  });

  it('the items before the attach are the call’s: the one an added item names is retrieved, nothing is warned', async () => {
    const c = callWithoutSideBand();
    await c.clock.advanceAsync(0);
    c.server.scriptTranscription('What pizzas do you have?');
    c.server.queueResponse((ctx) => ctx.say('We have margherita and marinara.'));
    c.call.speakTurn(500, 600);
    await c.until(() => c.call.outputAudio[0]?.state === 'stopped');
    const before = c.conversation().map((i) => i['id']);

    const { session } = c.attach();
    await c.clock.advanceAsync(1_000);
    c.server.scriptTranscription('A margherita, please.');
    c.server.queueResponse((ctx) => ctx.say('One margherita, coming up.'));
    c.call.speakTurn(500, 600);
    await c.clock.advanceAsync(30_000);

    expect(c.complaints()).toEqual([]);
    // the mirror: the answer before the attach (retrieved), then what the side-band heard
    const ids = session.chatCtxCopy().items.map((i) => i.id);
    expect(ids).toEqual(
      c
        .conversation()
        .map((i) => i['id'])
        .slice(before.length - 1),
    );
    await session.close();
  });
});
