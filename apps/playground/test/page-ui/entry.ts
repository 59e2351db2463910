/**
 * Bundled for a blank page by `page-ui.test.ts`: the page's panels alone, without the server or
 * the rest of the page, so a test can drive them directly in Chromium.
 */
import { MetricsView } from '../../src/page/ui/metrics.js';
import { TranscriptView } from '../../src/page/ui/transcript.js';

(globalThis as unknown as { voxwireUi: unknown }).voxwireUi = { MetricsView, TranscriptView };
