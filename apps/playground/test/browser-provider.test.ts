/**
 * The playground in headless Chromium against a provider of the network (the fake server over a
 * real socket, or a closed port): what the page says when the key is refused, the provider is
 * unreachable, or its connection drops and comes back. Skips loudly when Chromium is not
 * installed.
 */
import { closedPort, startFakeWsServer } from '@voxwire/testing/ws';
import { describe, expect, it } from 'vitest';
import { withPlayground } from './browser-page.js';
import { haveChromium, warnWithoutChromium } from './chromium.js';

warnWithoutChromium('the provider browser test');

describe.skipIf(!haveChromium)('playground in headless Chromium: a refused API key', () => {
  it('shows the refusal to the person and never gives the page the key', async () => {
    const key = 'sk-browser-test-WRONGKEY-000000';
    const fake = await startFakeWsServer({ apiKey: 'sk-the-right-key', pingIntervalMs: false });
    try {
      await withPlayground(
        async ({ browser, server }) => {
          const page = await browser.newPage();
          const frames: string[] = [];
          page.on('websocket', (ws) =>
            ws.on('framereceived', (f) => frames.push(String(f.payload))),
          );
          await page.goto(server.url);
          await page.locator('#provider[data-kind="openai"]').waitFor();
          await page.click('#connect');
          const toast = page.locator('#errors .toast', { hasText: /API key/i }).first();
          await toast.waitFor();
          await page.locator('#link[data-state="closed"]').waitFor();
          expect(frames.length).toBeGreaterThan(0);
          expect(frames.filter((f) => f.includes(key) || f.includes('WRONGKEY'))).toEqual([]);
          expect(await page.content()).not.toContain('WRONGKEY');
        },
        {
          server: {
            provider: { kind: 'openai', apiKey: key, model: 'gpt-realtime', baseUrl: fake.url },
          },
          flags: ['--autoplay-policy=no-user-gesture-required'],
        },
      );
    } finally {
      await fake.close();
    }
  });
});

describe.skipIf(!haveChromium)('playground in headless Chromium: an unreachable provider', () => {
  it('shows one connection toast with the latest attempt, not one per retry', async () => {
    const port = await closedPort();
    await withPlayground(
      async ({ browser, server }) => {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.locator('#provider[data-kind="openai"]').waitFor();
        await page.click('#connect');
        // two retries announced (each with its own delay), however they are shown
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll('#errors .toast[data-code="CONNECTION"] b')]
              .map((b) => Number(/×(\d+)/.exec(b.textContent ?? '')?.[1] ?? 1))
              .reduce((a, b) => a + b, 0) >= 2,
        );
        const toasts = page.locator('#errors .toast[data-code="CONNECTION"]');
        expect(await toasts.count()).toBe(1);
        expect(await toasts.locator('b').textContent()).toBe('CONNECTION ×2');
        expect(await toasts.textContent()).toMatch(/connection refused.*retrying in \d+ ms/);
      },
      {
        server: {
          provider: {
            kind: 'openai',
            apiKey: 'sk-browser-test-unreachable',
            model: 'gpt-realtime',
            baseUrl: `ws://127.0.0.1:${port}/v1`,
          },
        },
      },
    );
  });
});

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a provider outage that ends',
  () => {
    it('the outage toast says the connection is back once it is, and the next outage gets its own', async () => {
      const fake = await startFakeWsServer({ apiKey: 'sk-outage-test', pingIntervalMs: false });
      try {
        await withPlayground(
          async ({ browser, server }) => {
            const page = await browser.newPage();
            const outage = async (n: number) => {
              // the connection drops, and the first attempt to reconnect is refused
              fake.refuseUpgrades(503, 1);
              for (const socket of fake.sockets) socket.terminate();
              await page.locator('#link[data-state="reconnecting"]').waitFor();
              await page.locator('#link', { hasText: 'connected: reconnected' }).waitFor();
              expect(fake.handshakes).toHaveLength(1 + 2 * n);
            };
            await page.goto(server.url);
            await page.locator('#provider[data-kind="openai"]').waitFor();
            await page.click('#connect');
            await page.locator('#link[data-state="connected"]').waitFor();
            await outage(1);
            const toasts = page.locator('#errors .toast[data-code="CONNECTION"]');
            // no stale "retrying in … ms" left once the connection is back
            expect(await toasts.count()).toBe(1);
            // and the drop's cause is told in it, not in a SOCKET_CLOSED toast of its own
            expect(await page.locator('#errors .toast').count()).toBe(1);
            expect(await toasts.first().textContent()).toContain('the provider connection is back');
            expect(await toasts.first().textContent()).not.toContain('retrying in');
            await outage(2);
            // the second outage is told on its own, not counted into the first one's toast
            expect(await toasts.count()).toBe(2);
            // (the same outage twice: each toast counts its own messages)
            expect(await toasts.nth(1).locator('b').textContent()).toBe(
              await toasts.nth(0).locator('b').textContent(),
            );
            expect(await toasts.nth(1).textContent()).toContain('the provider connection is back');
            expect(await toasts.nth(0).textContent()).toContain('the provider connection is back');
          },
          {
            server: {
              provider: {
                kind: 'openai',
                apiKey: 'sk-outage-test',
                model: 'gpt-realtime',
                baseUrl: fake.url,
              },
            },
          },
        );
      } finally {
        await fake.close();
      }
    });
  },
);
