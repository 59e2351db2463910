import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  BETA_TO_GA_EVENT_NAMES,
  ClientEventSchema,
  ServerEventSchema,
  betaClientEventSchemas,
  betaCodec,
  betaServerEventSchemas,
  clientEventSchemas,
  gaCodec,
  serverEventSchemas,
} from '../src/index.js';
import { loadFixtures } from './helpers/fixtures.js';

const cases = [
  { dialect: 'ga', direction: 'server', schemas: serverEventSchemas, count: 46 },
  { dialect: 'ga', direction: 'client', schemas: clientEventSchemas, count: 11 },
  { dialect: 'beta', direction: 'server', schemas: betaServerEventSchemas, count: 45 },
  { dialect: 'beta', direction: 'client', schemas: betaClientEventSchemas, count: 12 },
] as const;

describe.each(cases)('$dialect $direction fixtures', ({ dialect, direction, schemas, count }) => {
  const fixtures = loadFixtures(dialect, direction);
  const schemaTypes = Object.keys(schemas).sort();

  it(`has exactly ${count} event schemas`, () => {
    expect(schemaTypes).toHaveLength(count);
  });

  it('has a fixture for every schema, and a schema for every fixture (checked both ways)', () => {
    const fixtureTypes = [...new Set(fixtures.map((f) => f.type))].sort();
    expect(fixtureTypes).toEqual(schemaTypes);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))(
    '%s matches its own schema',
    (_name, fixture) => {
      const schema = (schemas as Record<string, v.GenericSchema>)[fixture.type];
      expect(schema, `no schema for ${fixture.type}`).toBeDefined();
      const result = v.safeParse(schema!, fixture.json);
      expect(result.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? []).toEqual([]);
    },
  );
});

describe('GA fixtures decode to their own type, untouched', () => {
  it.each(loadFixtures('ga', 'server').map((f) => [f.name, f] as const))('server %s', (_n, f) => {
    const result = gaCodec.decodeServerEvent(f.frame);
    expect(result.kind).toBe('event');
    if (result.kind !== 'event') return;
    expect(result.event.type).toBe(f.type);
    // the decoder hands back the parsed frame: unknown keys such as `obfuscation` survive
    expect(result.event).toEqual(f.json);
  });
  it.each(loadFixtures('ga', 'client').map((f) => [f.name, f] as const))('client %s', (_n, f) => {
    const result = gaCodec.decodeClientEvent(f.frame);
    expect(result.kind).toBe('event');
    if (result.kind === 'event') expect(result.event).toEqual(f.json);
  });
});

describe('beta fixtures decode onto valid GA-model events', () => {
  const gaTypeOf = (betaType: string) =>
    BETA_TO_GA_EVENT_NAMES[betaType] ?? betaType.replace(/^transcription_session\./, 'session.');
  it.each(loadFixtures('beta', 'server').map((f) => [f.name, f] as const))('server %s', (_n, f) => {
    const result = betaCodec.decodeServerEvent(f.frame);
    if (result.kind !== 'event') throw new Error(JSON.stringify(result));
    expect(result.event.type).toBe(gaTypeOf(f.type));
    const check = v.safeParse(ServerEventSchema, result.event);
    expect(check.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? []).toEqual([]);
  });
  it.each(loadFixtures('beta', 'client').map((f) => [f.name, f] as const))('client %s', (_n, f) => {
    const result = betaCodec.decodeClientEvent(f.frame);
    if (result.kind !== 'event') throw new Error(JSON.stringify(result));
    expect(result.event.type).toBe(
      f.type === 'transcription_session.update' ? 'session.update' : f.type,
    );
    const check = v.safeParse(ClientEventSchema, result.event);
    expect(check.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? []).toEqual([]);
  });
});

describe('GA fixtures survive encode → decode unchanged', () => {
  it.each(loadFixtures('ga', 'client').map((f) => [f.name, f] as const))('client %s', (_n, f) => {
    const frame = gaCodec.encodeClientEvent(f.json as never);
    expect(gaCodec.decodeClientEvent(frame)).toEqual({ kind: 'event', event: f.json });
  });
  it.each(loadFixtures('ga', 'server').map((f) => [f.name, f] as const))('server %s', (_n, f) => {
    const frame = gaCodec.encodeServerEvent(f.json as never);
    expect(frame).not.toBeNull();
    expect(gaCodec.decodeServerEvent(frame!)).toEqual({ kind: 'event', event: f.json });
  });
});
