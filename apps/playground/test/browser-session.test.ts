/**
 * End to end in headless Chromium against the default (fake) provider: the real page, the real
 * server, a generated WAV as the microphone, one page through a whole session (each test goes on
 * from where the last one left the page). Skips loudly when Chromium is not installed.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import { startPlaygroundServer } from '../src/server/server.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { pageBuild } from '../tsup.config.js';
import { resultsDir, voiceWav, type PageStats } from './browser-page.js';
import { haveChromium, launchChromium, microphoneFrom, warnWithoutChromium } from './chromium.js';

const appDir = fileURLToPath(new URL('../', import.meta.url));

warnWithoutChromium('the playground browser test');

describe.skipIf(!haveChromium)('playground in headless Chromium (fake provider)', () => {
  let server: PlaygroundServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const wav = await voiceWav('voice.wav');
    // the one browser suite on the server's default static dirs (public/, dist/public/), as
    // `pnpm playground` serves them; the others serve a page built into a directory of their own
    await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
    server = await startPlaygroundServer({
      provider: { kind: 'fake' },
      factories: defaultProviderFactories,
    });
    browser = await launchChromium(
      ...microphoneFrom(wav),
      '--autoplay-policy=no-user-gesture-required',
    );
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // keeps each microphone stream reachable, so a test can end its track as a device would
    await page.addInitScript(() => {
      const media = navigator.mediaDevices;
      const original = media.getUserMedia.bind(media);
      media.getUserMedia = async (constraints) => {
        const stream = await original(constraints);
        (globalThis as unknown as { micStreams: MediaStream[] }).micStreams ??= [];
        (globalThis as unknown as { micStreams: MediaStream[] }).micStreams.push(stream);
        return stream;
      };
    });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const stats = () =>
    page.evaluate(
      () => (globalThis as unknown as { voxwirePlayground: PageStats }).voxwirePlayground,
    );

  const text = async (selector: string) =>
    (await page.locator(selector).first().textContent()) ?? '';

  it('connects and shows the live provider', async () => {
    await page.locator('#provider[data-kind="fake"]').waitFor();
    expect(await text('#provider')).toContain('Embedded fake server');
    await page.click('#connect');
    await page.locator('#link[data-state="connected"]').waitFor();
  });

  it('hears a spoken turn from the microphone (server VAD), commits and transcribes it', async () => {
    // the microphone is Chromium's fake device playing the generated WAV, resampled to 24 kHz in the worklet
    await page.click('#mic');
    await page
      .locator('#transcript li.user .tag', { hasText: 'you (voice)' })
      .first()
      .waitFor({ timeout: 20_000 });
    await page
      .locator('#transcript li.user .text', { hasText: 'seconds of audio' })
      .first()
      .waitFor();
    expect((await stats()).micChunks).toBeGreaterThan(10);
  });

  it("shows the answer's transcript and plays its audio", async () => {
    await page
      .locator('#transcript li.assistant .text', { hasText: 'You said:' })
      .first()
      .waitFor();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { voxwirePlayground: PageStats }).voxwirePlayground
          .playbackStarts > 0,
    );
    expect((await stats()).audioChunks).toBeGreaterThan(0);
  });

  it('truncates the answer at the milliseconds played when the next turn speaks over it', async () => {
    // the WAV loops: its next burst starts while the answer is still playing
    await page.locator('#transcript li.assistant.truncated').first().waitFor({ timeout: 20_000 });
    const s = await stats();
    expect(s.truncations.length).toBeGreaterThan(0);
    expect(await text('#transcript li.assistant.truncated .tag')).toMatch(
      /truncated at \d+ ms heard|item deleted/,
    );
    await page
      .locator('#log li', { hasText: 'conversation.item.truncate' })
      .first()
      .waitFor({ state: 'attached' });
    await page.click('#mic'); // microphone off for the rest
  });

  it('runs a tool for a typed question and shows its arguments and result', async () => {
    await page.fill('#text', 'What is the weather in Paris?');
    await page.click('#send');
    await page.locator('#tool-calls li .name', { hasText: 'get_weather()' }).waitFor();
    await page.locator('#tool-calls li .result.done').first().waitFor();
    expect(await text('#tool-calls li .result.done pre')).toContain('Paris');
    await page
      .locator('#transcript li.assistant .text', { hasText: 'Here is what I found' })
      .first()
      .waitFor();
  });

  it('typing over an answer cuts it at what was heard, and the typed turn is answered after the cut', async () => {
    await page.locator('#playback[data-playing="false"]').waitFor();
    const cut = () => page.locator('#transcript li.assistant.truncated').count();
    const cutBefore = await cut();
    await page.fill(
      '#text',
      'Please tell me a rather long story about the sea and the old ships on it',
    );
    await page.click('#send');
    await page.locator('#playback[data-playing="true"]').waitFor();
    await page.fill('#text', 'Stop, something else');
    await page.click('#send');
    // the server's interrupt (core's session.interrupt) reports the cut to the page
    await page.waitForFunction(
      (n) => document.querySelectorAll('#transcript li.assistant.truncated').length > n,
      cutBefore,
    );
    expect(await cut()).toBe(cutBefore + 1);
    expect(
      await page.locator('#transcript li.assistant.truncated .tag').last().textContent(),
    ).toMatch(/truncated at \d+ ms heard|item deleted/);
    await page
      .locator('#transcript li.assistant .text', { hasText: 'Stop, something else' })
      .first()
      .waitFor();
    await page.locator('#playback[data-playing="false"]').waitFor();
  });

  it('push-to-talk: turn detection off, the held turn is committed and answered', async () => {
    const userTurns = () =>
      page.locator('#transcript li.user .tag', { hasText: 'you (voice)' }).count();
    const turnsBefore = await userTurns();
    await page.selectOption('#mode', 'ptt'); // applies session.update with turn_detection: null
    await page
      .locator('#log li', { hasText: '"turnDetection":null' })
      .first()
      .waitFor({ state: 'attached' });
    await page
      .locator('#log li', { hasText: 'session.updated' })
      .nth(1)
      .waitFor({ state: 'attached' });
    await page.click('#mic');
    await page.locator('#ptt:not([hidden]):not([disabled])').waitFor();
    await page.dispatchEvent('#ptt', 'pointerdown');
    const chunksAtPress = (await stats()).micChunks;
    // hold for 25 chunks of 40 ms (1 s of audio), counted by the page, not by a timer
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as { voxwirePlayground: PageStats }).voxwirePlayground.micChunks >=
        n,
      chunksAtPress + 25,
    );
    await page.dispatchEvent('#ptt', 'pointerup');
    await page
      .locator('#log li', { hasText: 'input_audio_buffer.committed' })
      .nth(1)
      .waitFor({ state: 'attached' });
    const voiceTurns = (n: number) =>
      [...document.querySelectorAll('#transcript li.user .tag')].filter(
        (t) => t.textContent === 'you (voice)',
      ).length > n;
    await page.waitForFunction(voiceTurns, turnsBefore);
    await page.click('#mic');
    expect(await userTurns()).toBe(turnsBefore + 1);
    // ...and answered: the fourth response (VAD turn, tool call, tool answer, this one)
    await page.waitForFunction(
      () => document.querySelectorAll('#metrics-table tbody tr[data-response-id]').length >= 4,
    );
  });

  it('push-to-talk with the microphone off says to start it, instead of "hold the button longer"', async () => {
    expect(await text('#mic')).toBe('Start microphone'); // stopped by the test above
    const commits = () => page.locator('#log li', { hasText: 'push-to-talk released' }).count();
    const before = await commits();
    await page.dispatchEvent('#ptt', 'pointerdown');
    await page.dispatchEvent('#ptt', 'pointerup');
    const toast = page.locator('#errors .toast[data-code="MIC_OFF"]');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('start the microphone first');
    expect(await page.locator('#errors .toast[data-code="TOO_SHORT"]').count()).toBe(0);
    expect(await commits()).toBe(before);
    await toast.locator('button').click(); // dismissed: the screenshot below expects no toast
  });

  it('a microphone that stops on its own (device unplugged) is shown off, with the reason', async () => {
    await page.click('#mic');
    await page.locator('#mic', { hasText: 'Stop microphone' }).waitFor();
    const clears = () => page.locator('#log li', { hasText: 'microphone stopped' }).count();
    const before = await clears();
    // what Chrome does when the device goes away: the track ends and fires 'ended'
    await page.evaluate(() => {
      const streams = (globalThis as unknown as { micStreams: MediaStream[] }).micStreams;
      const track = streams.at(-1)!.getAudioTracks()[0]!;
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    const toast = page.locator('#errors .toast[data-code="MIC_ENDED"]');
    await toast.waitFor();
    await page.locator('#mic', { hasText: 'Start microphone' }).waitFor();
    // the unfinished turn is dropped from the server's buffer, as when the person stops it
    await page
      .locator('#log li', { hasText: 'microphone stopped' })
      .nth(before)
      .waitFor({ state: 'attached' });
    await toast.locator('button').click(); // dismissed: the screenshot below expects no toast
  });

  it('switches to semantic VAD: session.update goes out and the session.updated echo is logged', async () => {
    const echoes = () => page.locator('#log li', { hasText: 'session.updated' }).count();
    const before = await echoes();
    await page.selectOption('#mode', 'semantic'); // applies the whole form at once
    await page
      .locator('#log li', { hasText: '"turnDetection":{"type":"semantic_vad","eagerness":"auto"}' })
      .first()
      .waitFor({ state: 'attached' });
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('#log li')].filter((li) =>
          li.textContent?.includes('session.updated'),
        ).length > n,
      before,
    );
    // the form shows what the server applied: semantic VAD, its fieldset live, server VAD dimmed
    expect(await page.inputValue('#mode')).toBe('semantic');
    expect(await page.inputValue('#vad-eagerness')).toBe('auto');
    const fieldsetDisabled = (id: string) =>
      page.evaluate((i) => (document.getElementById(i) as HTMLFieldSetElement).disabled, id);
    expect(await fieldsetDisabled('semantic-vad')).toBe(false);
    expect(await fieldsetDisabled('server-vad')).toBe(true);
    expect(await page.locator('#ptt').isHidden()).toBe(true);
    expect(await page.locator('#commit-turn').isHidden()).toBe(true);
    expect(await page.inputValue('#transcription-model')).toBe('whisper-1');
    expect(await page.inputValue('#noise-reduction')).toBe('');
  });

  it('fills the metrics panel and draws the timeline', async () => {
    // the spoken turn, the tool call, and the answer about its result
    await page.waitForFunction(
      () => document.querySelectorAll('#metrics-table tbody tr[data-response-id]').length >= 3,
    );
    // a tool-only response has no first token ('—'); the spoken ones have one
    expect(
      await page
        .locator('#metrics-table tbody tr[data-response-id] td.ttft', {
          hasText: /\d+ ms|\d\.\d+ s/,
        })
        .count(),
    ).toBeGreaterThan(0);
    expect(
      await page.locator('#timeline svg circle[data-kind="first_audio"]').count(),
    ).toBeGreaterThan(0);
  });

  it('filters the event log', async () => {
    await page.fill('#log-filter', 'response.done');
    expect(await page.locator('#log li:visible').count()).toBeGreaterThan(0);
    expect(await page.locator('#log li:visible', { hasNotText: 'response.done' }).count()).toBe(0);
    await page.fill('#log-filter', '');
  });

  it('shows a refused event to the person (voice change after audio) and puts the form back', async () => {
    await page.selectOption('#voice', 'cedar');
    await page.click('#apply');
    await page.locator('#errors .toast[data-code="cannot_update_voice"]').waitFor();
    expect(await text('#errors .toast[data-code="cannot_update_voice"]')).toContain(
      "Cannot update a conversation's voice",
    );
    await page.waitForFunction(
      () => (document.getElementById('voice') as HTMLSelectElement).value === 'marin',
    );
  });

  it('saves a screenshot, with no error in the console', async () => {
    await page.screenshot({ path: `${resultsDir}playground.png`, fullPage: true });
    expect(consoleErrors).toEqual([]);
    // the only error shown is the refusal provoked above: every truncation was accepted
    expect(
      await page.locator('#errors .toast:not([data-code="cannot_update_voice"])').allTextContents(),
    ).toEqual([]);
  });

  it('a new session starts with empty panels: no tool call, response or log line of the last one', async () => {
    expect(await page.locator('#tool-calls li.call').count()).toBeGreaterThan(0);
    await page.click('#disconnect');
    await page.locator('#connect:not([disabled])').waitFor();
    await page.click('#connect');
    await page.locator('#link[data-state="connected"]').waitFor();
    expect(await page.locator('#tool-calls li.call').count()).toBe(0);
    expect(await text('#tool-calls')).toContain('No tool calls yet.');
    expect(await page.locator('#metrics-table tbody tr[data-response-id]').count()).toBe(0);
    expect(await text('#metrics-table tbody')).toContain('No responses yet.');
    expect(await page.locator('#timeline svg').count()).toBe(0);
    expect(await page.locator('#log li', { hasText: 'response.done' }).count()).toBe(0);
    expect(await page.locator('#transcript li').count()).toBe(0);
  });

  it('tells the person the server was stopped (its 1001), not that the connection was lost', async () => {
    await server.close();
    const toast = page.locator('#errors .toast[data-code="SERVER_STOPPED"]');
    await toast.waitFor();
    await page.locator('#connect:not([disabled])').waitFor();
    // what to do: a stopped playground comes back on a new free port unless --port was given
    expect(await toast.textContent()).toMatch(
      /was stopped.*start it again.*open the URL it prints/i,
    );
    expect(await page.locator('#errors .toast[data-code="CONNECTION_LOST"]').count()).toBe(0);
  });
});
