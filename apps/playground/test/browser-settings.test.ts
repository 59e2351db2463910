/**
 * The playground in headless Chromium: settings and modes chosen on the page (before Connect,
 * kept from the last session, or refused by the server) against the embedded fake provider.
 * Skips loudly when Chromium is not installed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { withPlayground } from './browser-page.js';
import { haveChromium, warnWithoutChromium } from './chromium.js';

warnWithoutChromium('the settings browser test');

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a mode chosen before Connect',
  () => {
    it('push-to-talk chosen before connecting is applied to the new session, not flipped back', async () => {
      await withPlayground(async ({ browser, server }) => {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.locator('#provider[data-kind="fake"]').waitFor();
        await page.selectOption('#mode', 'ptt');
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        await page
          .locator('#log li', { hasText: '"turnDetection":null' })
          .first()
          .waitFor({ state: 'attached' });
        await page
          .locator('#log li', { hasText: 'session.updated' })
          .nth(1)
          .waitFor({ state: 'attached' });
        expect(await page.inputValue('#mode')).toBe('ptt');
        expect(await page.locator('#ptt').isHidden()).toBe(false);
      });
    });
  },
);

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: settings chosen before Connect',
  () => {
    it('voice, instructions and tools edited before connecting (or kept from the last session) are applied to the new session', async () => {
      const form = (page: Page) =>
        page.evaluate(() => ({
          voice: (document.getElementById('voice') as HTMLSelectElement).value,
          instructions: (document.getElementById('instructions') as HTMLTextAreaElement).value,
          tools: (document.getElementById('tools-enabled') as HTMLInputElement).checked,
          mode: (document.getElementById('mode') as HTMLSelectElement).value,
        }));
      const chosen = { voice: 'cedar', instructions: 'Answer like a pirate.', tools: false };
      await withPlayground(async ({ browser, server }) => {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.locator('#provider[data-kind="fake"]').waitFor();
        await page.selectOption('#voice', 'cedar');
        await page.fill('#instructions', chosen.instructions);
        await page.setChecked('#tools-enabled', false);
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        // the choices went out as an update, and the server answered it (core's own first
        // session.update is answered first)
        const update = () =>
          page
            .locator('#log li:has(.dir-client)', { hasText: 'session.update' })
            .filter({ hasText: '"voice":"cedar"' })
            .filter({ hasText: '"toolsEnabled":false' })
            .filter({ hasText: chosen.instructions });
        await update().first().waitFor({ state: 'attached' });
        await page
          .locator('#log li', { hasText: 'session.updated' })
          .nth(1)
          .waitFor({ state: 'attached' });
        expect(await update().count()).toBe(1);
        expect(await form(page)).toEqual({ ...chosen, mode: 'vad' });

        // kept from the last session: a new session gets them again, not the defaults
        await page.click('#disconnect');
        await page.locator('#connect:not([disabled])').waitFor();
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        await update().first().waitFor({ state: 'attached' });
        await page
          .locator('#log li', { hasText: 'session.updated' })
          .nth(1)
          .waitFor({ state: 'attached' });
        expect(await form(page)).toEqual({ ...chosen, mode: 'vad' });
      });
    });

    it('a page with nothing edited starts with the server defaults and sends no update', async () => {
      await withPlayground(async ({ browser, server }) => {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        await page
          .locator('#log li', { hasText: 'session.updated' })
          .first()
          .waitFor({ state: 'attached' });
        // a typed turn goes after any update the hello would have sent: none did
        await page.fill('#text', 'Hello');
        await page.click('#send');
        await page.locator('#transcript li.assistant').first().waitFor();
        expect(
          await page.locator('#log li:has(.dir-client)', { hasText: 'session.update' }).count(),
        ).toBe(0);
        expect(await page.inputValue('#voice')).toBe('marin');
        expect(await page.locator('#tools-enabled').isChecked()).toBe(true);
      });
    });
  },
);

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a mode change that cannot apply',
  () => {
    it('server VAD with an out-of-range threshold: the error is shown and the mode stays as in effect', async () => {
      await withPlayground(async ({ browser, server }) => {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        // typed in server VAD mode (never applied), then push-to-talk, then back
        await page.fill('#vad-threshold', '5');
        await page.selectOption('#mode', 'ptt');
        await page
          .locator('#log li', { hasText: 'session.updated' })
          .nth(1)
          .waitFor({ state: 'attached' });
        await page.selectOption('#mode', 'vad');
        await page.locator('#errors .toast[data-code="INVALID_SETTINGS"]').waitFor();
        expect(await page.inputValue('#mode')).toBe('ptt');
        expect(await page.locator('#ptt').isHidden()).toBe(false);
      });
    });
  },
);
