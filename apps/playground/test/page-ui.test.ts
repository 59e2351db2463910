/**
 * The page's panels in headless Chromium, driven directly (no server): bounds and clean-up that
 * would take hundreds of real responses through the whole playground. Skips loudly when Chromium
 * is not installed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LANES, MAX_ROWS } from '../src/page/ui/metrics.js';
import type { MetricsView as MetricsViewClass } from '../src/page/ui/metrics.js';
import type { TranscriptView as TranscriptViewClass } from '../src/page/ui/transcript.js';
import { bundleScript, haveChromium, launchChromium, warnWithoutChromium } from './chromium.js';

warnWithoutChromium('the page panel test');

describe.skipIf(!haveChromium)('page panels in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const bundle = await bundleScript(new URL('./page-ui/entry.ts', import.meta.url));
    browser = await launchChromium();
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
