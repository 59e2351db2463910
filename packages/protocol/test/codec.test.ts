import { describe, expect, it } from 'vitest';
import {
  ProtocolEncodeError,
  betaCodec,
  codecFor,
  gaCodec,
  type ClientEvent,
  type Dialect,
} from '../src/index.js';

const secret = 'my private words';

describe('decode reports every kind of violation and never throws', () => {
  it.each([gaCodec, betaCodec])('$dialect: binary frames', (codec) => {
    const frame = new TextEncoder().encode('{"type":"error"}');
    const r = codec.decodeServerEvent(frame);
    expect(r).toMatchObject({ kind: 'violation', violation: { reason: 'binary_frame', frame } });
  });

  it.each([gaCodec, betaCodec])(
    '$dialect: invalid JSON, non-objects and a missing type',
    (codec) => {
      expect(codec.decodeServerEvent(`{"type": "${secret}`)).toMatchObject({
        kind: 'violation',
        violation: { reason: 'invalid_json' },
      });
      for (const frame of ['[]', 'null', '42', '"x"', 'true']) {
        expect(codec.decodeServerEvent(frame)).toMatchObject({
          kind: 'violation',
          violation: { reason: 'not_an_object', frame },
        });
      }
      expect(codec.decodeServerEvent('{"event_id":"e"}')).toMatchObject({
        kind: 'violation',
        violation: { reason: 'missing_type' },
      });
      expect(codec.decodeServerEvent('{"type":7}')).toMatchObject({
        kind: 'violation',
        violation: { reason: 'missing_type' },
      });
    },
  );

  it('schema mismatches carry the type, dotted paths and messages without the values', () => {
    const frame = JSON.stringify({
      type: 'response.done',
      event_id: 'e',
      response: {
        status: secret,
        output: [
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 5 }] },
        ],
      },
    });
    const r = gaCodec.decodeServerEvent(frame);
    if (r.kind !== 'violation') throw new Error('expected a violation');
    expect(r.violation.reason).toBe('schema_mismatch');
    expect(r.violation.type).toBe('response.done');
    expect(r.violation.frame).toBe(frame);
    expect(r.violation.issues?.map((i) => i.path)).toEqual([
      'response.status',
      'response.output.0.content.0.text',
    ]);
    expect(r.violation.message).not.toContain(secret);
    for (const issue of r.violation.issues ?? []) expect(issue.message).not.toContain(secret);
  });

  it('a delta that fails the fast path is reported by the schema', () => {
    const r = gaCodec.decodeServerEvent(
      JSON.stringify({
        type: 'response.output_audio.delta',
        event_id: 'e',
        response_id: 'r',
        item_id: 'i',
        output_index: 0.5,
        content_index: 0,
        delta: 'AA==',
      }),
    );
    expect(r).toMatchObject({
      kind: 'violation',
      violation: { reason: 'schema_mismatch', issues: [{ path: 'output_index' }] },
    });
  });

  it('unknown event types pass through with the raw object', () => {
    const raw = { type: 'response.brand_new_thing', event_id: 'e', payload: { a: 1 } };
    expect(gaCodec.decodeServerEvent(JSON.stringify(raw))).toEqual({
      kind: 'unknown',
      type: raw.type,
      raw,
    });
    expect(betaCodec.decodeServerEvent(JSON.stringify(raw))).toEqual({
      kind: 'unknown',
      type: raw.type,
      raw,
    });
  });

  it('GA-only names are unknown to the beta codec, beta-only names unknown to the GA codec', () => {
    expect(
      betaCodec.decodeServerEvent('{"type":"conversation.item.added","event_id":"e","item":{}}')
        .kind,
    ).toBe('unknown');
    expect(gaCodec.decodeServerEvent('{"type":"response.audio.delta","event_id":"e"}').kind).toBe(
      'unknown',
    );
  });

  it('keeps unknown keys, in events and nested objects', () => {
    const frame = {
      type: 'conversation.item.deleted',
      event_id: 'e',
      item_id: 'i',
      extra: { nested: true },
    };
    expect(gaCodec.decodeServerEvent(JSON.stringify(frame))).toEqual({
      kind: 'event',
      event: frame,
    });
  });
});

