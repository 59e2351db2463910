/**
 * The playground in headless Chromium as a newcomer meets it: what the page says when things go
 * wrong on the first tries. Skips loudly when Chromium is not installed.
 */
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import type { ProviderFactories } from '../src/server/provider.js';
import { startPlaygroundServer } from '../src/server/server.js';
import { PAGE_TOO_SLOW_CODE } from '../src/shared/page-messages.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { buildPageDirs, haveChromium, launchChromium, warnWithoutChromium } from './chromium.js';

warnWithoutChromium('the newcomer browser test');

describe.skipIf(!haveChromium)('playground in headless Chromium, as a newcomer meets it', () => {
  let staticDirs: string[];
  let browser: Browser;
  const servers: PlaygroundServer[] = [];

  beforeAll(async () => {
    staticDirs = await buildPageDirs();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  async function open(factories: ProviderFactories = defaultProviderFactories): Promise<Page> {
    const server = await startPlaygroundServer({
      provider: { kind: 'fake' },
      factories,
      staticDirs,
    });
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('#provider[data-kind="fake"]').waitFor();
    return page;
  }

  it('a session that cannot start is one toast that says what to do, not a lost connection too', async () => {
    const page = await open({
      ...defaultProviderFactories,
      fake: () => {
        throw new Error('the fake server could not be created');
      },
    });
    await page.click('#connect');
    const toast = page.locator('#errors .toast[data-code="SESSION_START_FAILED"]');
    await toast.waitFor();
    // the page is back where a new try starts
    await page.locator('#connect:not([disabled])').waitFor();
    expect(await page.locator('#errors .toast').count()).toBe(1);
    const said = await toast.textContent();
    expect(said).toContain('the fake server could not be created');
    expect(said).toMatch(/press Connect to try again/i);
    // the header keeps the reason, as for any session that ended
    expect(await page.getAttribute('#link', 'data-state')).toBe('closed');
    expect(await page.textContent('#link')).toContain('could not start');
    expect(await page.locator('#disconnect').isDisabled()).toBe(true);
  });

  /** Connects through a stand-in for the server's socket, which closes it with `code` once open. */
  async function closedBy(code: number, reason: string): Promise<Page> {
    const page = await open();
    let socket: WebSocketRoute | undefined;
    await page.routeWebSocket(/\/ws$/, (ws) => {
      socket = ws;
    });
    await page.click('#connect');
    // open on the page's side (Disconnect is live): now the "server" closes it
    await page.locator('#disconnect:not([disabled])').waitFor();
    await socket!.close({ code, reason });
    await page.locator('#errors .toast').first().waitFor();
    await page.locator('#connect:not([disabled])').waitFor();
    return page;
  }

  it('a server that went away: the toast says to start it again and open the URL it prints', async () => {
    const page = await closedBy(1011, 'gone');
    const toast = page.locator('#errors .toast[data-code="CONNECTION_LOST"]');
    expect(await toast.textContent()).toMatch(
      /\(1011: gone\).*start it again \(pnpm playground\) and open the URL it prints/i,
    );
  });

  it('a page the server gave up for not reading (4008) is told so, not that the server is gone', async () => {
    const page = await closedBy(PAGE_TOO_SLOW_CODE, 'the page stopped reading its messages');
    expect(await page.locator('#errors .toast').count()).toBe(1);
    const toast = page.locator('#errors .toast[data-code="PAGE_TOO_SLOW"]');
    expect(await toast.textContent()).toMatch(/stopped reading.*press Connect/i);
    expect(await toast.textContent()).not.toMatch(/start it again/i);
  });
});
