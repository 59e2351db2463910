import { describe, expect, it } from 'vitest';
import type { SimulatedClock } from '../src/index.js';
import { connect } from './helpers.js';

describe.each(['ga', 'beta'] as const)('session (%s)', (dialect) => {
  it('sends session.created first, with the GA defaults and expires_at = created + 60 min', async () => {
    const c = await connect({ dialect });
    expect(c.types()[0]).toBe('session.created');
    const s = c.events[0]!['session'];
    expect(s.model).toBe('gpt-realtime');
    expect(s.expires_at).toBe(3600);
    if (dialect === 'beta') expect(c.types()[1]).toBe('conversation.created');
    expect(c.server.sessionConfig?.['audio']).toMatchObject({
      input: { turn_detection: { type: 'server_vad', silence_duration_ms: 200 } },
    });
  });

  it('merges a partial update and echoes the full session', async () => {
    const c = await connect({ dialect });
    c.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        audio: { output: { voice: 'marin' } },
      },
    });
    await c.flush();
    const updated = c.events.find((e) => e.type === 'session.updated')!;
    expect(updated['session'].instructions).toBe('Be brief.');
    const cfg = c.server.sessionConfig!;
    expect(cfg['instructions']).toBe('Be brief.');
    expect((cfg['audio'] as any).output.voice).toBe('marin');
    // untouched fields keep their values
    expect((cfg['audio'] as any).input.turn_detection.threshold).toBe(0.5);
  });

  it('discards the whole update on an out-of-range value', async () => {
    const c = await connect({ dialect });
    c.send({
      type: 'session.update',
      event_id: 'evt_range',
      session: {
        type: 'realtime',
        instructions: 'x',
        audio: { input: { turn_detection: { type: 'server_vad', threshold: 1.5 } } },
      },
    });
    await c.flush();
    const err = c.events.find((e) => e.type === 'error')!['error'];
    expect(err.code).toBe('decimal_above_max_value');
    expect(err.event_id).toBe('evt_range');
    expect(err.param).toBe(
      dialect === 'ga'
        ? 'session.audio.input.turn_detection.threshold'
        : 'session.turn_detection.threshold',
    );
    expect(c.server.sessionConfig!['instructions']).not.toBe('x');
  });

  it('turns turn detection off with null', async () => {
    const c = await connect({ dialect });
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await c.flush();
    expect((c.server.sessionConfig!['audio'] as any).input.turn_detection).toBeNull();
  });

  it('a partial turn_detection of the same type changes only the fields it names', async () => {
    const c = await connect({ dialect });
    const td = (cfg: Record<string, unknown> | undefined) =>
      (cfg!['audio'] as any).input.turn_detection as Record<string, unknown>;
    // ga and beta clients spell the path differently; the fake keeps the GA model either way
    const update = (turnDetection: Record<string, unknown>) =>
      c.send({
        type: 'session.update',
        session: { type: 'realtime', audio: { input: { turn_detection: turnDetection } } },
      });
    // GA requires the type in every turn_detection (protocol.md Appendix A); a typeless beta one
    // is server_vad, the documented default
    update({ type: 'server_vad', threshold: 0.8, silence_duration_ms: 700 });
    update({ type: 'server_vad', prefix_padding_ms: 100 });
    await c.flush();
    expect(td(c.server.sessionConfig)).toMatchObject({
      type: 'server_vad',
      threshold: 0.8,
      silence_duration_ms: 700,
      prefix_padding_ms: 100,
    });
    // the echoed session.updated carries the merged object too
    const echoed = c.events.filter((e) => e.type === 'session.updated').at(-1)!['session'];
    expect(td(echoed)).toMatchObject({ threshold: 0.8, prefix_padding_ms: 100 });

    update({ type: 'semantic_vad', eagerness: 'high' });
    update({ type: 'semantic_vad', create_response: false });
    await c.flush();
    // semantic_vad keeps its eagerness
    expect(td(c.server.sessionConfig)).toEqual({
      type: 'semantic_vad',
      eagerness: 'high',
      create_response: false,
      interrupt_response: true,
    });
    expect(c.types()).not.toContain('error');
  });

  it('answers malformed frames as the real server does, and keeps the session', async () => {
    const c = await connect({ dialect });
    c.sendRaw('{not json');
    c.sendRaw(JSON.stringify({ type: 'nope', event_id: 'e1' }));
    c.sendRaw(JSON.stringify({ event_id: 'e2' }));
    c.transport.send(new Uint8Array([1, 2]) as unknown as string);
    await c.flush();
    const errors = c.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(errors[0].code).toBe('invalid_json');
    expect(errors[0].message).toMatch(/^Invalid event: failed to parse JSON value\./);
    expect(errors[1]).toMatchObject({ code: 'invalid_value', param: 'type', event_id: 'e1' });
    expect(errors[1].message).toMatch(
      /^Invalid value: 'nope'\. Supported values are: 'session\.update'/,
    );
    expect(errors[2]).toMatchObject({
      code: 'invalid_event',
      message: "The 'type' field is missing.",
    });
    expect(errors[3]).toMatchObject({
      code: 'invalid_event',
      message: 'Expected a text WebSocket message; binary frames are not supported.',
    });
    expect(c.closes).toEqual([]);
  });
});

