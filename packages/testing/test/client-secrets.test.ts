import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer } from '../src/server/fake-server.js';
import { SimulatedClock } from '../src/index.js';
import {
  CLIENT_SECRETS_MAX_BODY_BYTES,
  startFakeWsServer,
  type FakeWsServer,
} from '../src/ws/index.js';
import { handshake } from './ws-helpers.js';

const KEY = 'sk-standard-key-1';
let running: FakeWsServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});
const start = async (opts: Parameters<typeof startFakeWsServer>[0] = {}) =>
  (running = await startFakeWsServer({ pingIntervalMs: false, apiKey: KEY, ...opts }));
const http = (s: FakeWsServer) => s.url.replace(/^ws/, 'http');

async function mint(
  s: FakeWsServer,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${KEY}` },
  path = '/realtime/client_secrets',
): Promise<{ status: number; json: any }> {
  const base = path.startsWith('/openai') ? http(s).replace(/\/v1$/, '') : http(s);
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('ws mode: POST /v1/realtime/client_secrets mints ek_ secrets', () => {
  it('mints with the default TTL and a resolved session, then a Bearer connection starts with it', async () => {
    const clock = new SimulatedClock();
    const s = await start({ clock });
    const minted = await mint(s, {
      session: {
        type: 'realtime',
        model: 'gpt-realtime-mini',
        instructions: 'Speak like a pirate.',
        audio: { output: { voice: 'marin' } },
      },
    });
    expect(minted.status).toBe(200);
    expect(minted.json.value).toMatch(/^ek_/);
    expect(minted.json.expires_at).toBe(Math.floor(clock.now() / 1000) + 600);
    expect(minted.json.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime-mini',
      instructions: 'Speak like a pirate.',
      // the defaults are filled in as session.created shows them
      tool_choice: 'auto',
      audio: { output: { voice: 'marin', speed: 1 }, input: { format: { type: 'audio/pcm' } } },
    });

    // the URL's model is not the mint's: the mint's session wins
    const r = await handshake(`${s.url}/realtime?model=gpt-realtime`, {
      headers: { Authorization: `Bearer ${minted.json.value}` },
    });
    r.ws?.close();
    expect(r.frames[0].type).toBe('session.created');
    const created = r.frames[0].session;
    expect(created).toMatchObject({
      model: 'gpt-realtime-mini',
      instructions: 'Speak like a pirate.',
      audio: { output: { voice: 'marin' } },
    });
    // a session of its own: its own id and expiry
    expect(created.id).not.toBe(minted.json.session.id);
    expect(s.server.clientSecrets).toEqual([
      {
        value: minted.json.value,
        expiresAt: minted.json.expires_at,
        session: minted.json.session,
        usedBy: 1,
      },
    ]);
  });

  it('the browser subprotocol authenticates, several sessions per secret, none once it expired', async () => {
    const clock = new SimulatedClock();
    const s = await start({ clock });
    const { json } = await mint(s, {
      expires_after: { anchor: 'created_at', seconds: 10 },
      session: { type: 'transcription' },
    });
    expect(json.expires_at).toBe(Math.floor(clock.now() / 1000) + 10);
    const connect = () =>
      handshake(`${s.url}/realtime`, {}, ['realtime', `openai-insecure-api-key.${json.value}`]);
    const first = await connect();
    expect(first.frames[0].session).toMatchObject({
      type: 'transcription',
      object: 'realtime.transcription_session',
    });
    const second = await connect();
    expect(second.frames[0].type).toBe('session.created');
    expect(s.server.clientSecrets[0]!.usedBy).toBe(2);

    clock.advance(9_999);
    const third = await connect();
    expect(third.frames[0].type).toBe('session.created');
    clock.advance(1);
    const late = await connect();
    expect(late.frames[0].error).toMatchObject({ code: 'invalid_api_key' });
    expect(late.close).toEqual({ code: 3000, reason: 'invalid_request_error.invalid_api_key' });
    expect(s.server.clientSecrets[0]!.usedBy).toBe(3);
    // the sessions it started outlive it
    expect(first.ws?.readyState).toBe(first.ws?.OPEN);
    for (const r of [first, second, third]) r.ws?.close();
  });

  it('a secret minted mid-second expires at the expires_at it answered, not up to a second later', () => {
    // 750 ms into a second: expires_at is whole seconds, so the mint's instant is not on one
    const clock = new SimulatedClock({ start: 1_700_000_000_750 });
    const server = new FakeServer({ clock });
    const minted = server.mintClientSecret({
      expires_after: { anchor: 'created_at', seconds: 10 },
    });
    const { value, expires_at } = minted.body as { value: string; expires_at: number };
    expect(expires_at).toBe(1_700_000_000 + 10);
    clock.set(expires_at * 1000 - 1);
    expect(server.clientSecretState(value)).toBe('live');
    // a browser that reads expires_at and a test that advances to it see the same end
    clock.set(expires_at * 1000);
    expect(server.clientSecretState(value)).toBe('expired');
    expect(server.clientSecrets[0]!.expiresAt).toBe(expires_at);
  });

  it('a mint naming no model is refused when the model it would default to is not served', () => {
    const server = new FakeServer({ models: ['gpt-realtime-mini'] });
    // the default model (`gpt-realtime`) is not served: the secret would start sessions on it
    const refused = server.mintClientSecret({ session: { type: 'realtime' } });
    expect(refused).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_model', param: 'session.model' } },
    });
    expect(server.mintClientSecret({})).toMatchObject({ status: 400 });
    // a transcription session runs no conversation model: nothing to refuse
    expect(server.mintClientSecret({ session: { type: 'transcription' } }).status).toBe(200);
    const served = new FakeServer({ models: ['gpt-realtime-mini'], model: 'gpt-realtime-mini' });
    expect(served.mintClientSecret({}).body).toMatchObject({
      session: { model: 'gpt-realtime-mini' },
    });
    expect(server.clientSecrets).toHaveLength(1);
  });

  it('an expired secret is refused even by a server with no apiKey; an unknown ek_ only by one with it', async () => {
    const clock = new SimulatedClock();
    const s = await start({ clock, apiKey: undefined });
    const { json } = await mint(s, {}, { authorization: 'Bearer sk-any' });
    clock.advance(600_000);
    const expired = await handshake(`${s.url}/realtime?model=m`, {
      headers: { Authorization: `Bearer ${json.value}` },
    });
    expect(expired.close?.code).toBe(3000);
    await running?.close();
    const strict = await start();
    const unknown = await handshake(`${strict.url}/realtime?model=m`, {
      headers: { Authorization: 'Bearer ek_never_minted' },
    });
    expect(unknown.frames[0].error).toMatchObject({ code: 'invalid_api_key' });
  });

  it('a missing or wrong key, or an ek_ secret, cannot mint: 401 with the API error body', async () => {
    const s = await start();
    const missing = await mint(s, {}, {});
    expect(missing).toEqual({
      status: 401,
      json: {
        error: {
          message: 'Missing bearer or basic authentication in header',
          type: 'invalid_request_error',
          code: null,
          param: null,
        },
      },
    });
    const wrong = await mint(s, {}, { authorization: 'Bearer sk-wrong-key-99999' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ code: 'invalid_api_key', param: null });
    expect(wrong.json.error.message).not.toContain('sk-wrong-key-99999');

    const { json } = await mint(s, {});
    const byEphemeral = await mint(s, {}, { authorization: `Bearer ${json.value}` });
    expect(byEphemeral.status).toBe(401);
    expect(byEphemeral.json.error.code).toBe('invalid_api_key');
    expect(s.server.clientSecrets).toHaveLength(1);
  });

  it.each([
    ['{"session":', null, null],
    [[], 'invalid_type', 'body'],
    [{ bogus: 1 }, 'unknown_parameter', 'bogus'],
    [{ expires_after: 600 }, 'invalid_type', 'expires_after'],
    [{ expires_after: { anchor: 'now', seconds: 60 } }, 'invalid_value', 'expires_after.anchor'],
    [{ expires_after: { seconds: 9 } }, 'integer_below_min_value', 'expires_after.seconds'],
    [{ expires_after: { seconds: 7201 } }, 'integer_above_max_value', 'expires_after.seconds'],
    [{ expires_after: { seconds: 60.5 } }, 'invalid_type', 'expires_after.seconds'],
    [{ expires_after: { seconds: '60' } }, 'invalid_type', 'expires_after.seconds'],
    [{ session: { type: 'translation' } }, 'invalid_value', 'session.type'],
    [{ session: { instructions: 'x' } }, 'missing_required_parameter', 'session.type'],
    [{ session: { type: 'realtime', bogus: 1 } }, 'unknown_parameter', 'session.bogus'],
    [
      { session: { type: 'realtime', max_output_tokens: 0 } },
      'integer_below_min_value',
      'session.max_output_tokens',
    ],
  ])('refuses %j with 400 invalid_request_error (%s, param %s)', async (body, code, param) => {
    const s = await start();
    const r = await mint(s, body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', code, param });
    expect(typeof r.json.error.message).toBe('string');
    expect(s.server.clientSecrets).toEqual([]);
  });

  it('refuses a model the server does not serve, naming session.model', async () => {
    const s = await start({ models: ['gpt-realtime'] });
    const r = await mint(s, { session: { type: 'realtime', model: 'gpt-nope' } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_model', param: 'session.model' });
  });

  it('refuses a body over the cap with 413, declared or streamed', async () => {
    const s = await start();
    const big = JSON.stringify({
      session: { type: 'realtime', instructions: 'x'.repeat(CLIENT_SECRETS_MAX_BODY_BYTES) },
    });
    const declared = await mint(s, big);
    expect(declared.status).toBe(413);
    expect(declared.json.error.type).toBe('invalid_request_error');

    // chunked: no content-length, the cap is counted as the body arrives
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${http(s)}/realtime/client_secrets`,
        { method: 'POST', headers: { authorization: `Bearer ${KEY}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write(Buffer.alloc(CLIENT_SECRETS_MAX_BODY_BYTES / 2, 0x20));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(s.server.clientSecrets).toEqual([]);
  });

  it('close() ends a mint whose body is still on its way, and the client sees its connection close', async () => {
    const s = await start();
    const client = connect(s.port, '127.0.0.1');
    client.on('error', () => undefined);
    const clientClosed = new Promise<void>((r) => client.once('close', () => r()));
    // `Expect: 100-continue` makes the server answer `100 Continue` once it has taken the
    // request: proof that the mint is reading the body when close() is called
    const taken = new Promise<string>((r) => client.once('data', (d) => r(d.toString('latin1'))));
    client.write(
      `POST /v1/realtime/client_secrets HTTP/1.1\r\nhost: fake\r\nauthorization: Bearer ${KEY}\r\n` +
        'content-type: application/json\r\ncontent-length: 100\r\nexpect: 100-continue\r\n\r\n{"sess',
    );
    expect(await taken).toMatch(/^HTTP\/1\.1 100 /);
    // without the fix, http.close() waits for the 94 bytes that never come
    await s.close();
    running = undefined;
    await clientClosed;
    expect(s.server.clientSecrets).toEqual([]);
  });

  it('other methods get 405; other paths keep the 426', async () => {
    const s = await start();
    const get = await fetch(`${http(s)}/realtime/client_secrets`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${http(s)}/realtime`)).status).toBe(426);
  });

  it('Azure: /openai/v1/realtime/client_secrets with api-key, and the secret opens the Azure GA path', async () => {
    const s = await start();
    const minted = await mint(
      s,
      { session: { type: 'realtime', model: 'my-deployment', instructions: 'Azure.' } },
      { 'api-key': KEY },
      '/openai/v1/realtime/client_secrets',
    );
    expect(minted.status).toBe(200);
    const bearer = await mint(
      s,
      {},
      { authorization: `Bearer ${KEY}` },
      '/openai/v1/realtime/client_secrets',
    );
    expect(bearer.status).toBe(200);
    const wrong = await mint(s, {}, { 'api-key': 'nope' }, '/openai/v1/realtime/client_secrets');
    expect(wrong.status).toBe(401);
    const base = s.url.replace(/\/v1$/, '');
    const r = await handshake(`${base}/openai/v1/realtime?model=my-deployment`, {
      headers: { Authorization: `Bearer ${minted.json.value}` },
    });
    r.ws?.close();
    expect(r.frames[0].session).toMatchObject({ model: 'my-deployment', instructions: 'Azure.' });
  });

  it('no Azure mint path when the Azure paths are not served', async () => {
    const s = await start({ azure: false });
    const base = http(s).replace(/\/v1$/, '');
    const res = await fetch(`${base}/openai/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { 'api-key': KEY },
      body: '{}',
    });
    expect(res.status).toBe(426);
  });
});

describe('FakeServer.mintClientSecret', () => {
  it('keeps nothing until something is minted', async () => {
    const s = await start();
    expect(s.server.clientSecrets).toEqual([]);
    expect(s.server.clientSecretState('ek_0001')).toBeUndefined();
  });
});
