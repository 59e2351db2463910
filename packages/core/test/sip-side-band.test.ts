/**
 * A phone call through OpenAI's SIP trunk, controlled from the app's server over a side-band
 * session, end to end on the in-memory fake: the call rings, the app accepts it, attaches a
 * voxwire session by call id (`createFakeServer({ server, callId })`, what `openai({ callId })`
 * does against the API), the caller speaks, the model calls a tool the side-band runs, its
 * follow-up is played to the caller by the server; the side-band socket drops and re-attaches to
 * the same session without creating anything twice; the barge-in clears the call's output.
 */
import { createFakeServer, FakeServer, SimulatedClock } from '@voxwire/testing';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { RealtimeModel } from '../src/index.js';
import { captureLogger, record } from './helpers.js';
import { orderStatusTool } from './sip-lossy-call.js';

const ACCEPT = { type: 'realtime', instructions: 'You answer the phone for a pizza place.' };

function phoneCall() {
  const clock = new SimulatedClock({ microtaskRounds: 400, start: 1_700_000_000_000 });
  const server = new FakeServer({ clock });
  const call = server.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
  const runs: string[] = [];
  const orderStatus = orderStatusTool(runs);
  const { logger, lines } = captureLogger();
  const model = new RealtimeModel({
    connector: createFakeServer({ server, callId: call.callId }).connector,
    clock,
    logger,
    generateId: createCounterIdGenerator('t'),
    random: () => 0,
    stallTimeoutMs: false,
    tools: [orderStatus],
  });
  return { clock, server, call, model, runs, lines };
}

/** The caller asks for the menu; the model starts answering (played in the next 800 ms). */
async function askForTheMenu(
  clock: SimulatedClock,
  server: FakeServer,
  call: ReturnType<FakeServer['sip']['incoming']>,
): Promise<void> {
  await clock.advanceAsync(0);
  server.scriptTranscription('Tell me the menu.');
  server.queueResponse((ctx) => ctx.say('We have margherita, marinara, four cheese and more.'));
  call.speakTurn(500, 600);
}

