/**
 * End to end in headless Chromium against the default (fake) provider: the real page, the real
 * server, a generated WAV as the microphone. Skips loudly when Chromium is not installed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { closedPort, startFakeWsServer } from '@voxwire/testing/ws';
import type { Browser, Page } from 'playwright-core';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import { createDemoTools } from '../src/server/demo-tools.js';
import { startPlaygroundServer } from '../src/server/server.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { pageBuild } from '../tsup.config.js';
import { haveChromium, launchChromium, microphoneFrom, warnWithoutChromium } from './chromium.js';
import { voiceBurstWav } from './wav.js';

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const appDir = fileURLToPath(new URL('../', import.meta.url));

warnWithoutChromium('the playground browser test');

interface PageStats {
  audioChunks: number;
  playbackStarts: number;
  micChunks: number;
  truncations: { itemId: string; audioEndMs: number }[];
}

/**
 * Builds the page, serves it with the embedded fake provider and runs `test` with a fresh
 * Chromium; the browser and the server are closed whatever happens.
 */
async function withFakePlayground(
  test: (context: {
    browser: Awaited<ReturnType<typeof launchChromium>>;
    server: Awaited<ReturnType<typeof startPlaygroundServer>>;
  }) => Promise<void>,
): Promise<void> {
  await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
  const server = await startPlaygroundServer({
    provider: { kind: 'fake' },
    factories: defaultProviderFactories,
  });
  const browser = await launchChromium();
  try {
    await test({ browser, server });
  } finally {
    await browser.close();
    await server.close();
  }
}

describe.skipIf(!haveChromium)('playground in headless Chromium (fake provider)', () => {
  let server: PlaygroundServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(resultsDir, { recursive: true });
    const wav = `${resultsDir}voice.wav`;
    await writeFile(wav, voiceBurstWav({ voiceMs: 1000, silenceMs: 1500 }));
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

  it('shows a lost connection to the person', async () => {
    await server.close();
    const toast = page.locator('#errors .toast[data-code="CONNECTION_LOST"]');
    await toast.waitFor();
    await page.locator('#connect:not([disabled])').waitFor();
    // what to do: a stopped playground comes back on a new free port unless --port was given
    expect(await toast.textContent()).toMatch(/start it again.*open the URL it prints/i);
  });
});

