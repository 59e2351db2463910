/**
 * What the playground's browser test files share besides the Chromium launcher (chromium.ts):
 * the page's stats, a generated WAV as the microphone, and a playground server serving a page
 * built for the calling file.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { defaultProviderFactories } from '../src/server/default-providers.js';
import { startPlaygroundServer } from '../src/server/server.js';
import type { PlaygroundServer, PlaygroundServerOptions } from '../src/server/server.js';
import { buildPageDirs, launchChromium } from './chromium.js';
import { voiceBurstWav } from './wav.js';

/** Where the browser tests leave their WAVs and screenshot (git-ignored). */
export const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));

/** What the page exposes as `globalThis.voxwirePlayground` for tests. */
export interface PageStats {
  audioChunks: number;
  playbackStarts: number;
  micChunks: number;
  truncations: { itemId: string; audioEndMs: number }[];
}

/**
 * Writes 1 s of voice then 1.5 s of silence (Chromium's fake device loops it) as `name` in
 * {@link resultsDir}; returns its path. Each file names its own, as the files run in parallel.
 */
export async function voiceWav(name: string): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const wav = `${resultsDir}${name}`;
  await writeFile(wav, voiceBurstWav({ voiceMs: 1000, silenceMs: 1500 }));
  return wav;
}

// built once per test file, into a directory of its own: the page build cleans its output
// directory, so files sharing dist/public while running in parallel could lose each other's page
let pageDirs: Promise<string[]> | undefined;

/**
 * Starts a playground server serving the page built for this file, with the embedded fake
 * provider unless `options` says otherwise.
 */
export async function startTestPlayground(
  options: Partial<PlaygroundServerOptions> = {},
): Promise<PlaygroundServer> {
  pageDirs ??= buildPageDirs();
  return startPlaygroundServer({
    provider: { kind: 'fake' },
    factories: defaultProviderFactories,
    staticDirs: await pageDirs,
    ...options,
  });
}

/** Options of {@link withPlayground}. */
export interface WithPlaygroundOptions {
  /**
   * Options of the playground server.
   * @default the embedded fake provider
   */
  readonly server?: Partial<PlaygroundServerOptions>;
  /**
   * Extra Chromium flags (a microphone, the autoplay policy).
   * @default []
   */
  readonly flags?: readonly string[];
}

/**
 * Runs `test` with a playground server ({@link startTestPlayground}) and a fresh Chromium; the
 * browser and the server are closed whatever happens: also when Chromium does not launch or
 * does not close (a server left listening keeps the test run from ending).
 */
export async function withPlayground(
  test: (context: { browser: Browser; server: PlaygroundServer }) => Promise<void>,
  options: WithPlaygroundOptions = {},
): Promise<void> {
  const server = await startTestPlayground(options.server);
  try {
    const browser = await launchChromium(...(options.flags ?? []));
    try {
      await test({ browser, server });
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}
