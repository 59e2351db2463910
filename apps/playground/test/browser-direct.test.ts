/**
 * `@voxwire/core` in headless Chromium with no server of ours in between: the browser's own
 * `WebSocket`, `openaiWebSocketConnector` and an ephemeral secret in the subprotocols, against
 * the fake server over a real socket. The secret is minted as an app's server mints it
 * (`createClientSecret` with the real key, which never reaches the page). The network under a
 * page's session dies without a close (the fake's `unplug()`): the browser's WebSocket has no
 * keep-alive ping, and the engine notices by itself (`backpressure.drainTimeoutMs` under a
 * streaming microphone, `replyTimeoutMs` when an idle session asks for something). Skips
 * loudly when Chromium is not installed.
 */
import { createClientSecret } from '@voxwire/node';
import { startFakeWsServer, type FakeWsServer } from '@voxwire/testing/ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadNetworkIdleRun, DeadNetworkRun, DirectRun } from './browser-direct/entry.js';
import { bundleScript, haveChromium, launchChromium, warnWithoutChromium } from './chromium.js';

/** The real key: only the test's "app server" holds it. */
const SERVER_KEY = 'sk-proj-SERVER-ONLY-browser-direct';

warnWithoutChromium('the direct browser test');

describe.skipIf(!haveChromium)('@voxwire/core in headless Chromium, straight to the server', () => {
  let fake: FakeWsServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const bundle = await bundleScript(new URL('./browser-direct/entry.ts', import.meta.url));
    fake = await startFakeWsServer({ apiKey: SERVER_KEY, pingIntervalMs: false });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.setContent('<!doctype html><title>voxwire direct</title>');
    await page.addScriptTag({ content: bundle });
  });

  afterAll(async () => {
    await browser?.close();
    await fake?.close();
  });

  const run = (secret: string) =>
    page.evaluate(
      ([baseURL, key]) =>
        (
          globalThis as unknown as {
            voxwireDirect: (baseURL: string, secret: string) => Promise<DirectRun>;
          }
        ).voxwireDirect(baseURL!, key!),
      [fake.url.replace(/^ws/, 'http'), secret],
    );

  it('runs a session on a minted secret: it rides in the subprotocols, a generated response comes back', async () => {
    const { value: SECRET } = await createClientSecret({
      apiKey: SERVER_KEY,
      baseURL: fake.url,
      env: {},
      session: { model: 'gpt-realtime-mini' },
    });
    fake.server.queueResponse((ctx) => ctx.say('Hello, page.'));
    const result = await run(SECRET);
    expect(result).toEqual({
      text: 'Hello, page.',
      status: 'completed',
      errors: [],
      closedWith: 'closed',
    });
    const [handshake] = fake.handshakes;
    expect(handshake?.subprotocols).toEqual(['realtime', `openai-insecure-api-key.${SECRET}`]);
    expect(handshake?.headers['authorization']).toBeUndefined();
    expect(handshake?.url).toBe('/v1/realtime?model=gpt-realtime');
    expect(fake.server.clientEvents.map((e) => e['type'])).toEqual([
      'session.update',
      'conversation.item.create',
      'response.create',
    ]);
    // the session runs on the minted configuration's model, and the real key never left the server
    expect(fake.server.connections[0]?.session).toMatchObject({ model: 'gpt-realtime-mini' });
    expect(fake.server.clientSecrets.map((s) => s.usedBy)).toEqual([1]);
    expect(JSON.stringify(fake.handshakes)).not.toContain(SERVER_KEY);
    expect(pageErrors).toEqual([]);
  });

  /**
   * Runs the page's `fn` (`voxwireDeadNetwork`, `voxwireDeadNetworkIdle`) with a fresh secret for
   * each connect and a function that kills the network without a close; returns its report and
   * how many times the page unplugged.
   */
  async function onDyingNetwork<R>(
    fn: 'voxwireDeadNetwork' | 'voxwireDeadNetworkIdle',
  ): Promise<{ result: R; unplugged: number }> {
    const mint = async () =>
      (
        await createClientSecret({
          apiKey: SERVER_KEY,
          baseURL: fake.url,
          env: {},
          session: { model: 'gpt-realtime' },
        })
      ).value;
    const secrets = [await mint(), await mint()];
    let unplugged = 0;
    const unplug = `unplug_${fn}`;
    await page.exposeFunction(unplug, () => {
      unplugged++;
      fake.unplug();
    });
    const result = (await page.evaluate(
      ([name, unplugName, baseURL, first, second]) => {
        let n = 0;
        const g = globalThis as unknown as Record<
          string,
          (baseURL: string, secret: () => string, unplug: () => Promise<void>) => Promise<unknown>
        >;
        return g[name!]!(
          baseURL!,
          () => (n++ === 0 ? first! : second!),
          g[unplugName!] as unknown as () => Promise<void>,
        );
      },
      [fn, unplug, fake.url.replace(/^ws/, 'http'), ...secrets],
    )) as R;
    return { result, unplugged };
  }

  it('a network that dies without a close: the page notices by itself and reconnects (drainTimeoutMs)', async () => {
    const { result, unplugged } = await onDyingNetwork<DeadNetworkRun>('voxwireDeadNetwork');
    expect(unplugged).toBe(1);
    expect(result.reconnected).toBe(true);
    expect(result.errors).toEqual(['VoxwireError:SOCKET_CLOSED']);
    // the wait for a buffer that never drains (2 s), after the buffers filled
    expect(result.ms).toBeGreaterThanOrEqual(2_000);
    expect(result.ms).toBeLessThan(30_000);
    expect(pageErrors).toEqual([]);
  });

  it('a network that dies without a close under an idle session: a request finds it, and the fresh server answers (replyTimeoutMs)', async () => {
    const { result, unplugged } =
      await onDyingNetwork<DeadNetworkIdleRun>('voxwireDeadNetworkIdle');
    expect(unplugged).toBe(1);
    // the item and the request went into the dead socket; the restore made them again
    expect(result.answer).toMatch(/^completed: ./);
    expect(result.errors).toEqual(['VoxwireError:SOCKET_CLOSED']);
    // the silence after the request (2 s), then the reconnect: not TCP giving up (minutes)
    expect(result.ms).toBeGreaterThanOrEqual(2_000);
    expect(result.ms).toBeLessThan(10_000);
    expect(pageErrors).toEqual([]);
  });

  it('a secret the server refuses ends the session with AUTH_FAILED, without retrying', async () => {
    const before = fake.handshakes.length;
    const result = await run('ek_not_the_right_one');
    expect(result).toMatchObject({ text: undefined, closedWith: 'AUTH_FAILED' });
    expect(result.errors).toContain('ServerError:invalid_api_key');
    expect(fake.handshakes.length - before).toBe(1);
  });
});
