/**
 * A phone caller talks over a tool call: the model called a slow tool, the caller speaks (server
 * VAD answers the new turn), and the connection drops while the tool still runs. The call is
 * answered exactly once, right after its call item on the fresh server, and the model is asked
 * to answer the result; nothing hangs and nothing but the drop is reported.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, gate, openSession, setup, slowLookup } from './helpers.js';

const frame = (level: number) => ({
  data: new Int16Array(480).fill(level),
  sampleRate: 24000,
  channels: 1,
});

describe.each(DIALECTS)('barge-in during a tool call, then a drop (%s)', (dialect) => {
  it('the call is answered once after the restore and its follow-up is asked for', async () => {
    const slow = gate();
    const lookup = slowLookup(slow.promise);
    const s = setup(dialect, { tools: [lookup], random: () => 0 });
    s.server.queueResponse((ctx) => ctx.callFunction('lookup', {}, { callId: 'c1' }));
    s.server.queueResponse((ctx) => ctx.text('You said something while I was looking.'));
    s.server.queueResponse((ctx) => ctx.text('The lookup found it.'));
    const session = await openSession(s, {
      modalities: ['text'],
      turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
    });
    const errors: { code?: unknown }[] = [];
    session.on('error', (e) => errors.push(e));
    await Promise.all([
      session.conversation.item.create({ role: 'user', content: 'look it up' }),
      s.settle(),
    ]);
    await Promise.all([session.response.generate(), s.settle()]);
    // the caller talks over the running tool: the VAD commits the turn and answers it
    for (let i = 0; i < 10; i++) session.inputAudioBuffer.append(frame(8000));
    for (let i = 0; i < 15; i++) session.inputAudioBuffer.append(frame(0));
    await s.clock.advanceAsync(1_000);
    expect(session.responses.at(-1)?.text).toBe('You said something while I was looking.');
    // the connection drops while the tool still runs
    s.server.close(1006, 'drop');
    await s.clock.advanceAsync(2_000);
    expect(session.connectionState.status).toBe('open');
    slow.open();
    await s.clock.advanceAsync(2_000);
    const conv = s.server.conversation;
    const outputs = conv.filter((i) => i['type'] === 'function_call_output');
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ call_id: 'c1', output: 'found it' });
    const callAt = conv.findIndex((i) => i['type'] === 'function_call');
    expect(conv[callAt + 1]?.['type']).toBe('function_call_output');
    expect(session.responses.at(-1)?.text).toBe('The lookup found it.');
    expect(session.activeResponse).toBeUndefined();
    expect(errors.map((e) => e.code)).toEqual(['SOCKET_CLOSED']);
    await session.close();
  });
});