describe('a SIP call controlled over a side-band session', () => {
  it('accept, attach, a tool run by the side-band, the answer played on the call; hang-up ends it', async () => {
    const { clock, server, call, model, runs } = phoneCall();
    expect(server.acceptCall(call.callId, ACCEPT).status).toBe(200);
    const session = model.session();
    const events = record(session, ['connected', 'output_audio_started', 'output_audio_stopped']);
    await clock.advanceAsync(0);
    expect(session.connectionState.status).toBe('open');
    // the call carries the audio: the session knows it plays none itself
    expect(session.audioPath).toBe('media');
    expect(events[0]).toEqual(['connected', expect.objectContaining({ audioPath: 'media' })]);
    // the accept's instructions stay the call's (the side-band's update sends none of its own)
    expect(call.connection?.session).toMatchObject({ instructions: ACCEPT.instructions });
    // the side-band's update gave the call's session its tools
    expect(call.connection?.session?.['tools']).toEqual([
      expect.objectContaining({ name: 'order_status' }),
    ]);

    server.scriptTranscription('Where is my order 42?');
    server.queueResponse((ctx) =>
      ctx.callFunction('order_status', { id: '42' }, { callId: 'c42' }),
    );
    server.queueResponse((ctx) => ctx.say('Order 42 is in the oven.'));
    expect(call.speakTurn(500, 600)).toBe(true);
    await clock.advanceAsync(5_000);
    expect(runs).toEqual(['42']);
    // the output went to the call's session, from the side-band
    expect(call.clientEvents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          via: 'sideband',
          event: expect.objectContaining({
            type: 'conversation.item.create',
            item: expect.objectContaining({ type: 'function_call_output', call_id: 'c42' }),
          }),
        }),
      ]),
    );
    // and the follow-up was played to the caller by the server
    expect(call.outputAudio.at(-1)).toMatchObject({ state: 'stopped' });
    expect(events.filter((e) => e[0] === 'output_audio_stopped').length).toBeGreaterThan(0);
    expect(session.responses.at(-1)?.status).toBe('completed');

    const errors: string[] = [];
    session.on('error', (e) => errors.push(String(e.code)));
    expect(server.hangupCall(call.callId).status).toBe(200);
    await clock.advanceAsync(5_000);
    expect(call.state).toBe('ended');
    // the server closed the side-band normally: the session ends with the call, no error, no retry
    expect(session.connectionState).toEqual({ status: 'closed', error: undefined });
    expect(errors).toEqual([]);
    expect(call.sidebands).toHaveLength(1);
  });

  it('a side-band drop re-attaches to the call’s session: the conversation is not created twice', async () => {
    const { clock, server, call, model } = phoneCall();
    server.acceptCall(call.callId, ACCEPT);
    const session = model.session();
    const reconnected = record(session, ['reconnected']);
    await clock.advanceAsync(0);
    server.scriptTranscription('Hello?');
    server.queueResponse((ctx) => ctx.say('Hi, Pizza Place.'));
    call.speakTurn(500, 600);
    await clock.advanceAsync(5_000);
    const before = call.connection!.conversation.snapshot().map((i) => i['id']);
    expect(before).toHaveLength(2);

    // the side-band socket alone drops: the call goes on
    // (the side-band is no connection of its own: the server has the call's session alone)
    expect(server.connections).toEqual([call.connection]);
    call.sidebands[0]!.close(1006, 'network');
    await clock.advanceAsync(5_000);
    expect(call.state).toBe('active');
    expect(session.connectionState.status).toBe('open');
    expect(reconnected).toEqual([
      ['reconnected', expect.objectContaining({ restoredItems: 0, replayedAudioMs: 0 })],
    ]);
    expect(call.connection!.conversation.snapshot().map((i) => i['id'])).toEqual(before);
    expect(call.clientEvents.filter((e) => e.event['type'] === 'conversation.item.create')).toEqual(
      [],
    );
    await session.close();
  });

  it('a call hung up while its side-band was down ends the session as the call’s end: closed with no error', async () => {
    const { clock, server, call, model, lines } = phoneCall();
    server.acceptCall(call.callId, ACCEPT);
    const session = model.session();
    const events = record(session, ['error', 'closed']);
    await clock.advanceAsync(0);
    // the side-band drops, and the caller hangs up before it is back
    call.sidebands[0]!.close(1006, 'network');
    server.hangupCall(call.callId);
    await clock.advanceAsync(30_000);

    expect(session.connectionState).toMatchObject({ status: 'closed', error: undefined });
    // the drop is reported; the refused re-attach is the call's end, not a second error
    expect(events.map((e) => e[0])).toEqual(['error', 'closed']);
    expect(events[0]![1]).toMatchObject({ code: 'SOCKET_CLOSED' });
    expect(events[1]![1]).toEqual({ error: undefined });
    expect(lines.map((l) => l.message)).toContain(
      'the call ended while its side-band was down: the re-attach was refused',
    );
    expect(clock.pendingTimers).toBe(0);
  });

  it('a side-band drop while the call plays says the side-band ended, and the stop heard after the re-attach is reported', async () => {
    // an app waiting for the caller to hear an answer out (a hang-up after a goodbye) must not
    // take the side-band's drop for the end of the audio: the call plays on without it
    const { clock, server, call, model } = phoneCall();
    server.acceptCall(call.callId, ACCEPT);
    const session = model.session();
    const audio = record(session, [
      'output_audio_started',
      'output_audio_stopped',
      'output_audio_cleared',
    ]);
    await askForTheMenu(clock, server, call);
    await clock.advanceAsync(800);
    expect(call.outputAudio.at(-1)).toMatchObject({ state: 'playing' });
    const id = call.outputAudio.at(-1)!.responseId;

    call.sidebands[0]!.close(1006, 'network');
    await clock.advanceAsync(0);
    expect(audio.at(-1)).toEqual([
      'output_audio_cleared',
      { responseId: id, reason: 'side_band_ended' },
    ]);
    // the caller still hears it
    expect(call.outputAudio.at(-1)).toMatchObject({ responseId: id, state: 'playing' });

    await clock.advanceAsync(30_000);
    expect(session.connectionState.status).toBe('open');
    expect(call.outputAudio.at(-1)).toMatchObject({ responseId: id, state: 'stopped' });
    expect(audio.at(-1)).toEqual(['output_audio_stopped', { responseId: id }]);
    await session.close();
  });

  it('interrupt() cancels and clears what the call is playing: no truncate at a guessed position', async () => {
    const { clock, server, call, model } = phoneCall();
    server.acceptCall(call.callId, ACCEPT);
    const session = model.session();
    await askForTheMenu(clock, server, call);
    // the answer is being played to the caller
    await clock.advanceAsync(800);
    expect(call.outputAudio.at(-1)).toMatchObject({ state: 'playing' });
    const result = await session.interrupt();
    await clock.advanceAsync(0);
    expect(result).toMatchObject({ clearedResponseId: expect.any(String) });
    const sent = call.clientEvents.map((e) => e.event['type']);
    expect(sent).toContain('output_audio_buffer.clear');
    expect(sent).not.toContain('conversation.item.truncate');
    expect(call.outputAudio.at(-1)).toMatchObject({ state: 'cleared' });
    await session.close();
  });
});
