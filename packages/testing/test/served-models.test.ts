/**
 * `models`: the names the fake serves. The real API upgrades a handshake for any model (101),
 * then refuses one it does not serve with an `error` frame (`invalid_model`) and CLOSE 4000 with
 * reason `type.code` (protocol.md §5.1, §7.10). Without the option every model is served.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, FakeServerOptionsError, createFakeServer } from '../src/index.js';
import { startFakeWsServer, type FakeWsServer } from '../src/ws/index.js';
import { connect } from './helpers.js';
import { handshake } from './ws-helpers.js';

const refusal = (model: string) => ({
  type: 'invalid_request_error',
  code: 'invalid_model',
  message: `Model "${model}" is not supported in realtime mode.`,
  param: null,
  event_id: null,
});
const CLOSE = { code: 4000, reason: 'invalid_request_error.invalid_model' };

describe('models: option checks', () => {
  it.each([
    ['a string, not a list', 'gpt-realtime', /models must be an array of model names/],
    ['an empty list', [], /at least one model/],
    ['an empty name', ['gpt-realtime', ''], /models\[1\] must be a non-empty model name/],
    ['a name that is not a string', [42], /models\[0\] must be a non-empty model name/],
    ['a padded name', [' gpt-realtime'], /models\[0\] .*spaces/],
  ])('refuses %s with FakeServerOptionsError', (_what, models, message) => {
    const make = () => new FakeServer({ models: models as never });
    expect(make).toThrow(FakeServerOptionsError);
    expect(make).toThrow(message);
    expect(() => createFakeServer({ models: models as never })).toThrow(FakeServerOptionsError);
  });

  it('the ws mode refuses it before it listens', async () => {
    await expect(startFakeWsServer({ models: [] })).rejects.toThrow(FakeServerOptionsError);
  });

  it('exposes what it serves (undefined: any model)', () => {
    expect(new FakeServer().models).toBeUndefined();
    expect(new FakeServer({ models: ['a', 'b'] }).models).toEqual(['a', 'b']);
  });
});

describe.each(['ga', 'beta'] as const)('models in memory (%s)', (dialect) => {
  it('a connection for a model not served gets invalid_model and close 4000, nothing else', async () => {
    // in memory a connection asks for the server's `model` (default gpt-realtime)
    const c = await connect({ dialect, models: ['gpt-realtime-mini'] });
    expect(c.events.map((e) => [e.type, e['error']])).toEqual([['error', refusal('gpt-realtime')]]);
    expect(c.events[0]!['event_id']).toEqual(expect.any(String));
    expect(c.closes).toEqual([CLOSE]);
    // no session was made: nothing to inspect, nothing left open
    expect(c.server.connections).toHaveLength(0);
    c.server.assertClosed();
  });

  it('sends written in the moment before the close are dropped, not thrown', async () => {
    const { transport, server } = createFakeServer({ dialect, model: 'gpt-nope', models: ['m'] });
    const started = transport.start();
    // the refusal is on its way (as on a socket, it arrives after the upgrade)
    expect(() => transport.send('{"type":"session.update","session":{}}')).not.toThrow();
    await started;
    expect(() => transport.send('{}')).toThrow(/closed/);
    expect(server.clientEvents).toEqual([]);
  });

  it('a served model connects as before', async () => {
    const c = await connect({ dialect, model: 'gpt-realtime-mini', models: ['gpt-realtime-mini'] });
    expect(c.types()[0]).toBe('session.created');
    expect(c.types()).not.toContain('error');
    expect(c.closes).toEqual([]);
    expect(c.events[0]!['session'].model).toBe('gpt-realtime-mini');
  });
});

describe('models in the ws mode', () => {
  let running: FakeWsServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  const start = async (opts: Parameters<typeof startFakeWsServer>[0] = {}) =>
    (running = await startFakeWsServer({ pingIntervalMs: false, ...opts }));
  const auth = { headers: { Authorization: 'Bearer sk-test' } };

  it.each([
    ['ga', {}],
    ['beta', { 'OpenAI-Beta': 'realtime=v1' }],
  ])('%s: 101, then the invalid_model error and close 4000', async (dialect, extra) => {
    // beta is refused on the OpenAI path unless accepted
    const s = await start({
      models: ['gpt-realtime'],
      beta: dialect === 'beta' ? 'accept' : 'refuse',
    });
    const r = await handshake(`${s.url}/realtime?model=gpt-nope`, {
      headers: { ...auth.headers, ...extra },
    });
    expect(r.status).toBeUndefined();
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]).toMatchObject({ type: 'error', error: refusal('gpt-nope') });
    expect(r.close).toEqual(CLOSE);
    expect(s.handshakes[0]!.outcome).toBe('closed 4000');
    expect(s.server.connections).toHaveLength(0);
    const ok = await handshake(`${s.url}/realtime?model=gpt-realtime`, {
      headers: { ...auth.headers, ...extra },
    });
    expect(ok.frames[0].type).toBe('session.created');
    ok.ws?.close();
  });

  it('the key is judged first (3000), as the real server does', async () => {
    const s = await start({ apiKey: 'sk-right', models: ['gpt-realtime'] });
    const r = await handshake(`${s.url}/realtime?model=gpt-nope`, {
      headers: { Authorization: 'Bearer sk-wrong-key-123456' },
    });
    expect(r.close?.code).toBe(3000);
  });

  it('a transcription session without a model asks for none, so it is served', async () => {
    const s = await start({ models: ['gpt-realtime'] });
    const r = await handshake(`${s.url}/realtime?intent=transcription`, auth);
    expect(r.frames[0].type).toBe('session.created');
    r.ws?.close();
  });

  it('Azure: a deployment not served is refused the same way on both paths', async () => {
    const s = await start({ models: ['my-dep'] });
    const base = s.url.replace(/\/v1$/, '');
    const key = { headers: { 'api-key': 'k' } };
    const ga = await handshake(`${base}/openai/v1/realtime?model=other`, key);
    expect(ga.frames[0].error).toEqual(refusal('other'));
    expect(ga.close).toEqual(CLOSE);
    const beta = await handshake(
      `${base}/openai/realtime?api-version=2025-04-01-preview&deployment=other`,
      key,
    );
    expect(beta.frames[0].error).toEqual(refusal('other'));
    expect(beta.close).toEqual(CLOSE);
    const ok = await handshake(`${base}/openai/v1/realtime?model=my-dep`, key);
    expect(ok.frames[0].type).toBe('session.created');
    ok.ws?.close();
  });

  it('serving an existing FakeServer uses its models; `models` beside it is refused', async () => {
    const server = new FakeServer({ models: ['gpt-realtime'] });
    const s = await start({ server });
    const r = await handshake(`${s.url}/realtime?model=gpt-nope`, auth);
    expect(r.close).toEqual(CLOSE);
    await expect(startFakeWsServer({ server, models: ['x'] })).rejects.toThrow(
      FakeServerOptionsError,
    );
  });
});
