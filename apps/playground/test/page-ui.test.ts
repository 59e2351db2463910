/**
 * The page's panels in headless Chromium, driven directly (no server): bounds and clean-up that
 * would take hundreds of real responses through the whole playground. Skips loudly when Chromium
 * is not installed.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LANES, MAX_ROWS } from '../src/page/ui/metrics.js';
import type { MetricsView as MetricsViewClass } from '../src/page/ui/metrics.js';
import type { TranscriptView as TranscriptViewClass } from '../src/page/ui/transcript.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium) {
  console.warn(
    `\n*** SKIPPED the page panel test: no Chromium at ${CHROMIUM}. ` +
      'Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH. CI installs it, so CI never skips. ***\n',
  );
}

describe.skipIf(!haveChromium)('page panels in headless Chromium', () => {
  const outDir = join(tmpdir(), `voxwire-page-ui-${process.pid}`);
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await build({
      entry: { ui: fileURLToPath(new URL('./page-ui/entry.ts', import.meta.url)) },
      outDir,
      format: ['iife'],
      outExtension: () => ({ js: '.js' }),
      config: false,
      platform: 'browser',
      target: 'es2022',
      noExternal: [/.*/],
      silent: true,
      dts: false,
      sourcemap: false,
      splitting: false,
    });
    const bundle = await readFile(join(outDir, 'ui.js'), 'utf8');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setContent(
      '<!doctype html><title>panels</title>' +
        '<table id="metrics-table"><tbody><tr class="empty"><td>No responses yet.</td></tr></tbody></table>' +
        '<div id="timeline"></div><ol id="transcript"></ol>',
    );
    await page.addScriptTag({ content: bundle });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('the responses table keeps the newest MAX_ROWS rows, as the timeline keeps its lanes', async () => {
    const total = MAX_ROWS + 25;
    const shown = await page.evaluate((count) => {
      const { MetricsView } = (
        globalThis as unknown as {
          voxwireUi: { MetricsView: typeof MetricsViewClass };
        }
      ).voxwireUi;
      const table = document.getElementById('metrics-table') as HTMLTableElement;
      const view = new MetricsView(table.tBodies[0]!, document.getElementById('timeline')!);
      for (let i = 0; i < count; i++)
        view.add({
          type: 'metrics',
          responseId: `resp_${String(i).padStart(4, '0')}`,
          status: 'completed',
          ttftMs: 100,
          durationMs: 500,
          tokens: { input: 1, output: 2, total: 3 },
          timeline: [{ atMs: 0, kind: 'created' }],
        });
      const rows = [...table.tBodies[0]!.rows].map((r) => r.dataset.responseId ?? '');
      return { rows, lanes: document.querySelectorAll('#timeline svg rect').length };
    }, total);
    expect(shown.rows).toHaveLength(MAX_ROWS);
    // newest first, the oldest dropped
    expect(shown.rows[0]).toBe(`resp_${String(total - 1).padStart(4, '0')}`);
    expect(shown.rows.at(-1)).toBe(`resp_${String(total - MAX_ROWS).padStart(4, '0')}`);
    expect(shown.lanes).toBe(MAX_LANES);
    expect(pageErrors).toEqual([]);
  });

  it('a session that ends leaves no user turn "speaking" or "transcribing…" for good', async () => {
    const shown = await page.evaluate(() => {
      const { TranscriptView } = (
        globalThis as unknown as {
          voxwireUi: { TranscriptView: typeof TranscriptViewClass };
        }
      ).voxwireUi;
      const list = document.getElementById('transcript') as HTMLOListElement;
      const view = new TranscriptView(list);
      // one turn transcribed in part, one committed with nothing heard yet, one still spoken
      view.committed('item_a', true);
      view.userTranscript('item_a', 'what is the wea', false);
      view.committed('item_b', true);
      view.speechStarted('item_c');
      view.endPending('the session ended');
      return {
        pending: list.querySelectorAll('li.pending').length,
        turns: [...list.querySelectorAll('li')].map((li) => li.textContent),
      };
    });
    expect(shown.pending).toBe(0);
    expect(shown.turns).toEqual([
      'you (voice)what is the wea … (transcription cut off: the session ended)',
      'you (voice)(no transcript: the session ended)',
    ]);
  });
});
