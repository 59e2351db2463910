/**
 * What the page's modules share: its elements, its panels, the live session's objects (link,
 * speaker, microphone) and two helpers that report to the person.
 * @module
 */
import type { Microphone } from './audio/microphone.js';
import type { Speaker } from './audio/speaker.js';
import type { ServerLink } from './connection.js';
import { byId } from './ui/dom.js';
import { ErrorToasts } from './ui/errors.js';
import { EventLogView } from './ui/event-log.js';
import { MetricsView } from './ui/metrics.js';
import { SettingsForm } from './ui/settings.js';
import type { MicMode } from './ui/settings.js';
import { ToolCallsView } from './ui/tools.js';
import { TranscriptView } from './ui/transcript.js';

/** Counters the end-to-end test (and a curious developer) can read from the console. */
export const stats = {
  audioChunks: 0,
  playbackStarts: 0,
  truncations: [] as { itemId: string; audioEndMs: number }[],
  micChunks: 0,
};
(globalThis as { voxwirePlayground?: unknown }).voxwirePlayground = stats;

/** The page's controls (index.html). */
export const ui = {
  connect: byId('connect', HTMLButtonElement),
  disconnect: byId('disconnect', HTMLButtonElement),
  provider: byId('provider', HTMLDivElement),
  link: byId('link', HTMLDivElement),
  mic: byId('mic', HTMLButtonElement),
  ptt: byId('ptt', HTMLButtonElement),
  commitTurn: byId('commit-turn', HTMLButtonElement),
  mode: byId('mode', HTMLSelectElement),
  level: byId('level', HTMLMeterElement),
  playback: byId('playback', HTMLSpanElement),
  textForm: byId('text-form', HTMLFormElement),
  text: byId('text', HTMLInputElement),
  send: byId('send', HTMLButtonElement),
  settingsForm: byId('settings', HTMLFormElement),
  apply: byId('apply', HTMLButtonElement),
  logFilter: byId('log-filter', HTMLInputElement),
  logDeltas: byId('log-deltas', HTMLInputElement),
  logClear: byId('log-clear', HTMLButtonElement),
};

/** The page's panels. */
export const toasts = new ErrorToasts(byId('errors', HTMLDivElement));
export const transcript = new TranscriptView(byId('transcript', HTMLOListElement));
export const tools = new ToolCallsView(byId('tool-calls', HTMLOListElement));
export const metrics = new MetricsView(
  byId('metrics-table', HTMLTableElement).tBodies[0]!,
  byId('timeline', HTMLDivElement),
);
export const log = new EventLogView(byId('log', HTMLOListElement));
export const settings = new SettingsForm();

/** The live session's objects and the page's turn state. */
export const state = {
  link: null as ServerLink | null,
  speaker: null as Speaker | null,
  mic: null as Microphone | null,
  /** The turn-taking mode the session runs with (the form's select may be ahead of it). */
  modeInEffect: 'vad' as MicMode,
  /** The microphone is being started (permission prompt, worklet loading): a press may come first. */
  micStarting: false,
  pttHeld: false,
  /** Why the last session ended, kept on screen after teardown. */
  endNote: null as string | null,
};

/** Adds a page line to the event log. */
export function note(summary: string): void {
  log.add({ at: Date.now(), direction: 'app', eventType: 'page', summary });
}

/** Shows an error toast (one per code when `byCode`) and logs it. */
export function showError(code: string, message: string, byCode = false): void {
  toasts.show(code, message, byCode);
  log.add({ at: Date.now(), direction: 'app', eventType: 'error', summary: `${code}: ${message}` });
}
