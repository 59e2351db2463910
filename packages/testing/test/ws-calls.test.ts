/**
 * Calls on the ws fake, over real sockets: the signed webhook reaches a local HTTP server,
 * accept and hangup over HTTP, a side-band WebSocket (`?call_id=`) sees the call's session,
 * and the `POST /fake/sip/incoming` test hook.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, SimulatedClock } from '../src/index.js';
import {
  advanceWithSockets,
  closedPort,
  FAKE_SIP_INCOMING_PATH,
  FAKE_SIP_WEBHOOK_WAIT_MS,
  startFakeWsServer,
  type FakeWsServer,
} from '../src/ws/index.js';
import { weriftClient } from './werift-client.js';
import { frameSocket } from './ws-helpers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const AUTH = { Authorization: 'Bearer sk-test' };
type Hook = { headers: IncomingMessage['headers']; body: string };

let fake: FakeWsServer | undefined;
let hookServer: ReturnType<typeof createServer> | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
  hookServer = undefined;
});

// a local app's webhook endpoint: resolves with the first delivery
async function webhookReceiver() {
  const got = deferred<Hook>();
  hookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.resolve({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hookServer!.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`;
  return { url, delivery: got.promise };
}

const httpBase = (f: FakeWsServer) => f.url.replace(/^ws/, 'http');

// a socket and its frames; `next(type)` resolves with the first frame of that type
const socket = (url: string, headers: Record<string, string> = AUTH) => frameSocket(url, headers);

describe('calls on the ws fake', () => {
  it('webhook → accept over HTTP → side-band sees session.created and a scripted answer → hangup closes it', async () => {
    const hook = await webhookReceiver();
    fake = await startFakeWsServer({
      apiKey: 'sk-test',
      webhook: { url: hook.url, secret: SECRET },
    });
    const call = fake.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
    const delivery = await hook.delivery;
    expect(JSON.parse(delivery.body)).toEqual(call.webhookEvent);
    const mac = createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64'))
      .update(
        `${delivery.headers['webhook-id']}.${delivery.headers['webhook-timestamp']}.${delivery.body}`,
      )
      .digest('base64');
    expect(delivery.headers['webhook-signature']).toBe(`v1,${mac}`);
    expect(delivery.headers['content-type']).toBe('application/json');
    await expect(call.webhookDelivered).resolves.toEqual({ state: 'delivered', status: 200 });

    const callId = JSON.parse(delivery.body).data.call_id as string;
    const accept = await fetch(`${httpBase(fake)}/realtime/calls/${callId}/accept`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'realtime', instructions: 'Answer the phone.' }),
    });
    expect(accept.status).toBe(200);
    expect(accept.headers.get('access-control-allow-origin')).toBe('*');
    expect(call.state).toBe('active');

    const sb = socket(`${fake.url}/realtime?call_id=${callId}`);
    const created = await sb.next('session.created');
    expect(created.session.instructions).toBe('Answer the phone.');
    fake.server.queueResponse((ctx) => ctx.say('Hello caller'));
    sb.ws.send(JSON.stringify({ type: 'response.create' }));
    const done = await sb.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(call.clientEvents.map((e) => [e.via, e.event['type']])).toEqual([
      ['sideband', 'response.create'],
    ]);

    const hangup = await fetch(`${httpBase(fake)}/realtime/calls/${callId}/hangup`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(hangup.status).toBe(200);
    expect(await sb.closed).toEqual({ code: 1000, reason: '' });
    expect(call).toMatchObject({ state: 'ended', endReason: 'hangup' });
  });

  it('refuses a side-band with an ek_ key (as a bad key, 3000) and to an unknown call (4000)', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test' });
    const call = fake.sip.incoming();
    fake.server.acceptCall(call.callId, { type: 'realtime' });
    const ek = String(fake.server.mintClientSecret({}).body['value']);
    const ephemeral = socket(`${fake.url}/realtime?call_id=${call.callId}`, {
      Authorization: `Bearer ${ek}`,
    });
    expect((await ephemeral.closed).code).toBe(3000);
    expect(ephemeral.frames[0]).toMatchObject({
      type: 'error',
      error: { code: 'invalid_api_key' },
    });
    const unknown = socket(`${fake.url}/realtime?call_id=rtc_nope`);
    expect(await unknown.closed).toEqual({
      code: 4000,
      reason: 'invalid_request_error.call_not_found',
    });
    expect(unknown.frames[0].error.message).toContain('rtc_nope');
    expect(fake.handshakes.map((h) => h.outcome).slice(-1)).toEqual(['closed 4000']);
    expect(call.sidebands).toHaveLength(0);
  });

  it('call control over HTTP: 401 without the key, 400 for bad JSON, 404 for an unknown call; Azure path', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test' });
    const call = fake.sip.incoming();
    const base = httpBase(fake);
    const post = (path: string, body: string, headers: Record<string, string> = AUTH) =>
      fetch(`${base}${path}`, { method: 'POST', headers, body });
    expect((await post(`/realtime/calls/${call.callId}/reject`, '{}', {})).status).toBe(401);
    expect((await post(`/realtime/calls/${call.callId}/reject`, '{')).status).toBe(400);
    expect((await post('/realtime/calls/rtc_nope/reject', '{}')).status).toBe(404);
    const azure = await fetch(
      `${base.replace(/\/v1$/, '')}/openai/v1/realtime/calls/${call.callId}/reject`,
      {
        method: 'POST',
        headers: { 'api-key': 'sk-test' },
        body: JSON.stringify({ status_code: 486 }),
      },
    );
    expect(azure.status).toBe(200);
    expect(call).toMatchObject({ state: 'rejected', rejectStatus: 486 });
    const preflight = await fetch(`${base}/realtime/calls/${call.callId}/hangup`, {
      method: 'OPTIONS',
    });
    expect(preflight.status).toBe(204);
  });

  it('POST /fake/sip/incoming places a ringing call (201 with its id and webhook event)', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test' });
    const base = httpBase(fake).replace(/\/v1$/, '');
    const res = await fetch(`${base}/fake/sip/incoming`, {
      method: 'POST',
      body: JSON.stringify({ from: 'sip:+14155550123@carrier.example' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      call_id: string;
      webhook_event: any;
      webhook_delivery: any;
    };
    expect(fake.server.calls.map((c) => [c.callId, c.state])).toEqual([[body.call_id, 'ringing']]);
    // no webhook option: nothing was delivered, and the answer says so
    expect(body.webhook_delivery).toBeNull();
    expect(body.webhook_event.data.sip_headers[0]).toEqual({
      name: 'From',
      value: 'sip:+14155550123@carrier.example',
    });
    expect((await fetch(`${base}/fake/sip/incoming`, { method: 'POST', body: '[1]' })).status).toBe(
      400,
    );
    expect((await fetch(`${base}/fake/sip/incoming`)).status).toBe(405);
    // closing the ws fake hangs up the calls placed through it: no ring timeout outlives it
    const ringing = fake.server.calls[0];
    await fake.close();
    fake = undefined;
    expect(ringing).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
  });

  it('POST /fake/sip/incoming answers once the webhook is delivered, with how the app answered or why it could not', async () => {
    // an app that answers its webhook 500
    hookServer = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(500).end());
    });
    await new Promise<void>((r) => hookServer!.listen(0, '127.0.0.1', () => r()));
    const app = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`;
    fake = await startFakeWsServer({ webhook: { url: app, secret: SECRET } });
    const base = httpBase(fake).replace(/\/v1$/, '');
    const refused = await fetch(`${base}${FAKE_SIP_INCOMING_PATH}`, { method: 'POST' });
    expect(refused.status).toBe(201);
    expect(((await refused.json()) as any).webhook_delivery).toEqual({
      state: 'delivered',
      status: 500,
    });
    await fake.close();
    // the app is down: the call still rings, and the answer says the delivery failed
    fake = await startFakeWsServer({
      webhook: { url: `http://127.0.0.1:${await closedPort()}/hooks`, secret: SECRET },
    });
    const down = await fetch(`${httpBase(fake).replace(/\/v1$/, '')}${FAKE_SIP_INCOMING_PATH}`, {
      method: 'POST',
    });
    expect(down.status).toBe(201);
    const body = (await down.json()) as any;
    expect(body.webhook_delivery).toEqual({
      state: 'failed',
      error: expect.stringMatching(/^fetch failed \(connect ECONNREFUSED /),
    });
    expect(fake.server.calls.map((c) => [c.callId, c.state, c.webhookDelivery])).toEqual([
      [body.call_id, 'ringing', body.webhook_delivery],
    ]);
  });

  it('POST /fake/sip/incoming does not wait longer than FAKE_SIP_WEBHOOK_WAIT_MS for an app that holds its webhook', async () => {
    const clock = new SimulatedClock();
    const posted = deferred();
    fake = await startFakeWsServer({
      clock,
      pingIntervalMs: false,
      webhook: {
        url: 'http://app.invalid/hooks',
        secret: SECRET,
        // the app never answers
        fetch: () => {
          posted.resolve();
          return new Promise(() => undefined);
        },
      },
    });
    let answer: any;
    void fetch(`${httpBase(fake).replace(/\/v1$/, '')}${FAKE_SIP_INCOMING_PATH}`, {
      method: 'POST',
    }).then(async (res) => (answer = { status: res.status, body: await res.json() }));
    await posted.promise;
    expect(
      await advanceWithSockets(clock, () => answer !== undefined, FAKE_SIP_WEBHOOK_WAIT_MS - 100),
    ).toBe(false);
    expect(await advanceWithSockets(clock, () => answer !== undefined, 1_000)).toBe(true);
    expect(clock.now()).toBeLessThanOrEqual(FAKE_SIP_WEBHOOK_WAIT_MS + 100);
    expect(answer).toMatchObject({ status: 201, body: { webhook_delivery: { state: 'pending' } } });
  });

  it('a multipart WebRTC call request (sdp + session, standard key) answered by werift: the session applies, a side-band joins, hangup ends both', async () => {
    fake = await startFakeWsServer({ apiKey: 'sk-test', webRtc: true, pingIntervalMs: false });
    const client = await weriftClient();
    try {
      const form = new FormData();
      form.set('sdp', client.sdp);
      form.set('session', JSON.stringify({ type: 'realtime', instructions: 'Be brief.' }));
      const res = await fetch(`${httpBase(fake)}/realtime/calls`, {
        method: 'POST',
        headers: AUTH,
        body: form,
      });
      expect(res.status).toBe(201);
      const callId = String(res.headers.get('location')).split('/').pop() ?? '';
      await client.pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
      const created = (await client.event('session.created')) as any;
      expect(created.session.instructions).toBe('Be brief.');
      expect(fake.server.calls[0]).toMatchObject({ callId, kind: 'webrtc', state: 'active' });
      const sb = socket(`${fake.url}/realtime?call_id=${callId}`);
      expect((await sb.next('session.created')).session.id).toBe(created.session.id);
      const hangup = await fetch(`${httpBase(fake)}/realtime/calls/${callId}/hangup`, {
        method: 'POST',
        headers: AUTH,
      });
      expect(hangup.status).toBe(200);
      expect((await sb.closed).code).toBe(1000);
      await client.channelClosed;
    } finally {
      await client.pc.close();
    }
  });
});
