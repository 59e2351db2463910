import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  BetaClientEventSchema,
  BetaServerEventSchema,
  ProtocolEncodeError,
  betaCodec,
  type ClientEvent,
} from '../src/index.js';
import { loadFixtures, normalizeModalities } from './helpers/fixtures.js';

const issuesOf = (schema: v.GenericSchema, value: unknown) =>
  v.safeParse(schema, value).issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? [];

describe('beta server fixtures round-trip through the GA model', () => {
  it.each(loadFixtures('beta', 'server').map((f) => [f.name, f] as const))('%s', (_n, f) => {
    const decoded = betaCodec.decodeServerEvent(f.frame);
    if (decoded.kind !== 'event') throw new Error(JSON.stringify(decoded));
    const frame = betaCodec.encodeServerEvent(decoded.event);
    expect(frame).not.toBeNull();
    // modalities order carries no meaning; GA keeps only whether audio is on (documented)
    expect(normalizeModalities(JSON.parse(frame!))).toEqual(normalizeModalities(f.json));
  });
});

describe('beta client fixtures round-trip through the GA model', () => {
  it.each(loadFixtures('beta', 'client').map((f) => [f.name, f] as const))('%s', (_n, f) => {
    const decoded = betaCodec.decodeClientEvent(f.frame);
    if (decoded.kind !== 'event') throw new Error(JSON.stringify(decoded));
    const frame = betaCodec.encodeClientEvent(decoded.event);
    expect(normalizeModalities(JSON.parse(frame))).toEqual(normalizeModalities(f.json));
  });
});

/** GA server fixtures that have no beta wire form, with the reason (see README). */
const NO_BETA_SERVER_FORM: Record<string, string> = {
  'conversation.item.done.json': 'beta has only conversation.item.created',
  'input_audio_buffer.dtmf_event_received.json': 'SIP DTMF exists only in GA',
  'response.done--mcp-items.json': 'MCP items have no beta form',
  'session.updated--custom-voice-mcp.json': 'custom voices and MCP tools have no beta form',
};

describe('GA server fixtures encode to valid beta frames (the fake server in beta mode)', () => {
  it.each(loadFixtures('ga', 'server').map((f) => [f.name, f] as const))('%s', (name, f) => {
    const decoded = JSON.parse(f.frame) as Parameters<typeof betaCodec.encodeServerEvent>[0];
    const frame = betaCodec.encodeServerEvent(decoded);
    if (name in NO_BETA_SERVER_FORM) {
      expect(frame).toBeNull();
      return;
    }
    expect(frame).not.toBeNull();
    const beta = JSON.parse(frame!) as Record<string, unknown>;
    expect(issuesOf(BetaServerEventSchema, beta)).toEqual([]);
  });

  it('maps the GA names back to the beta names and item.added to item.created', () => {
    const [added] = loadFixtures('ga', 'server').filter(
      (f) => f.name === 'conversation.item.added.json',
    );
    const beta = JSON.parse(betaCodec.encodeServerEvent(added!.json as never)!) as { type: string };
    expect(beta.type).toBe('conversation.item.created');
    const [delta] = loadFixtures('ga', 'server').filter(
      (f) => f.type === 'response.output_audio.delta',
    );
    expect(
      (JSON.parse(betaCodec.encodeServerEvent(delta!.json as never)!) as { type: string }).type,
    ).toBe('response.audio.delta');
  });
});

/** GA client fixtures that have no beta form: encoding throws ProtocolEncodeError at this path. */
const NO_BETA_CLIENT_FORM: Record<string, string> = {
  'conversation.item.create--image.json': 'item.content.0',
  'conversation.item.create--mcp-approval.json': 'item.type',
};

describe('GA client fixtures encode to valid beta frames', () => {
  it.each(loadFixtures('ga', 'client').map((f) => [f.name, f] as const))('%s', (name, f) => {
    const event = f.json as ClientEvent;
    const path = NO_BETA_CLIENT_FORM[name];
    if (path !== undefined) {
      expect(() => betaCodec.encodeClientEvent(event)).toThrow(ProtocolEncodeError);
      try {
        betaCodec.encodeClientEvent(event);
      } catch (error) {
        expect((error as ProtocolEncodeError).issues[0]?.path).toBe(path);
      }
      return;
    }
    const beta = JSON.parse(betaCodec.encodeClientEvent(event)) as Record<string, unknown>;
    expect(issuesOf(BetaClientEventSchema, beta)).toEqual([]);
  });
});

describe('an audio format beta has no name for', () => {
  const opus = { type: 'audio/opus' };
  const pathOf = (encode: () => unknown): string | undefined => {
    try {
      encode();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolEncodeError);
      return (error as ProtocolEncodeError).issues[0]?.path;
    }
    return undefined;
  };

  it('is refused at its path, not dropped from the frame (the server would keep its own format)', () => {
    // a server event with no beta form is not sent (null), as every other
    expect(
      betaCodec.encodeServerEvent({
        type: 'session.updated',
        event_id: 'e1',
        session: { type: 'realtime', id: 's', audio: { output: { format: opus } } },
      } as never),
    ).toBeNull();
    expect(
      pathOf(() =>
        betaCodec.encodeClientEvent({
          type: 'session.update',
          session: { type: 'realtime', audio: { input: { format: opus } } },
        } as never),
      ),
    ).toMatch(/^session\.audio\.input\.format/);
    expect(
      pathOf(() =>
        betaCodec.encodeClientEvent({
          type: 'session.update',
          session: { type: 'transcription', audio: { input: { format: opus } } },
        } as never),
      ),
    ).toMatch(/^session\.audio\.input\.format/);
  });

  it('a format beta names still maps', () => {
    const beta = JSON.parse(
      betaCodec.encodeClientEvent({
        type: 'session.update',
        session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcmu' } } } },
      } as never),
    ) as { session: { output_audio_format?: string } };
    expect(beta.session.output_audio_format).toBe('g711_ulaw');
  });
});
