/**
 * The playground in headless Chromium: the microphone as the person meets it (a permission
 * prompt answered late, push-to-talk held while leaving the window, a refused microphone) and a
 * tool still running when the session ends. Skips loudly when Chromium is not installed.
 */
import { describe, expect, it } from 'vitest';
import { createDemoTools } from '../src/server/demo-tools.js';
import { voiceWav, withPlayground, type PageStats } from './browser-page.js';
import { haveChromium, microphoneFrom, warnWithoutChromium } from './chromium.js';

warnWithoutChromium('the microphone browser test');

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a tool still running when the session ends',
  () => {
    it('shows the call as aborted, not "running…" forever', async () => {
      // a weather tool that answers only when the test says so: it is still running at Disconnect
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const [weather, time] = createDemoTools();
      await withPlayground(
        async ({ browser, server }) => {
          try {
            const page = await browser.newPage();
            await page.goto(server.url);
            await page.click('#connect');
            await page.locator('#link[data-state="connected"]').waitFor();
            await page.fill('#text', 'What is the weather in Paris?');
            await page.click('#send');
            await page.locator('#tool-calls li .result.pending').waitFor();
            await page.click('#disconnect');
            await page.locator('#connect:not([disabled])').waitFor();
            await page.locator('#tool-calls li .result.aborted').waitFor();
            expect(await page.locator('#tool-calls li .result.pending').count()).toBe(0);
            expect(await page.textContent('#tool-calls li .result.aborted')).toContain(
              'the session ended',
            );
          } finally {
            release();
          }
        },
        {
          server: {
            tools: [
              {
                ...weather!,
                async execute(args) {
                  await released;
                  return weather!.execute(args);
                },
              },
              time!,
            ],
          },
        },
      );
    });
  },
);

describe.skipIf(!haveChromium)('playground in headless Chromium: the microphone prompt', () => {
  it('a session ended while the permission prompt is open lets the microphone go', async () => {
    const wav = await voiceWav('voice-prompt.wav');
    await withPlayground(
      async ({ browser, server }) => {
        const page = await browser.newPage();
        // the person answers the prompt only when the test says so; every track handed out is kept
        await page.addInitScript(() => {
          const g = globalThis as unknown as {
            tracks: MediaStreamTrack[];
            answerPrompt: () => void;
          };
          g.tracks = [];
          const answered = new Promise<void>((resolve) => (g.answerPrompt = resolve));
          const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
          navigator.mediaDevices.getUserMedia = async (constraints) => {
            await answered;
            const stream = await original(constraints);
            g.tracks.push(...stream.getTracks());
            return stream;
          };
        });
        await page.goto(server.url);
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        await page.click('#mic');
        await page.click('#disconnect');
        await page.locator('#connect:not([disabled])').waitFor();
        await page.evaluate(() =>
          (globalThis as unknown as { answerPrompt(): void }).answerPrompt(),
        );
        // the microphone was granted after the session ended: its tracks are stopped at once
        await page.waitForFunction(() => {
          const tracks = (globalThis as unknown as { tracks: MediaStreamTrack[] }).tracks;
          return tracks.length > 0 && tracks.every((t) => t.readyState === 'ended');
        });
        expect(await page.textContent('#mic')).toBe('Start microphone');
      },
      { flags: microphoneFrom(wav) },
    );
  });
});

describe.skipIf(!haveChromium)('playground in headless Chromium: leaving the page', () => {
  it('push-to-talk held on the space bar is released when the window loses focus (its keyup never comes)', async () => {
    const wav = await voiceWav('voice-blur.wav');
    await withPlayground(
      async ({ browser, server }) => {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.locator('#provider[data-kind="fake"]').waitFor();
        await page.selectOption('#mode', 'ptt');
        await page.click('#connect');
        await page.locator('#link[data-state="connected"]').waitFor();
        await page.click('#mic');
        await page.locator('#mic', { hasText: 'Stop microphone' }).waitFor();
        await page.locator('#ptt:not([hidden]):not([disabled])').waitFor();
        // the person holds Space, then switches to another window or tab (Alt-Tab, Ctrl-Tab): the
        // page never sees the key go up
        await page.locator('body').focus();
        await page.keyboard.down('Space');
        await page.locator('#ptt.active').waitFor();
        const micChunks = () =>
          (globalThis as unknown as { voxwirePlayground: PageStats }).voxwirePlayground.micChunks;
        const chunksAtPress = await page.evaluate(micChunks);
        await page.waitForFunction(
          (n) =>
            (globalThis as unknown as { voxwirePlayground: PageStats }).voxwirePlayground
              .micChunks >= n,
          chunksAtPress + 10,
        );
        await page.evaluate(() => window.dispatchEvent(new Event('blur')));
        // released at once: the turn held so far is committed, and the microphone no longer
        // streams into it while the person is elsewhere
        expect(await page.locator('#ptt.active').count()).toBe(0);
        await page
          .locator('#log li', { hasText: 'push-to-talk released' })
          .first()
          .waitFor({ state: 'attached' });
        const chunksAtRelease = await page.evaluate(micChunks);
        await page.locator('#log li', { hasText: 'input_audio_buffer.committed' }).first().waitFor({
          state: 'attached',
        });
        expect(await page.evaluate(micChunks)).toBe(chunksAtRelease);
      },
      { flags: microphoneFrom(wav) },
    );
  });
});

describe.skipIf(!haveChromium)('playground in headless Chromium: the microphone refused', () => {
  it('says in plain words what to do when the browser refuses the microphone', async () => {
    await withPlayground(async ({ browser, server }) => {
      const page = await browser.newPage();
      // what Chromium answers when the person (or a site setting) blocks the microphone
      await page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () =>
          Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      });
      await page.goto(server.url);
      await page.click('#connect');
      await page.locator('#link[data-state="connected"]').waitFor();
      await page.click('#mic');
      const toast = page.locator('#errors .toast[data-code="NotAllowedError"]');
      await toast.waitFor();
      expect(await toast.textContent()).toContain('allow the microphone for this page');
      expect(await page.textContent('#mic')).toBe('Start microphone');
      expect(await page.locator('#mic').isDisabled()).toBe(false);
    });
  });
});