describe.skipIf(!haveChromium)('playground in headless Chromium: a refused API key', () => {
  it('shows the refusal to the person and never gives the page the key', async () => {
    const key = 'sk-browser-test-WRONGKEY-000000';
    const fake = await startFakeWsServer({ apiKey: 'sk-the-right-key', pingIntervalMs: false });
    const server = await startPlaygroundServer({
      provider: { kind: 'openai', apiKey: key, model: 'gpt-realtime', baseUrl: fake.url },
      factories: defaultProviderFactories,
    });
    const browser = await launchChromium('--autoplay-policy=no-user-gesture-required');
    try {
      const page = await browser.newPage();
      const frames: string[] = [];
      page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
      await page.goto(server.url);
      await page.locator('#provider[data-kind="openai"]').waitFor();
      await page.click('#connect');
      const toast = page.locator('#errors .toast', { hasText: /API key/i }).first();
      await toast.waitFor();
      await page.locator('#link[data-state="closed"]').waitFor();
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.filter((f) => f.includes(key) || f.includes('WRONGKEY'))).toEqual([]);
      expect(await page.content()).not.toContain('WRONGKEY');
    } finally {
      await browser.close();
      await server.close();
      await fake.close();
    }
  });
});

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a mode chosen before Connect',
  () => {
    it('push-to-talk chosen before connecting is applied to the new session, not flipped back', async () => {
      await withFakePlayground(async ({ browser, server }) => {
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
      await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
      const server = await startPlaygroundServer({
        provider: { kind: 'fake' },
        factories: defaultProviderFactories,
      });
      const browser = await launchChromium();
      const form = (page: Page) =>
        page.evaluate(() => ({
          voice: (document.getElementById('voice') as HTMLSelectElement).value,
          instructions: (document.getElementById('instructions') as HTMLTextAreaElement).value,
          tools: (document.getElementById('tools-enabled') as HTMLInputElement).checked,
          mode: (document.getElementById('mode') as HTMLSelectElement).value,
        }));
      const chosen = { voice: 'cedar', instructions: 'Answer like a pirate.', tools: false };
      try {
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
      } finally {
        await browser.close();
        await server.close();
      }
    });

    it('a page with nothing edited starts with the server defaults and sends no update', async () => {
      await withFakePlayground(async ({ browser, server }) => {
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
      await withFakePlayground(async ({ browser, server }) => {
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

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a tool still running when the session ends',
  () => {
    it('shows the call as aborted, not "running…" forever', async () => {
      await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
      // a weather tool that answers only when the test says so: it is still running at Disconnect
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const [weather, time] = createDemoTools();
      const server = await startPlaygroundServer({
        provider: { kind: 'fake' },
        factories: defaultProviderFactories,
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
      });
      const browser = await launchChromium();
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
        await browser.close();
        await server.close();
      }
    });
  },
);

describe.skipIf(!haveChromium)('playground in headless Chromium: an unreachable provider', () => {
  it('shows one connection toast with the latest attempt, not one per retry', async () => {
    await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
    const port = await closedPort();
    const server = await startPlaygroundServer({
      provider: {
        kind: 'openai',
        apiKey: 'sk-browser-test-unreachable',
        model: 'gpt-realtime',
        baseUrl: `ws://127.0.0.1:${port}/v1`,
      },
      factories: defaultProviderFactories,
    });
    const browser = await launchChromium();
    try {
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
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe.skipIf(!haveChromium)('playground in headless Chromium: the microphone prompt', () => {
  it('a session ended while the permission prompt is open lets the microphone go', async () => {
    await mkdir(resultsDir, { recursive: true });
    const wav = `${resultsDir}voice-prompt.wav`;
    await writeFile(wav, voiceBurstWav({ voiceMs: 1000, silenceMs: 1500 }));
    await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
    const server = await startPlaygroundServer({
      provider: { kind: 'fake' },
      factories: defaultProviderFactories,
    });
    const browser = await launchChromium(...microphoneFrom(wav));
    try {
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
      await page.evaluate(() => (globalThis as unknown as { answerPrompt(): void }).answerPrompt());
      // the microphone was granted after the session ended: its tracks are stopped at once
      await page.waitForFunction(() => {
        const tracks = (globalThis as unknown as { tracks: MediaStreamTrack[] }).tracks;
        return tracks.length > 0 && tracks.every((t) => t.readyState === 'ended');
      });
      expect(await page.textContent('#mic')).toBe('Start microphone');
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe.skipIf(!haveChromium)('playground in headless Chromium: leaving the page', () => {
  it('push-to-talk held on the space bar is released when the window loses focus (its keyup never comes)', async () => {
    await mkdir(resultsDir, { recursive: true });
    const wav = `${resultsDir}voice-blur.wav`;
    await writeFile(wav, voiceBurstWav({ voiceMs: 1000, silenceMs: 1500 }));
    await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
    const server = await startPlaygroundServer({
      provider: { kind: 'fake' },
      factories: defaultProviderFactories,
    });
    const browser = await launchChromium(...microphoneFrom(wav));
    try {
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
          (globalThis as unknown as { voxwirePlayground: PageStats }).voxwirePlayground.micChunks >=
          n,
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
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe.skipIf(!haveChromium)(
  'playground in headless Chromium: a provider outage that ends',
  () => {
    it('the outage toast says the connection is back once it is, and the next outage gets its own', async () => {
      await build({ ...pageBuild, silent: true, outDir: `${appDir}dist/public` });
      const fake = await startFakeWsServer({ apiKey: 'sk-outage-test', pingIntervalMs: false });
      const server = await startPlaygroundServer({
        provider: {
          kind: 'openai',
          apiKey: 'sk-outage-test',
          model: 'gpt-realtime',
          baseUrl: fake.url,
        },
        factories: defaultProviderFactories,
      });
      const browser = await launchChromium();
      const outage = async (n: number) => {
        // the connection drops, and the first attempt to reconnect is refused
        fake.refuseUpgrades(503, 1);
        for (const socket of fake.sockets) socket.terminate();
        await page.locator('#link[data-state="reconnecting"]').waitFor();
        await page.locator('#link', { hasText: 'connected: reconnected' }).waitFor();
        expect(fake.handshakes).toHaveLength(1 + 2 * n);
      };
      const page = await browser.newPage();
      try {
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
      } finally {
        await browser.close();
        await server.close();
        await fake.close();
      }
    });
  },
);

describe.skipIf(!haveChromium)('playground in headless Chromium: the microphone refused', () => {
  it('says in plain words what to do when the browser refuses the microphone', async () => {
    await withFakePlayground(async ({ browser, server }) => {
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