describe('encodeClientEvent', () => {
  it('validates and serialises', () => {
    const event: ClientEvent = {
      type: 'conversation.item.truncate',
      item_id: 'i',
      content_index: 0,
      audio_end_ms: 120,
    };
    expect(JSON.parse(gaCodec.encodeClientEvent(event))).toEqual(event);
    expect(JSON.parse(betaCodec.encodeClientEvent(event))).toEqual(event);
  });

  it('throws ProtocolEncodeError with issues for an invalid event, unless validate is false', () => {
    const bad = {
      type: 'conversation.item.truncate',
      item_id: 'i',
      content_index: -0.5,
      audio_end_ms: 1,
    } as ClientEvent;
    expect(() => gaCodec.encodeClientEvent(bad)).toThrow(ProtocolEncodeError);
    try {
      gaCodec.encodeClientEvent(bad);
    } catch (error) {
      const e = error as ProtocolEncodeError;
      expect(e.code).toBe('PROTOCOL_ENCODE');
      expect(e.type).toBe('conversation.item.truncate');
      expect(e.issues).toEqual([
        { path: 'content_index', message: expect.stringContaining('integer') },
      ]);
    }
    expect(gaCodec.encodeClientEvent(bad, { validate: false })).toContain('-0.5');
  });

  it('GA session.update requires a session type', () => {
    const missing = {
      type: 'session.update',
      session: { instructions: 'x' },
    } as unknown as ClientEvent;
    expect(() => gaCodec.encodeClientEvent(missing)).toThrow(/session\.type/);
  });

  it('session.update refuses the fields only the server sets (id, object, expires_at), naming each', () => {
    // the session.update request has none of them (realtime-events.json: RealtimeSessionCreateRequest,
    // RealtimeTranscriptionSessionCreateRequest): the server answers unknown_parameter
    const echoed = { id: 'sess_private', object: 'realtime.session', expires_at: 1_700_000_000 };
    for (const session of [
      { type: 'realtime', instructions: 'x', ...echoed },
      { type: 'transcription', ...echoed, object: 'realtime.transcription_session' },
    ]) {
      const event = { type: 'session.update', session } as unknown as ClientEvent;
      for (const codec of [gaCodec, betaCodec]) {
        let error: unknown;
        try {
          codec.encodeClientEvent(event);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ProtocolEncodeError);
        const e = error as ProtocolEncodeError;
        expect(e.type).toBe('session.update');
        expect(e.issues.map((i) => i.path).sort()).toEqual([
          'session.expires_at',
          'session.id',
          'session.object',
        ]);
        expect(e.issues[0]?.message).toMatch(/set by the server/);
        expect(`${e.message} ${JSON.stringify(e.issues)}`).not.toMatch(/sess_private|1700000000/);
      }
    }
    // the server's own session events keep them
    const created = gaCodec.decodeServerEvent(
      JSON.stringify({
        type: 'session.created',
        event_id: 'e',
        session: { type: 'realtime', ...echoed },
      }),
    );
    expect(created.kind).toBe('event');
  });

  it('rejects unknown types and non-objects even without validation', () => {
    expect(() =>
      gaCodec.encodeClientEvent({ type: 'nope' } as unknown as ClientEvent, { validate: false }),
    ).toThrow(/unknown client event type "nope"/);
    expect(() => gaCodec.encodeClientEvent(null as unknown as ClientEvent)).toThrow(
      ProtocolEncodeError,
    );
  });

  it('without validation, a malformed event is a ProtocolEncodeError that quotes none of its values', () => {
    const malformed = [
      { type: 'response.create', response: 'secret words' },
      { type: 'session.update', session: 'secret words' },
      {
        type: 'conversation.item.create',
        item: { type: 'message', n: 10n, secret: 'secret words' },
      },
    ] as unknown as ClientEvent[];
    for (const codec of [gaCodec, betaCodec]) {
      for (const event of malformed) {
        let thrown: unknown;
        try {
          codec.encodeClientEvent(event, { validate: false });
        } catch (error) {
          thrown = error;
        }
        // an event that still serialises is the app's to answer for; one that cannot is refused
        if (thrown === undefined) continue;
        expect(thrown, `${codec.dialect} ${event.type}`).toBeInstanceOf(ProtocolEncodeError);
        expect((thrown as Error).message).not.toContain('secret words');
      }
    }
    // the BigInt cannot be JSON: refused by both
    expect(() => gaCodec.encodeClientEvent(malformed[2]!, { validate: false })).toThrow(
      ProtocolEncodeError,
    );
  });
});

describe('codecFor', () => {
  it('returns the codec of each dialect and refuses others', () => {
    expect(codecFor('ga')).toBe(gaCodec);
    expect(codecFor('beta')).toBe(betaCodec);
    expect(() => codecFor('v3' as Dialect)).toThrow(TypeError);
  });
});
