/**
 * Session options against the fake server, which answers each session.update with the full
 * effective session: validation before anything is sent, the documented defaults being what the
 * server applies, partial updates, and `session.options` following the server's echo.
 */
import { createFakeServer, DEFAULT_INSTRUCTIONS } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import type { SessionOptionsInput } from '../src/options.js';
import { DIALECTS, openSession, outcome, setup } from './helpers.js';

describe.each(DIALECTS)('session options (%s)', (dialect) => {
  // values the API refuses (protocol.md §7.11, Appendix C): a refused first session.update
  // closes the session, so these must be refused locally, naming the option
  const refusedByTheApi: [string, SessionOptionsInput][] = [
    [
      'turnDetection.idleTimeoutMs',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 1_000 } },
    ],
    [
      'turnDetection.idleTimeoutMs',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 60_000 } },
    ],
    [
      'turnDetection.idleTimeoutMs',
      { turnDetection: { type: 'server_vad', idleTimeoutMs: 5_000.5 } },
    ],
    [
      'turnDetection.prefixPaddingMs',
      { turnDetection: { type: 'server_vad', prefixPaddingMs: 300.5 } },
    ],
    [
      'turnDetection.silenceDurationMs',
      { turnDetection: { type: 'server_vad', silenceDurationMs: 99.9 } },
    ],
    ['temperature', { temperature: 0.3 }],
    ['temperature', { temperature: 1.5 }],
  ];
  it.each(refusedByTheApi)(
    'a value the API refuses (%s) is INVALID_ARGUMENT before anything is sent',
    async (argument, bad) => {
      const s = setup(dialect);
      expect(() => s.model.session(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument } }),
      );
      const session = await openSession(s);
      const before = s.server.clientEvents.length;
      const update = outcome(session.sessionUpdate(bad));
      await s.settle();
      expect(update.error).toMatchObject({ code: 'INVALID_ARGUMENT', data: { argument } });
      expect(s.server.clientEvents.length).toBe(before);
      expect(session.connectionState.status).toBe('open');
      await session.close();
    },
  );

  it('the limits themselves are taken, and idleTimeoutMs null turns the idle timeout off', async () => {
    const s = setup(dialect);
    const session = await openSession(s, {
      temperature: 0.6,
      turnDetection: { type: 'server_vad', idleTimeoutMs: 30_000 },
    });
    expect(session.options.turnDetection).toMatchObject({ idleTimeoutMs: 30_000 });
    const update = outcome(
      session.sessionUpdate({
        temperature: 1.2,
        turnDetection: { type: 'server_vad', idleTimeoutMs: null },
      }),
    );
    await s.settle();
    expect(update.error).toBeUndefined();
    expect(session.options.turnDetection).toMatchObject({ idleTimeoutMs: null });
    await session.close();
  });

  const sentTurnDetection = (s: ReturnType<typeof setup>): unknown => {
    const update = s.server.clientEvents.filter((e) => e['type'] === 'session.update').at(-1)!;
    const session = update['session'] as Record<string, any>;
    // the fake records the client's events in the GA model, whatever the wire dialect
    return session['audio']['input']['turn_detection'];
  };

  it("a turn detection naming some fields gets the documented defaults for the rest, not the server's", async () => {
    const s = setup(dialect);
    const session = await openSession(s, { turnDetection: { type: 'server_vad', threshold: 0.7 } });
    // @default 500 (the seed's), where the server's own is 200
    expect(session.options.turnDetection).toMatchObject({
      type: 'server_vad',
      threshold: 0.7,
      prefixPaddingMs: 300,
      silenceDurationMs: 500,
      createResponse: true,
      interruptResponse: true,
    });
    expect(sentTurnDetection(s)).toMatchObject({ silence_duration_ms: 500, threshold: 0.7 });
    await session.close();
  });

  it('a partial turn detection update changes only the fields it names, and sends the whole detector', async () => {
    const s = setup(dialect);
    const session = await openSession(s, {
      turnDetection: { type: 'server_vad', threshold: 0.7, silenceDurationMs: 800 },
    });
    const update = outcome(
      session.sessionUpdate({ turnDetection: { type: 'server_vad', createResponse: false } }),
    );
    await s.settle();
    expect(update.error).toBeUndefined();
    // sent whole: protocol.md does not say the server merges inside turn_detection
    expect(sentTurnDetection(s)).toEqual({
      type: 'server_vad',
      threshold: 0.7,
      prefix_padding_ms: 300,
      silence_duration_ms: 800,
      idle_timeout_ms: null,
      create_response: false,
      interrupt_response: true,
    });
    expect(session.options.turnDetection).toMatchObject({
      threshold: 0.7,
      silenceDurationMs: 800,
      createResponse: false,
    });
    // another detector starts from its own documented defaults
    const semantic = outcome(
      session.sessionUpdate({ turnDetection: { type: 'semantic_vad', eagerness: 'low' } }),
    );
    await s.settle();
    expect(semantic.error).toBeUndefined();
    expect(sentTurnDetection(s)).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
      create_response: true,
      interrupt_response: true,
    });
    await session.close();
  });

  it('a turn detection field given as undefined is not sent (the server applies its own)', async () => {
    const s = setup(dialect);
    const session = await openSession(s, {
      turnDetection: {
        type: 'server_vad',
        silenceDurationMs: undefined,
        interruptResponse: undefined,
      },
    });
    expect(sentTurnDetection(s)).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      create_response: true,
    });
    // the echo tells what the server applied
    expect(session.options.turnDetection).toMatchObject({
      silenceDurationMs: 200,
      interruptResponse: true,
    });
    await session.close();
  });

  it('model-level turn detection fields carry into a session that overrides others', async () => {
    const s = setup(dialect, { turnDetection: { type: 'server_vad', silenceDurationMs: 900 } });
    const session = await openSession(s, { turnDetection: { type: 'server_vad', threshold: 0.9 } });
    expect(session.options.turnDetection).toMatchObject({
      threshold: 0.9,
      silenceDurationMs: 900,
      prefixPaddingMs: 300,
    });
    await session.close();
  });

  it('an echo of an earlier update does not undo a later one still in flight', async () => {
    const s = setup(dialect);
    const session = await openSession(s, { voice: 'alloy' });
    const seen: [echoed: unknown, options: unknown][] = [];
    let third: ReturnType<typeof outcome> | undefined;
    session.on('session_updated', (echoed) => {
      seen.push([echoed.voice, session.options.voice]);
      // an update made between the two echoes builds on what was asked, not on the first echo
      third ??= outcome(session.sessionUpdate({ speed: 1.1 }));
    });
    const first = outcome(session.sessionUpdate({ instructions: 'Be brief.' }));
    const second = outcome(session.sessionUpdate({ voice: 'verse' }));
    await s.settle();
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(third?.error).toBeUndefined();
    // the first echo (voice alloy) came while the voice change was in flight: the event tells
    // what the server has, the options keep what was asked
    expect(seen[0]).toEqual(['alloy', 'verse']);
    expect(first.value).toMatchObject({ voice: 'alloy', instructions: 'Be brief.' });
    expect(s.server.sessionConfig?.['audio']).toMatchObject({
      output: { voice: 'verse', speed: 1.1 },
    });
    expect(s.server.sessionConfig?.['instructions']).toBe('Be brief.');
    expect(session.options).toMatchObject({
      voice: 'verse',
      speed: 1.1,
      instructions: 'Be brief.',
    });
    await session.close();
  });

  it("instructions '' goes back to the server's default instructions, as documented", async () => {
    const s = setup(dialect);
    const session = await openSession(s);
    // '' at the start: the server's default is kept
    expect(session.options.instructions).toBe(DEFAULT_INSTRUCTIONS);
    const custom = outcome(session.sessionUpdate({ instructions: 'Be terse.' }));
    await s.settle();
    expect(custom.error).toBeUndefined();
    expect(s.server.sessionConfig?.['instructions']).toBe('Be terse.');
    const back = outcome(session.sessionUpdate({ instructions: '' }));
    await s.settle();
    expect(back.error).toBeUndefined();
    expect(s.server.sessionConfig?.['instructions']).toBe(DEFAULT_INSTRUCTIONS);
    expect(session.options.instructions).toBe(DEFAULT_INSTRUCTIONS);
    await session.close();
  });

  it('an option the session does not have (a seed spelling, a typo) is INVALID_ARGUMENT naming it', async () => {
    const s = setup(dialect);
    const seedSpelling = { turn_detection: null } as unknown as SessionOptionsInput;
    expect(() => s.model.session(seedSpelling)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'turn_detection' } }),
    );
    expect(() => s.model.session(seedSpelling)).toThrow(
      'invalid session option turn_detection: no such session option (did you mean turnDetection?)',
    );
    expect(() => setup(dialect, { voise: 'ash' } as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        data: { argument: 'voise' },
        message: 'voise is no option of RealtimeModel (did you mean voice?)',
      }),
    );
    // an engine option's typo is named too (it was called "no such session option")
    expect(() => setup(dialect, { maxRetainedResponse: 2 } as never)).toThrow(
      'maxRetainedResponse is no option of RealtimeModel (did you mean maxRetainedResponses?)',
    );
    const session = await openSession(s);
    const before = s.server.clientEvents.length;
    const update = outcome(session.sessionUpdate({ maxOutputTokens: 5 } as never));
    await s.settle();
    expect(update.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'maxOutputTokens' },
    });
    expect(s.server.clientEvents.length).toBe(before);
    expect(Object.keys(session.options)).not.toContain('maxOutputTokens');
    await session.close();
  });

  it('a session cannot pick another model than its connector connects to', async () => {
    const s = setup(dialect);
    // the model's connector picks the model (it is in its URL): the override would be ignored
    expect(() => s.model.session({ model: 'gpt-realtime-mini' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', data: { argument: 'model' } }),
    );
    expect(s.model.sessions).toHaveLength(0);
    // the model's own name is no change; with its own connector a session may name its model
    const same = s.model.session({ model: 'gpt-realtime' });
    await same.close();
    const { connector } = createFakeServer({ dialect, clock: s.clock, model: 'gpt-realtime-mini' });
    const own = s.model.session({ model: 'gpt-realtime-mini', connector });
    await s.settle();
    expect(own.options.model).toBe('gpt-realtime-mini');
    await own.close();
  });
});
