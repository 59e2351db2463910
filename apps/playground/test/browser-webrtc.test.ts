/**
 * `@voxwire/core`'s `webRtcConnector` in headless Chromium against a REAL WebRTC peer: the
 * browser's own `RTCPeerConnection`, `fetch` (cross-origin: CORS and the exposed `Location`) and
 * fake microphone, the ws fake's `POST /v1/realtime/calls` answered by werift on 127.0.0.1, the
 * events on `oai-events`, RTP both ways. The secret is minted as an app's server mints it
 * (`createClientSecret` with the real key). Skips loudly when Chromium is not installed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClientSecret } from '@voxwire/node';
import { startFakeWsServer, type FakeWsServer } from '@voxwire/testing/ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebRtcRun } from './browser-webrtc/entry.js';
import { bundleScript, haveChromium, launchChromium, warnWithoutChromium } from './chromium.js';

/** The real key: only the test's "app server" holds it. */
const SERVER_KEY = 'sk-proj-SERVER-ONLY-browser-webrtc';
// 48 characters: the fake speaks 60 ms per character, 2880 ms of audio to cut
const LONG = 'one two three four five six seven eight nine ten';

warnWithoutChromium('the WebRTC browser test');

describe.skipIf(!haveChromium)('@voxwire/core over real WebRTC in headless Chromium', () => {
  let fake: FakeWsServer;
  let browser: Browser;
  let page: Page;
  let pageServer: Server;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const bundle = await bundleScript(new URL('./browser-webrtc/entry.ts', import.meta.url));
    fake = await startFakeWsServer({ apiKey: SERVER_KEY, pingIntervalMs: false, webRtc: true });
    browser = await launchChromium(
      // without it Chromium gathers no loopback candidate, and the fake's peer is on 127.0.0.1
      '--allow-loopback-in-peer-connection',
      // a microphone (a beep) granted without a prompt
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    );
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    // the page from an origin of its own: http://127.0.0.1 is a secure context (getUserMedia
    // needs one; about:blank is not), and the POST to the fake is cross-origin, as a page's call
    // to api.openai.com is (CORS preflight, the exposed Location)
    const html = `<!doctype html><title>voxwire webrtc</title><body><script>${bundle}</script></body>`;
    pageServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(html),
    );
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await fake?.close();
    pageServer?.closeAllConnections();
    await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
  });

  const callsUrl = () => `${fake.url.replace(/^ws/, 'http')}/realtime/calls`;
  const run = (secret: string, talk: boolean) =>
    page.evaluate(
      ([url, key, withTalk]) =>
        (
          globalThis as unknown as {
            voxwireWebRtc: (url: string, secret: string, talk: boolean) => Promise<WebRtcRun>;
          }
        ).voxwireWebRtc(url as string, key as string, withTalk as boolean),
      [callsUrl(), secret, talk] as const,
    );

  it('connects over a real peer, answers with its transcript, plays out, and interrupt() clears', async () => {
    const { value: SECRET } = await createClientSecret({
      apiKey: SERVER_KEY,
      baseURL: fake.url,
      env: {},
      session: { model: 'gpt-realtime-mini' },
    });
    fake.server.queueResponse((ctx) => ctx.say('Hi there.'));
    fake.server.queueResponse((ctx) => ctx.say(LONG));

    const result = await run(SECRET, true);

    expect(result.errors).toEqual([]);
    expect(result.audioPath).toBe('media');
    expect(result.first).toMatchObject({ status: 'completed', text: 'Hi there.' });
    const first = result.first!.id;
    const second = result.second!.id;
    // played out: started, then stopped only after response_done
    const one = result.timeline.filter((e) => e.endsWith(`:${first}`));
    expect(one).toEqual([`started:${first}`, `done:${first}`, `stopped:${first}`]);
    // interrupted mid-playback: cleared, never stopped
    expect(result.second!.clearedResponseId).toBe(second);
    const two = result.timeline.filter((e) => e.endsWith(`:${second}`));
    expect(two).toEqual([`started:${second}`, `done:${second}`, `cleared:${second}`]);

    const [call] = fake.webRtcCalls;
    expect(call?.clientSecret).toBe(SECRET);
    const connection = call!.connection!;
    expect(connection.audioPath).toBe('media');
    // the server cut its answer at what it had played, well before its 2880 ms
    expect(connection.outputAudio.playedMs(second)).toBeLessThan(2880);
    expect(connection.outputAudio.playedMs(first)).toBe(540);
    expect(fake.server.clientEvents.map((e) => e['type'])).toContain('output_audio_buffer.clear');
    // the session ran on the minted configuration's model; the real key never reached the page
    expect(connection.session).toMatchObject({ model: 'gpt-realtime-mini' });

    // media both ways: ontrack fired, the page received RTP, the server counted the mic's
    expect(result.remoteStream).toBe(true);
    expect(result.inboundPackets).toBeGreaterThan(0);
    expect(call!.micPackets).toBeGreaterThan(0);

    // model.close() left no peer open, on either side
    expect(result.closedWith).toBe('closed');
    expect(result.peerStates).toEqual(['closed']);
    // the server's peer answered the channel's close: core did not wait out its 5 s closeTimeoutMs
    expect(result.closeMs).toBeLessThan(4_000);
    await call!.closed;
    expect(call!.state).toBe('closed');
    expect(connection.open).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('a secret the server refuses ends the session with AUTH_FAILED, without retrying', async () => {
    const calls = fake.webRtcCalls.length;
    const result = await run('ek_not_the_right_one', false);
    expect(result.closedWith).toBe('AUTH_FAILED');
    expect(result.posts).toBe(1);
    expect(result.peerStates).toEqual(['closed']);
    expect(fake.webRtcCalls.length).toBe(calls);
  });
});
