import { request } from 'node:http';
import { RealtimeModel } from '@voxwire/core';
import { createFakeServer } from '@voxwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError } from '../src/config.js';
import { silentLog } from '../src/log.js';
import { connectStreamTwiml, startPhoneBridgeServer } from '../src/server.js';
import type { PhoneBridgeServer } from '../src/server.js';

let server: PhoneBridgeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(publicUrl?: string): Promise<PhoneBridgeServer> {
  const model = new RealtimeModel({ connector: createFakeServer().connector });
  server = await startPhoneBridgeServer({ model, publicUrl, log: silentLog });
  return server;
}

function post(
  url: string,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }),
      );
    })
      .on('error', reject)
      .end('CallSid=CA1&From=%2B15550100');
  });
}

describe('the TwiML webhook', () => {
  it('answers <Connect><Stream> pointing at PUBLIC_URL’s wss://…/media-stream', async () => {
    const s = await start('https://abc.ngrok.app');
    const answer = await post(`${s.url}/twiml`);
    expect(answer).toEqual({
      status: 200,
      type: 'text/xml; charset=utf-8',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://abc.ngrok.app/media-stream"/></Connect></Response>',
    });
  });

  it('without PUBLIC_URL, points at the host the webhook came through (a tunnel’s Host and X-Forwarded-Proto)', async () => {
    const s = await start();
    const tunnel = await post(`${s.url}/twiml`, {
      host: 'abc.ngrok.app',
      'x-forwarded-proto': 'https',
    });
    expect(tunnel.body).toContain('<Stream url="wss://abc.ngrok.app/media-stream"/>');
    const local = await post(`${s.url}/twiml`, { 'x-forwarded-proto': 'http' }, 'GET');
    expect(local.body).toContain(`<Stream url="ws://127.0.0.1:${s.port}/media-stream"/>`);
  });

  it('a GET webhook’s From and To (its query) become <Parameter>s, escaped; other fields do not', async () => {
    const s = await start('https://abc.ngrok.app');
    const answer = await post(
      `${s.url}/twiml?CallSid=CA9&From=%2B15550100&To=%22%3Cdesk%3E%22&Digits=1`,
      {},
      'GET',
    );
    expect(answer.body).toContain(
      '<Stream url="wss://abc.ngrok.app/media-stream"><Parameter name="From" value="+15550100"/><Parameter name="To" value="&quot;&lt;desk&gt;&quot;"/></Stream>',
    );
  });

  it('a From or To that TwiML cannot carry (a control character, over 256 characters) is left out, not sent', async () => {
    const s = await start('https://abc.ngrok.app');
    const long = '1'.repeat(257);
    const answer = await fetch(`${s.url}/twiml?From=%2B1555%01&To=${long}`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('<Stream url="wss://abc.ngrok.app/media-stream"/>');
    const fits = await fetch(`${s.url}/twiml?To=${'1'.repeat(256)}`);
    expect(await fits.text()).toContain(`<Parameter name="To" value="${'1'.repeat(256)}"/>`);
  });

  it('escapes the URL for XML', () => {
    expect(connectStreamTwiml('wss://h/media-stream?a=1&b="2"')).toContain(
      'url="wss://h/media-stream?a=1&amp;b=&quot;2&quot;"',
    );
  });

  it('other paths are 404, and so are WebSocket upgrades anywhere but /media-stream', async () => {
    const s = await start();
    expect((await post(`${s.url}/`)).status).toBe(404);
    const socket = new WebSocket(`ws://127.0.0.1:${s.port}/elsewhere`);
    const refused = await new Promise<string>((resolve) =>
      socket.once('error', (error) => resolve(error.message)),
    );
    expect(refused).toContain('404');
    expect(s.calls.size).toBe(0);
  });

  it('a frameMs that is not a whole number of ms from 1 to 1000, a maxMarksOutstanding under 1, a heartbeatMs under 100 ms, a startTimeoutMs out of 1–600000 or a publicUrl with a path fails at start with a ConfigError', async () => {
    const model = new RealtimeModel({ connector: createFakeServer().connector });
    for (const frameMs of [0, 12.5, 2_000, Number.NaN]) {
      const started = startPhoneBridgeServer({ model, frameMs, log: silentLog });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toThrow(/frameMs must be a whole number of ms from 1 to 1000/);
    }
    for (const maxMarksOutstanding of [0, 1.5, -3]) {
      const started = startPhoneBridgeServer({ model, maxMarksOutstanding, log: silentLog });
      await expect(started).rejects.toThrow(/maxMarksOutstanding must be a whole number from 1/);
    }
    await expect(
      startPhoneBridgeServer({ model, publicUrl: 'https://example.com/phone', log: silentLog }),
    ).rejects.toThrow(/PUBLIC_URL must be an origin/);
    // Node runs a timer over 2^31-1 ms at once: a day would end every call before its start
    for (const startTimeoutMs of [0, -1, 2.5, Number.NaN, 86_400_000]) {
      const started = startPhoneBridgeServer({ model, startTimeoutMs, log: silentLog });
      await expect(started).rejects.toThrow(
        /startTimeoutMs must be a whole number of ms from 1 to 600000/,
      );
    }
    for (const heartbeatMs of [0, 10, Number.NaN, Infinity]) {
      const started = startPhoneBridgeServer({ model, heartbeatMs, log: silentLog });
      await expect(started).rejects.toThrow(/heartbeatMs must be false or a number of ms from 100/);
    }
    await model.close();
  });
});
