/**
 * What the browser test files share: Debian's Chromium through `playwright-core`, and the page
 * built into a directory of the calling file's own (test files run in parallel, and the page
 * build cleans its output directory: a shared one could vanish under another file's page).
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { build } from 'tsup';
import { pageBuild } from '../tsup.config.js';

/** Chromium's path: `CHROMIUM_PATH`, or Debian's. @default '/usr/bin/chromium' */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether Chromium is installed; the browser tests skip (loudly) without it. */
export const haveChromium = existsSync(CHROMIUM);

/** Prints the loud warning of a browser test file that skips for want of Chromium. */
export function warnWithoutChromium(what: string): void {
  if (haveChromium) return;
  console.warn(
    `\n*** SKIPPED ${what}: no Chromium at ${CHROMIUM}. ` +
      'Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH. CI installs it, so CI never skips. ***\n',
  );
}

/** Headless Chromium, quiet (no network beyond the page, no first-run work), plus `extra` flags. */
export function launchChromium(...extra: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extra,
    ],
  });
}

/** Flags that grant the microphone without a prompt and feed it the WAV file at `wav`. */
export function microphoneFrom(wav: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ];
}

/**
 * Builds the page's scripts into a fresh temporary directory and returns the `staticDirs` that
 * serve it (the app's `public/` first, for the HTML and CSS).
 */
export async function buildPageDirs(): Promise<string[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'voxwire-playground-page-'));
  await build({ ...pageBuild, silent: true, outDir });
  return [fileURLToPath(new URL('../public/', import.meta.url)), outDir];
}

/**
 * Bundles one test entry (`entry`, a URL of a `.ts` file) for a page, as a classic script with
 * every dependency inlined (the workspace packages from their sources, as the page build does),
 * into a fresh temporary directory; returns the script's text, for `page.addScriptTag`.
 */
export async function bundleScript(entry: URL): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'voxwire-test-bundle-'));
  try {
    await build({
      entry: { bundle: fileURLToPath(entry) },
      outDir,
      format: ['iife'],
      outExtension: () => ({ js: '.js' }),
      config: false,
      platform: 'browser',
      target: 'es2022',
      noExternal: [/.*/],
      esbuildOptions: (options) => {
        options.conditions = ['@voxwire/source', ...(options.conditions ?? [])];
      },
      silent: true,
      dts: false,
      sourcemap: false,
      splitting: false,
    });
    return await readFile(join(outDir, 'bundle.js'), 'utf8');
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