describe('session (dialect-specific)', () => {
  it('an unknown field inside transcription or noise reduction is an unknown_parameter too (GA and beta)', async () => {
    const ga = await connect();
    ga.send({
      type: 'session.update',
      event_id: 'u1',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model: 'whisper-1', langauge: 'en' } } },
      },
    });
    ga.send({
      type: 'session.update',
      event_id: 'u2',
      session: { type: 'realtime', audio: { input: { noise_reduction: { typ: 'near_field' } } } },
    });
    await ga.flush();
    expect(ga.types()).not.toContain('session.updated');
    expect(ga.events.filter((e) => e.type === 'error').map((e) => e['error'])).toMatchObject([
      { code: 'unknown_parameter', param: 'session.audio.input.transcription.langauge' },
      { code: 'unknown_parameter', param: 'session.audio.input.noise_reduction.typ' },
    ]);
    const beta = await connect({ dialect: 'beta' });
    beta.send({
      type: 'session.update',
      event_id: 'b1',
      session: { input_audio_transcription: { model: 'whisper-1', langauge: 'en' } },
    });
    await beta.flush();
    expect(beta.events.find((e) => e.type === 'error')?.['error']).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.input_audio_transcription.langauge',
    });
  });

  it('GA: unknown field → unknown_parameter with the dotted path; missing type → error', async () => {
    const c = await connect();
    c.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'u1',
        session: { type: 'realtime', bogus_field: 1 },
      }),
    );
    c.sendRaw(
      JSON.stringify({ type: 'session.update', event_id: 'u2', session: { instructions: 'x' } }),
    );
    c.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'u3',
        session: {
          type: 'realtime',
          audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } },
        },
      }),
    );
    await c.flush();
    const errors = c.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(errors[0]).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.bogus_field',
      message: "Unknown parameter: 'session.bogus_field'.",
      event_id: 'u1',
    });
    expect(errors[1]).toMatchObject({
      code: 'missing_required_parameter',
      param: 'session.type',
      event_id: 'u2',
    });
    expect(errors[2]).toMatchObject({
      code: 'integer_below_min_value',
      param: 'session.audio.input.format.rate',
    });
    expect(errors[2].message).toContain('Expected a value >= 24000');
  });

  it('echoed server-only fields are unknown parameters; beta takes client_secret (its update type has it)', async () => {
    // GA: com.openai.unity#427 saw `session.client_secret` refused with invalid_request_error;
    // id, object and expires_at are not in the request schema either
    const ga = await connect();
    for (const [i, key] of ['id', 'object', 'expires_at', 'client_secret'].entries())
      ga.sendRaw(
        JSON.stringify({
          type: 'session.update',
          event_id: `g${i}`,
          session: { type: 'realtime', instructions: 'changed', [key]: null },
        }),
      );
    await ga.flush();
    const gaErrors = ga.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(gaErrors.map((e) => [e.code, e.param, e.event_id])).toEqual([
      ['unknown_parameter', 'session.id', 'g0'],
      ['unknown_parameter', 'session.object', 'g1'],
      ['unknown_parameter', 'session.expires_at', 'g2'],
      ['unknown_parameter', 'session.client_secret', 'g3'],
    ]);
    // a refused update changes nothing
    expect(ga.events.filter((e) => e.type === 'session.updated')).toEqual([]);

    const beta = await connect({ dialect: 'beta' });
    beta.sendRaw(
      JSON.stringify({ type: 'session.update', event_id: 'b0', session: { id: 'sess_1' } }),
    );
    beta.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'b1',
        session: { instructions: 'kept', client_secret: { expires_at: 1 } },
      }),
    );
    await beta.flush();
    const betaErrors = beta.events.filter((e) => e.type === 'error').map((e) => e['error']);
    expect(betaErrors.map((e) => [e.code, e.param, e.event_id])).toEqual([
      ['unknown_parameter', 'session.id', 'b0'],
    ]);
    const updated = beta.events.filter((e) => e.type === 'session.updated');
    expect(updated.map((e) => (e['session'] as { instructions?: string }).instructions)).toEqual([
      'kept',
    ]);
  });

  it('beta (Azure preview): GA fields are unknown parameters', async () => {
    const c = await connect({ dialect: 'beta' });
    c.sendRaw(
      JSON.stringify({ type: 'session.update', event_id: 'b1', session: { type: 'realtime' } }),
    );
    c.sendRaw(
      JSON.stringify({
        type: 'session.update',
        session: { temperature: 0.9, modalities: ['text'] },
      }),
    );
    await c.flush();
    const error = c.events.find((e) => e.type === 'error')!['error'];
    expect(error).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.type',
      event_id: 'b1',
    });
    const frame = c.frames
      .map((f) => JSON.parse(f as string))
      .find((f) => f.type === 'session.updated');
    expect(frame.session.temperature).toBe(0.9);
    expect(frame.session.modalities).toEqual(['text']);
  });

  it('refuses a voice change once assistant audio exists', async () => {
    const c = await connect();
    c.server.queueResponse((ctx) => ctx.say('Hi'));
    c.send({ type: 'response.create' });
    await c.flush();
    c.send({
      type: 'session.update',
      event_id: 'v1',
      session: { type: 'realtime', audio: { output: { voice: 'cedar' } } },
    });
    await c.flush();
    const error = c.events.find((e) => e.type === 'error')!['error'];
    expect(error).toMatchObject({
      code: 'cannot_update_voice',
      message: "Cannot update a conversation's voice if assistant audio is present.",
      event_id: 'v1',
    });
  });

  it('expires the session after the configured maximum with session_expired and close 1001', async () => {
    const c = await connect({ maxSessionDurationMs: 30 * 60_000 });
    const clock = c.server.clock as SimulatedClock;
    await clock.advanceAsync(30 * 60_000 - 1);
    expect(c.closes).toEqual([]);
    await clock.advanceAsync(1);
    await c.flush();
    const error = c.events.find((e) => e.type === 'error')!['error'];
    expect(error).toMatchObject({
      code: 'session_expired',
      message: 'Your session hit the maximum duration of 30 minutes.',
    });
    expect(c.closes).toEqual([
      { code: 1001, reason: 'Your session hit the maximum duration of 30 minutes.' },
    ]);
    c.server.assertClosed();
  });
});
