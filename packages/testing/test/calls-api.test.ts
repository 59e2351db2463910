/**
 * The call-control routes as an in-memory fetch (`server.callsApi()`, and the WebRTC kit's
 * `fetch`), and the kit's unified multipart call request (`sdp` + `session`, standard key).
 */
import { RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { createFakeWebRtc, FakeServer, SimulatedClock } from '../src/index.js';

const BASE = 'https://api.openai.com/v1/realtime/calls';
const AZURE = 'https://res.openai.azure.com/openai/v1/realtime/calls';

const flush = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

function post(
  fetch: ReturnType<FakeServer['callsApi']>,
  url: string,
  body: unknown,
  headers: Record<string, string> = { Authorization: 'Bearer sk-test' },
) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('server.callsApi(): the call-control routes in memory', () => {
  it('accepts, then hangs up a SIP call over the routes: 200 with an empty body', async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    const api = server.callsApi({ apiKey: 'sk-test' });
    const call = server.sip.incoming();
    const accept = await post(api, `${BASE}/${call.callId}/accept`, { type: 'realtime' });
    expect(accept.status).toBe(200);
    expect(await accept.text()).toBe('');
    expect(call.state).toBe('active');
    const hangup = await post(api, `${BASE}/${call.callId}/hangup`, undefined);
    expect(hangup.status).toBe(200);
    expect(call).toMatchObject({ state: 'ended', endReason: 'hangup' });
  });

  it("serves Azure's path with its api-key header; reject and refer take their bodies", async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    const api = server.callsApi({ apiKey: 'az' });
    const a = server.sip.incoming();
    expect(
      (await post(api, `${AZURE}/${a.callId}/reject`, { status_code: 486 }, { 'api-key': 'az' }))
        .status,
    ).toBe(200);
    expect(a.rejectStatus).toBe(486);
    const b = server.sip.incoming();
    await post(api, `${AZURE}/${b.callId}/accept`, { type: 'realtime' }, { 'api-key': 'az' });
    const refer = await post(
      api,
      `${AZURE}/${b.callId}/refer`,
      { target_uri: 'sip:desk@pbx.example' },
      { 'api-key': 'az' },
    );
    expect(refer.status).toBe(200);
    expect(b.referTargets).toEqual(['sip:desk@pbx.example']);
  });

  it('refuses a missing, wrong or ephemeral key (401), bad JSON (400), an unknown call (404), another method (405) or path (404)', async () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    const api = server.callsApi({ apiKey: 'sk-test' });
    const call = server.sip.incoming();
    const url = `${BASE}/${call.callId}/accept`;
    const errorOf = async (r: Promise<{ status: number; text(): Promise<string> }>) => {
      const res = await r;
      const text = await res.text();
      return [res.status, text ? JSON.parse(text).error.code : ''];
    };
    expect(await errorOf(post(api, url, { type: 'realtime' }, {}))).toEqual([
      401,
      // the API's missing-key error has no code
      null,
    ]);
    expect(
      await errorOf(post(api, url, { type: 'realtime' }, { Authorization: 'Bearer sk-wrong' })),
    ).toEqual([401, 'invalid_api_key']);
    const ek = String(server.mintClientSecret({}).body['value']);
    expect(
      await errorOf(post(api, url, { type: 'realtime' }, { Authorization: `Bearer ${ek}` })),
    ).toEqual([401, 'invalid_api_key']);
    expect(await errorOf(post(api, url, '{"type":'))).toEqual([400, 'invalid_json']);
    expect(await errorOf(post(api, `${BASE}/rtc_nope/accept`, { type: 'realtime' }))).toEqual([
      404,
      'call_not_found',
    ]);
    const get = await api(url, {
      method: 'GET',
      headers: { Authorization: 'Bearer sk-test' },
      body: '',
    });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await post(api, `${BASE}/${call.callId}/answer`, {})).status).toBe(404);
    expect(call.state).toBe('ringing');
  });
});

async function offer(kit: ReturnType<typeof createFakeWebRtc>) {
  const pc = new kit.RTCPeerConnection();
  pc.addTrack(kit.microphone());
  const channel = pc.createDataChannel(RTC_EVENTS_CHANNEL);
  const o = await pc.createOffer();
  await pc.setLocalDescription(o);
  return { pc, channel, sdp: o.sdp ?? '' };
}

describe("the WebRTC kit's unified multipart call request", () => {
  it('a FormData with sdp and session parts and a standard key: 201, and the call starts with that session', async () => {
    const kit = createFakeWebRtc({ clock: new SimulatedClock() });
    const { pc, sdp } = await offer(kit);
    const form = new FormData();
    form.set('sdp', sdp);
    form.set('session', JSON.stringify({ type: 'realtime', instructions: 'Be brief.' }));
    const res = await kit.fetch(BASE, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-test' },
      body: form as unknown as string,
    });
    expect(res.status).toBe(201);
    expect(kit.calls[0]?.session).toEqual({ type: 'realtime', instructions: 'Be brief.' });
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    await flush();
    expect(kit.server.calls[0]?.connection?.session['instructions']).toBe('Be brief.');
    // the kit's fetch serves the call-control routes too
    const callId = kit.calls[0]?.callId;
    const hangup = await kit.fetch(`${BASE}/${callId}/hangup`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-test' },
      body: '',
    });
    expect(hangup.status).toBe(200);
    await flush();
    expect(pc.connectionState).toBe('closed');
  });

  it('a multipart text body is parsed as the form; an ephemeral key, a bad session or a missing sdp part is refused', async () => {
    const kit = createFakeWebRtc({ clock: new SimulatedClock(), models: ['gpt-realtime'] });
    const { sdp } = await offer(kit);
    const multipart = (parts: Record<string, string>) =>
      Object.entries(parts)
        .map(
          ([name, value]) =>
            `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        )
        .join('') + '--XyZ--\r\n';
    const send = (body: string, key = 'sk-test') =>
      kit.fetch(BASE, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${key}`,
          'Content-Type': 'multipart/form-data; boundary=XyZ',
        },
        body,
      });
    const ok = await send(multipart({ sdp, session: '{"type":"realtime","instructions":"Hi"}' }));
    expect(ok.status).toBe(201);
    expect(kit.calls[0]?.session).toEqual({ type: 'realtime', instructions: 'Hi' });
    const ek = String(kit.server.mintClientSecret({}).body['value']);
    expect((await send(multipart({ sdp }), ek)).status).toBe(401);
    const code = async (r: Promise<{ status: number; text(): Promise<string> }>) => {
      const res = await r;
      return [res.status, JSON.parse(await res.text()).error.code];
    };
    expect(await code(send(multipart({ session: '{}' })))).toEqual([
      400,
      'missing_required_parameter',
    ]);
    expect(await code(send(multipart({ sdp, session: '{' })))).toEqual([400, 'invalid_json']);
    expect(
      await code(send(multipart({ sdp, session: '{"type":"realtime","model":"gpt-4o"}' }))),
    ).toEqual([400, 'invalid_model']);
    expect(await code(send('no parts here'))).toEqual([400, 'invalid_body']);
    expect(kit.calls).toHaveLength(1);
  });
});
