import { describe, expect, expectTypeOf, it } from 'vitest';
import { RealtimeModel } from '../src/model.js';
import type { RealtimeSession } from '../src/session.js';
import type { RealtimeResponse } from '../src/responses/tree.js';
import type { SessionError } from '../src/errors.js';
import { createCounterIdGenerator } from '@voxwire/protocol';
import { createFakeServer } from '@voxwire/testing';
import { openSession, record, setup } from './helpers.js';

describe('RealtimeModel', () => {
  it('has the seed defaults with the GA model name', () => {
    const s = setup();
    expect(s.model.defaults).toEqual({
      model: 'gpt-realtime',
      modalities: ['text', 'audio'],
      instructions: '',
      voice: 'alloy',
      inputAudioFormat: 'pcm16',
      outputAudioFormat: 'pcm16',
      inputAudioTranscription: { model: 'whisper-1' },
      turnDetection: {
        type: 'server_vad',
        threshold: 0.5,
        prefixPaddingMs: 300,
        silenceDurationMs: 500,
        createResponse: true,
        interruptResponse: true,
      },
      toolChoice: 'auto',
      temperature: 0.8,
      maxResponseOutputTokens: 'inf',
    });
  });

  it('session() applies every override, transcription included (the seed drops it), without touching the defaults', () => {
    const s = setup();
    const a = s.model.session({
      inputAudioTranscription: { model: 'gpt-4o-transcribe', language: 'fr' },
      voice: 'verse',
    });
    const b = s.model.session({ inputAudioTranscription: null, turnDetection: null });
    expect(a.options.inputAudioTranscription).toEqual({
      model: 'gpt-4o-transcribe',
      language: 'fr',
    });
    expect(a.options.voice).toBe('verse');
    expect(b.options.inputAudioTranscription).toBeNull();
    expect(b.options.turnDetection).toBeNull();
    expect(s.model.defaults.inputAudioTranscription).toEqual({ model: 'whisper-1' });
    (a.options.modalities as string[]).push('x');
    expect(s.model.defaults.modalities).toEqual(['text', 'audio']);
    expect(s.model.sessions).toEqual([a, b]);
  });

  it("session({ connector }) connects that session through its own connector; the others keep the model's", async () => {
    const s = setup();
    const own = createFakeServer({ clock: s.clock, generateId: createCounterIdGenerator('own') });
    let ownCalls = 0;
    const a = s.model.session({
      connector: (attempt) => {
        ownCalls++;
        return own.connector(attempt);
      },
    });
    const b = s.model.session();
    await s.settle();
    expect(ownCalls).toBe(1);
    expect(own.server.connections).toHaveLength(1);
    expect(s.server.connections).toHaveLength(1);
    expect(a.sessionId).toBe(own.server.sessionConfig?.id);
    expect(b.sessionId).toBe(s.server.sessionConfig?.id);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(() => s.model.session({ connector: 'wss://x' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'connector' } }),
    );
  });

  it('rejects bad options with INVALID_ARGUMENT', () => {
    const s = setup();
    expect(() => new RealtimeModel({} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => s.model.session({ voice: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'voice' } }),
    );
    expect(() =>
      s.model.session({ turnDetection: { type: 'semantic_vad', eagerness: 'wild' as never } }),
    ).toThrow(/eagerness/);
    expect(() => s.model.session({ toolChoice: { type: 'function', name: '' } })).toThrow(
      /toolChoice/,
    );
    expect(() => s.model.session({ inputAudioFormat: 'mp3' as never })).toThrow(/inputAudioFormat/);
  });

  it('close() closes every session; pending promises settle with SESSION_CLOSED', async () => {
    const s = setup();
    const a = await openSession(s);
    const b = await openSession(s);
    const closed = record(a, ['closed']);
    const pending = a.conversation.item
      .create({ role: 'user', content: 'x' })
      .catch((e: unknown) => e);
    await s.model.close();
    expect(await pending).toMatchObject({ code: 'SESSION_CLOSED' });
    expect(closed).toEqual([['closed', { error: undefined }]]);
    expect(a.connectionState.status).toBe('closed');
    expect(b.connectionState.status).toBe('closed');
    expect(s.model.sessions).toEqual([]);
    await a.close();
    expect(s.server.connections.every((c) => !c.open)).toBe(true);
  });

  it('close() before the socket opens settles everything too', async () => {
    const s = setup();
    const session = s.model.session();
    const p = session.conversation.item
      .create({ role: 'user', content: 'x' })
      .catch((e: unknown) => e);
    await session.close();
    expect(await p).toMatchObject({ code: 'SESSION_CLOSED' });
    await s.settle();
    expect(session.connectionState.status).toBe('closed');
  });

  it('on() narrows payloads by event name and returns an unsubscribe', async () => {
    const s = setup();
    const session: RealtimeSession = s.model.session();
    const off = session.on('response_done', (r) => {
      expectTypeOf(r).toEqualTypeOf<RealtimeResponse>();
    });
    session.on('error', (e) => {
      expectTypeOf(e).toEqualTypeOf<SessionError>();
    });
    session.on('input_speech_started', (e) => {
      expectTypeOf(e.audioStartMs).toBeNumber();
    });
    // unknown event names are refused: by the compiler, and at run time (a JS app's typo would
    // otherwise subscribe to an event nobody emits), naming the event meant
    expect(() =>
      // @ts-expect-error unknown event names are refused
      session.on('respone_done', () => undefined),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'event' },
        message: '"respone_done" is no session event (did you mean \'response_done\'?)',
      }),
    );
    expect(() =>
      // @ts-expect-error a listener is a function
      session.once('error', 42),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'listener' } }),
    );
    // @ts-expect-error payloads are checked
    session.on('response_done', (r: string) => r);
    expectTypeOf(off).toEqualTypeOf<() => void>();
    off();
    off();
    await session.close();
  });
});
