/**
 * What the session hands the app (event payloads, getters, resolved values) is the app's: an app
 * that edits it, to build the next configuration say, changes nothing the engine keeps or sends.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../src/tools/tool.js';
import { DIALECTS, openSession, setup } from './helpers.js';

/** The instructions of the last `session.update` the server received. */
function lastInstructions(s: ReturnType<typeof setup>): unknown {
  const updates = s.server.clientEvents.filter((e) => e.type === 'session.update');
  return (updates.at(-1) as { session?: { instructions?: unknown } }).session?.instructions;
}

describe.each(DIALECTS)('session options handed to the app (%s)', (dialect) => {
  it('editing the session_updated payload, session.options or the sessionUpdate result does not change the session', async () => {
    const s = setup(dialect, { random: () => 0 });
    const session = await openSession(s, { instructions: 'Be brief.' });
    session.on('session_updated', (options) => {
      options.instructions = 'edited in session_updated';
      options.modalities.push('text');
    });
    const confirmed = await Promise.all([session.sessionUpdate({ voice: 'echo' }), s.settle()]);
    confirmed[0].instructions = 'edited result';
    session.options.instructions = 'edited getter';
    if (session.options.turnDetection?.type === 'server_vad')
      session.options.turnDetection.threshold = 0.99;
    expect(session.options.instructions).toBe('Be brief.');
    expect(session.options.modalities).toEqual(['text', 'audio']);
    expect(session.options.turnDetection).toMatchObject({ threshold: 0.5 });
    // the restore after a drop configures the fresh server as the old one was
    s.server.close(1006, 'drop');
    await s.clock.advanceAsync(5000);
    expect(session.connectionState.status).toBe('open');
    expect(lastInstructions(s)).toBe('Be brief.');
    expect(s.server.sessionConfig).toMatchObject({ instructions: 'Be brief.' });
    await session.close();
  });
});

describe.each(DIALECTS)('response tree handed to the app (%s)', (dialect) => {
  it('editing output.item or response.resource changes neither the tool call nor the mirror', async () => {
    const ran: unknown[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'returns its arguments',
      parameters: v.object({ a: v.number() }),
      execute: (args) => {
        ran.push(args);
        return 'ok';
      },
    });
    const s = setup(dialect, { tools: [echo] });
    s.server.queueResponse((ctx) => ctx.callFunction('echo', { a: 1 }));
    s.server.queueResponse((ctx) => ctx.say('Call me at five five five.'));
    const session = await openSession(s);
    // an app redacting what it logs, in place
    type Loose = {
      type: string;
      id?: string;
      arguments?: string;
      content?: { transcript?: string }[];
    };
    const redact = (item: Loose): void => {
      if (item.type === 'function_call') item.arguments = '{"a":666}';
      for (const part of item.content ?? []) part.transcript = 'REDACTED';
    };
    session.on('response_output_added', (o) => {
      redact(o.item as Loose);
      (o.item as Loose).id = 'edited';
    });
    session.on('response_output_done', (o) => redact(o.item as Loose));
    session.on('response_done', (r) => {
      for (const item of r.resource.output ?? []) redact(item as Loose);
      r.resource.status = 'cancelled';
    });
    const finished: unknown[] = [];
    session.on('function_calls_finished', (calls) => finished.push(...calls.map((c) => c.output)));
    await Promise.all([session.response.generate(), s.clock.advanceAsync(1000)]);
    await s.clock.advanceAsync(1000);
    expect(ran).toEqual([{ a: 1 }]);
    expect(finished).toEqual(['ok']);
    // the mirror still equals the server's conversation
    const mirror = session.chatCtxCopy().items;
    expect(mirror.map((i) => i.id)).toEqual(s.server.conversation.map((i) => i['id']));
    expect(mirror[0]).toMatchObject({ type: 'function_call', arguments: '{"a":1}' });
    expect(mirror[2]).toMatchObject({
      type: 'message',
      content: [{ type: 'audio', transcript: 'Call me at five five five.' }],
    });
    await session.close();
  });
});

describe.each(DIALECTS)('the server_event tap (%s)', (dialect) => {
  it('a tap that edits the events it logs changes neither the audio, the text nor a tool call', async () => {
    const ran: unknown[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'returns its arguments',
      parameters: v.object({ a: v.number() }),
      execute: (args) => {
        ran.push(args);
        return 'ok';
      },
    });
    const s = setup(dialect, { tools: [echo] });
    s.server.queueResponse((ctx) => ctx.callFunction('echo', { a: 1 }));
    s.server.queueResponse((ctx) => ctx.say('Spoken and heard.'));
    const session = await openSession(s);
    // a logging tap that blanks bulky and private fields in place before writing the event out
    session.on('server_event', (tapped) => {
      if (tapped.kind !== 'event') return;
      const e = tapped.event as unknown as Record<string, unknown>;
      if (typeof e['delta'] === 'string') e['delta'] = '';
      if (typeof e['transcript'] === 'string') e['transcript'] = '';
      const item = e['item'] as Record<string, unknown> | undefined;
      if (item && typeof item['arguments'] === 'string') item['arguments'] = '{}';
    });
    let samples = 0;
    session.on('response_audio', (frame) => (samples += frame.data.length));
    await Promise.all([session.response.generate(), s.clock.advanceAsync(1000)]);
    await s.clock.advanceAsync(1000);
    expect(ran).toEqual([{ a: 1 }]);
    const answer = session.responses.at(-1)!;
    expect(answer.text).toBe('Spoken and heard.');
    expect(samples).toBeGreaterThan(0);
    expect(samples).toBe(answer.output[0]!.content[0]!.audioSamples);
    await session.close();
  });
});
