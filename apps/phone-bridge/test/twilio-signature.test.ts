import { request } from 'node:http';
import { RealtimeModel } from '@voxwire/core';
import { createFakeServer } from '@voxwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLog } from '../src/log.js';
import { MAX_WEBHOOK_BODY_BYTES, startPhoneBridgeServer } from '../src/server.js';
import type { PhoneBridgeServer } from '../src/server.js';
import { isValidTwilioSignature, twilioSignature } from '../src/twilio-signature.js';

const TOKEN = 'twilio-auth-token-0001';
const FORM = 'CallSid=CA1&From=%2B15550100&To=%2B15550199';

describe('twilioSignature', () => {
  it('matches the example of Twilio’s own validators (token 12345, mycompany.com)', () => {
    const params = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    });
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, params)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(isValidTwilioSignature('12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc=', [url], params)).toBe(
      true,
    );
    // the same request signed with the default port written out (a proxy may add or drop it)
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const signedWithPort = twilioSignature('12345', withPort, params);
    expect(isValidTwilioSignature('12345', signedWithPort, [url], params)).toBe(true);
  });

  it('refuses another token, another URL, changed parameters, and no signature', () => {
    const params = new URLSearchParams(FORM);
    const url = 'https://abc.ngrok.app/twiml';
    const good = twilioSignature(TOKEN, url, params);
    expect(isValidTwilioSignature('other', good, [url], params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, good, ['https://evil.example/twiml'], params)).toBe(false);
    const tampered = new URLSearchParams(FORM);
    tampered.set('To', '+19995550000');
    expect(isValidTwilioSignature(TOKEN, good, [url], tampered)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, undefined, [url], params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, '', [url], params)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, 'short', [url], params)).toBe(false);
  });
});

let server: PhoneBridgeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(publicUrl: string | undefined): Promise<PhoneBridgeServer> {
  const model = new RealtimeModel({ connector: createFakeServer().connector });
  server = await startPhoneBridgeServer({
    model,
    publicUrl,
    twilioAuthToken: TOKEN,
    log: silentLog,
  });
  return server;
}

function post(
  url: string,
  headers: Record<string, string>,
  body = FORM,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    )
      .on('error', reject)
      .end(body);
  });
}

/** Opens the media stream; resolves with `open`, or the refused handshake's HTTP status. */
function openStream(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('with a Twilio auth token, only Twilio’s signed requests get through', () => {
  it('the webhook answers a signed POST, and refuses an unsigned or tampered one with 403', async () => {
    const s = await start('https://abc.ngrok.app');
    const signature = twilioSignature(
      TOKEN,
      'https://abc.ngrok.app/twiml',
      new URLSearchParams(FORM),
    );
    const signed = await post(`${s.url}/twiml`, { 'x-twilio-signature': signature });
    expect(signed.status).toBe(200);
    // the caller's and the called number ride along as <Parameter>s (back in start.customParameters)
    expect(signed.body).toContain(
      '<Stream url="wss://abc.ngrok.app/media-stream"><Parameter name="From" value="+15550100"/><Parameter name="To" value="+15550199"/></Stream>',
    );
    expect((await post(`${s.url}/twiml`, {})).status).toBe(403);
    const tampered = await post(
      `${s.url}/twiml`,
      { 'x-twilio-signature': signature },
      FORM.replace('CA1', 'CA2'),
    );
    expect(tampered.status).toBe(403);
  });

  it('without PUBLIC_URL the tunnel’s Host and X-Forwarded-Proto make the signed URL', async () => {
    const s = await start(undefined);
    const signature = twilioSignature(
      TOKEN,
      'https://abc.ngrok.app/twiml',
      new URLSearchParams(FORM),
    );
    const answer = await post(`${s.url}/twiml`, {
      host: 'abc.ngrok.app',
      'x-forwarded-proto': 'https',
      'x-twilio-signature': signature,
    });
    expect(answer.status).toBe(200);
    // the same signature for another host is refused
    const elsewhere = await post(`${s.url}/twiml`, {
      host: 'evil.example',
      'x-forwarded-proto': 'https',
      'x-twilio-signature': signature,
    });
    expect(elsewhere.status).toBe(403);
  });

  it('an oversized webhook body is refused with 413 before it is all read', async () => {
    const s = await start('https://abc.ngrok.app');
    const big = `Body=${'x'.repeat(MAX_WEBHOOK_BODY_BYTES)}`;
    expect((await post(`${s.url}/twiml`, { 'x-twilio-signature': 'x' }, big)).status).toBe(413);
  });

  it('the media stream opens for a handshake signed over its wss:// URL, and not unsigned', async () => {
    const s = await start('https://abc.ngrok.app');
    const stream = `${s.url.replace(/^http/, 'ws')}/media-stream`;
    const signed = twilioSignature(TOKEN, 'wss://abc.ngrok.app/media-stream');
    expect(await openStream(stream, { 'x-twilio-signature': signed })).toBe('open');
    expect(await openStream(stream, {})).toBe(403);
    const forOtherPath = twilioSignature(TOKEN, 'wss://abc.ngrok.app/twiml');
    expect(await openStream(stream, { 'x-twilio-signature': forOtherPath })).toBe(403);
    expect(s.calls.size).toBe(0);
  });
});
