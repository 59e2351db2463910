/**
 * With `conversation: 'persist'`, what a committed audio turn "said" (a scripted transcription)
 * belongs to the item, which the next connection keeps: a response there must hear it as the
 * one on the first connection would have.
 */
import { pcm16ToBase64 } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { createFakeServer, tone } from '../src/index.js';

describe("conversation: 'persist' keeps what an audio turn said", () => {
  it('a response on the next connection sees the scripted words of an earlier audio turn', async () => {
    const { connector, server } = createFakeServer({ conversation: 'persist' });
    const seen: (string | undefined)[] = [];
    server.onResponse((ctx) => {
      seen.push(ctx.userText);
      ctx.text('ok');
    });
    server.scriptTranscription('book a table for two');
    const a = await connector({ attempt: 0, signal: new AbortController().signal });
    await a.transport.start();
    const send = (t: { send(f: string): void }, e: object) => t.send(JSON.stringify(e));
    send(a.transport, {
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    send(a.transport, { type: 'input_audio_buffer.append', audio: pcm16ToBase64(tone(300)) });
    send(a.transport, { type: 'input_audio_buffer.commit' });
    await server.expectClientEvent('input_audio_buffer.commit');
    await a.transport.close();
    const b = await connector({ attempt: 1, signal: new AbortController().signal });
    await b.transport.start();
    send(b.transport, { type: 'response.create' });
    await server.expectClientEvent('response.create');
    expect(server.conversation[0]?.['role']).toBe('user');
    expect(seen).toEqual(['book a table for two']);
    server.assertComplete();
  });
});
