/**
 * The playground page: wires the server link, the microphone, the speaker and the panels.
 * Interruption is done here: when the person starts speaking (or presses push-to-talk), playback
 * stops and each cut assistant item is truncated at the milliseconds the worklet actually played.
 * @module
 */
import type {
  ApiInfo,
  FullSettings,
  PageMessage,
  ProviderInfo,
  ServerMessage,
} from '../shared/page-messages.js';
import { Microphone } from './audio/microphone.js';
import { Speaker } from './audio/speaker.js';
import { ServerLink } from './connection.js';
import { TruncationGate } from './truncation-gate.js';
import { byId } from './ui/dom.js';
import { ErrorToasts } from './ui/errors.js';
import { EventLogView } from './ui/event-log.js';
import { MetricsView } from './ui/metrics.js';
import { SettingsForm } from './ui/settings.js';
import type { MicMode } from './ui/settings.js';
import { ToolCallsView } from './ui/tools.js';
import { TranscriptView } from './ui/transcript.js';

/** Counters the end-to-end test (and a curious developer) can read from the console. */
const stats = {
  audioChunks: 0,
  playbackStarts: 0,
  truncations: [] as { itemId: string; audioEndMs: number }[],
  micChunks: 0,
};
(globalThis as { voxwirePlayground?: unknown }).voxwirePlayground = stats;

const ui = {
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
const toasts = new ErrorToasts(byId('errors', HTMLDivElement));
const transcript = new TranscriptView(byId('transcript', HTMLOListElement));
const tools = new ToolCallsView(byId('tool-calls', HTMLOListElement));
const metrics = new MetricsView(
  byId('metrics-table', HTMLTableElement).tBodies[0]!,
  byId('timeline', HTMLDivElement),
);
const log = new EventLogView(byId('log', HTMLOListElement));
const settings = new SettingsForm();

let link: ServerLink | null = null;
let speaker: Speaker | null = null;
let mic: Microphone | null = null;
/** The turn-taking mode the session runs with (the form's select may be ahead of it). */
let modeInEffect: MicMode = 'vad';
/** The microphone is being started (permission prompt, worklet loading): a press may come first. */
let micStarting = false;
let pttHeld = false;
/** Why the last session ended, kept on screen after teardown. */
let endNote: string | null = null;
/** Items cut by an interruption: late audio for them is dropped, never played. */
const interrupted = new Set<string>();
/**
 * Assistant audio items per response (the speaker learns when an item's audio is complete) and
 * truncations held until their response is over.
 */
const gate = new TruncationGate((request) => link?.send({ type: 'truncate', ...request }));

function note(summary: string): void {
  log.add({ at: Date.now(), direction: 'app', eventType: 'page', summary });
}

function showError(code: string, message: string, byCode = false): void {
  toasts.show(code, message, byCode);
  log.add({ at: Date.now(), direction: 'app', eventType: 'error', summary: `${code}: ${message}` });
}

function setConnected(connected: boolean): void {
  ui.connect.disabled = connected;
  ui.disconnect.disabled = !connected;
  for (const control of [ui.mic, ui.ptt, ui.commitTurn, ui.text, ui.send, ui.apply])
    control.disabled = !connected;
  if (!connected) {
    ui.link.dataset.state = endNote ? 'closed' : 'idle';
    ui.link.textContent = endNote ?? 'not connected';
  }
}

function showProvider(provider: ProviderInfo): void {
  ui.provider.dataset.kind = provider.kind;
  ui.provider.textContent = `${provider.label} · ${provider.model}`;
}

/** Stops playback and truncates every cut item at what was actually heard (0 ms → delete, done by the server). */
async function interruptPlayback(reason: string): Promise<void> {
  if (!speaker) return;
  const cut = await speaker.interrupt();
  for (const item of cut) {
    interrupted.add(item.itemId);
    stats.truncations.push({ itemId: item.itemId, audioEndMs: item.playedMs });
    note(
      `${reason}: playback stopped, ${item.itemId} heard ${item.playedMs} ms (${item.renderedMs} rendered − ${item.latencyMs} output latency) of ${item.receivedMs} ms received`,
    );
    gate.truncate({
      itemId: item.itemId,
      contentIndex: item.contentIndex,
      audioEndMs: item.playedMs,
    });
  }
}

/**
 * Fills the form with `defaults` (what a session starts with) and puts back what the person chose
 * on it: everything once the form has shown a session, only their edits before that.
 */
function showKeepingChoices(defaults: FullSettings): void {
  const chosen = settings.choices();
  settings.show(defaults);
  modeInEffect = settings.micMode;
  settings.restore(chosen);
}

function onServerMessage(message: ServerMessage): void {
  switch (message.type) {
    case 'hello': {
      showProvider(message.provider);
      settings.setTranscriptionAvailable(message.transcriptionAvailable);
      // The settings can be chosen before Connect (or kept from the last session): the new
      // session starts with the server's defaults, so ask it for what the form says rather than
      // silently flipping the form back to them (a push-to-talk mode back to server VAD while
      // the microphone would stream hands-free; a voice, instructions, tools the person set).
      showKeepingChoices(message.settings);
      if (settings.matches(message.settings)) modeInEffect = settings.micMode;
      else if (!applySettings())
        // unreadable (an out-of-range number, the error is shown): the session keeps its
        // defaults, and the form shows them, as after any refused update
        settings.show(message.settings);
      updateModeControls();
      break;
    }
    case 'link':
      ui.link.dataset.state = message.state;
      ui.link.textContent = message.detail ? `${message.state}: ${message.detail}` : message.state;
      if (message.state === 'reconnecting' || message.state === 'disconnected')
        // one toast per outage, showing its latest attempt, however many retries it takes
        showError('CONNECTION', message.detail ?? `provider connection ${message.state}`, true);
      // a turn being spoken when the connection dropped is heard again by the next server
      // (core replays it), under a new item: the old placeholder would wait forever
      if (message.state === 'disconnected') transcript.dropPending();
      if (message.state === 'closed') {
        // The realtime session is over (refused key, expiry, fatal error): free the microphone and
        // speaker, keep the reason on screen, and let the person connect again.
        endNote = ui.link.textContent;
        void teardown();
      }
      break;
    case 'log':
      log.add(message);
      break;
    case 'speech_started':
      transcript.speechStarted(message.itemId);
      void interruptPlayback('speech started');
      break;
    case 'speech_stopped':
      break;
    case 'committed':
      transcript.committed(message.itemId, message.transcribing);
      break;
    case 'input_cleared':
      transcript.dropPending();
      break;
    case 'user_transcript':
      transcript.userTranscript(message.itemId, message.text, message.final);
      break;
    case 'user_text':
      transcript.userText(message.itemId, message.text);
      break;
    case 'response_created':
      gate.responseCreated(message.responseId);
      break;
    case 'assistant_delta':
      transcript.assistantDelta(message.itemId, message.delta);
      break;
    case 'audio': {
      gate.audio(message.responseId, message.itemId);
      if (interrupted.has(message.itemId)) break;
      stats.audioChunks++;
      speaker?.enqueue(message.itemId, message.contentIndex, message.pcm16);
      break;
    }
    case 'response_done':
      for (const itemId of gate.itemsOf(message.responseId)) speaker?.end(itemId);
      gate.responseDone(message.responseId);
      break;
    case 'metrics':
      metrics.add(message);
      break;
    case 'tool_call':
      tools.call(message.callId, message.name, message.arguments);
      break;
    case 'tool_result':
      tools.result(message.callId, message.name, message.output, message.ok);
      break;
    case 'truncated':
      transcript.truncated(message.itemId, message.audioEndMs, message.deleted);
      break;
    case 'settings_applied':
      settings.show(message.settings);
      modeInEffect = settings.micMode;
      updateModeControls();
      break;
    case 'error':
      showError(message.code, message.message);
      break;
    case 'backlog_dropped':
      showError(
        'PAGE_BEHIND',
        `this page stopped reading for a while: ${message.audioChunks} audio chunks and ${message.logLines} log lines were not sent to it (an answer that lost audio stops there)`,
      );
      break;
  }
}

async function connect(): Promise<void> {
  endNote = null;
  ui.connect.disabled = true;
  ui.link.dataset.state = 'connecting';
  ui.link.textContent = 'connecting';
  try {
    // Created on the click, so the browser's autoplay policy lets it play.
    speaker = await Speaker.create();
    speaker.onPlayingChange = (playing) => {
      if (playing) stats.playbackStarts++;
      ui.playback.dataset.playing = String(playing);
      ui.playback.textContent = playing ? 'speaker playing' : 'speaker idle';
    };
    link = await ServerLink.open({
      onMessage: onServerMessage,
      onClose: (code, reason, clean) => {
        if (!clean)
          showError(
            'CONNECTION_LOST',
            `lost the connection to the playground server (${code}${reason ? `: ${reason}` : ''})`,
          );
        void teardown();
      },
    });
    // A new session starts clean: the panels showed the session that ended (a reconnect of the
    // provider connection inside a session keeps them, as it keeps the conversation).
    transcript.clear();
    tools.clear();
    metrics.clear();
    log.clear();
    note('new session');
    setConnected(true);
  } catch (error) {
    showError('CONNECT_FAILED', error instanceof Error ? error.message : String(error));
    await teardown();
  }
}

async function teardown(): Promise<void> {
  link?.close();
  link = null;
  const [m, s] = [mic, speaker];
  mic = null;
  speaker = null;
  ui.mic.textContent = 'Start microphone';
  ui.level.value = 0;
  await Promise.allSettled([m?.stop(), s?.close()]);
  interrupted.clear();
  gate.clear();
  // the link is gone: a result that comes now has no page to reach
  tools.abortPending('the session ended before the tool returned');
  setConnected(false);
}

/** Stops the running microphone and drops the unfinished turn it leaves in the server's buffer. */
async function stopMic(): Promise<void> {
  const m = mic;
  if (!m) return;
  mic = null;
  ui.mic.textContent = 'Start microphone';
  ui.level.value = 0;
  await m.stop();
  // A turn cut off by stopping the microphone must not linger in the server's input buffer.
  link?.send({ type: 'clear_input' });
}

async function toggleMic(): Promise<void> {
  if (mic) {
    await stopMic();
    return;
  }
  ui.mic.disabled = true;
  micStarting = true;
  const target = link;
  try {
    const started = await Microphone.start((pcm, level) => {
      ui.level.value = Math.min(1, level * 4);
      // Hands-free and detection off: everything goes to the server's input buffer.
      // Push-to-talk: only while the button is held.
      if (settings.micMode !== 'ptt' || pttHeld) {
        stats.micChunks++;
        link?.sendAudio(pcm);
      }
    }, onMicEnded);
    // the session ended (Disconnect, a refused key) while the permission prompt was open: let
    // the device go at once instead of capturing for nobody behind a disabled button
    if (!link || link !== target) {
      await started.stop();
      return;
    }
    mic = started;
    ui.mic.textContent = 'Stop microphone';
  } catch (error) {
    const name = error instanceof DOMException ? error.name : 'MIC_ERROR';
    showError(
      name,
      `microphone unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    micStarting = false;
    ui.mic.disabled = !link;
  }
}

/** The device went away (unplugged, permission withdrawn): say so and show the microphone off. */
function onMicEnded(): void {
  if (!mic) return;
  showError(
    'MIC_ENDED',
    'the microphone stopped delivering audio (device unplugged or permission withdrawn): start it again',
  );
  void stopMic();
}

function updateModeControls(): void {
  const mode = settings.micMode;
  ui.ptt.hidden = mode !== 'ptt';
  ui.commitTurn.hidden = mode !== 'off';
  settings.syncEnabled();
}

// the interruption in progress: a turn waits for it, then for the truncations it holds
let interrupting: Promise<void> = Promise.resolve();

/** Speaking over the answer, by hand: stop playback, cancel the response, then act. */
function interruptForTurn(reason: string): void {
  if (gate.anyActive) link?.send({ type: 'cancel' });
  interrupting = interruptPlayback(reason);
}

/**
 * Sends a turn (typed text, a committed spoken turn) once the interruption before it is
 * complete: the truncations go first, so the next answer is asked for with the cut answer
 * already cut to what was heard.
 */
function sendTurn(message: PageMessage): void {
  const target = link;
  if (!target) return;
  void interrupting.then(() =>
    gate.afterHeld(() => {
      if (link === target) target.send(message);
    }),
  );
}

/** Sends the form as a settings update; false when the form cannot be read (the error is shown). */
function applySettings(): boolean {
  try {
    link?.send({ type: 'settings', settings: settings.read() });
    return true;
  } catch (error) {
    showError('INVALID_SETTINGS', error instanceof Error ? error.message : String(error));
    return false;
  }
}

ui.connect.addEventListener('click', () => void connect());
ui.disconnect.addEventListener('click', () => void teardown());
ui.mic.addEventListener('click', () => void toggleMic());
ui.mode.addEventListener('change', () => {
  updateModeControls();
  // the mode is turn detection: push-to-talk turns it off
  if (applySettings() || !link) return;
  // Not sent (e.g. a VAD threshold out of range): the session keeps its mode, and so must the
  // page, or the microphone would stream hands-free to a server without detection (or the reverse).
  ui.mode.value = modeInEffect;
  updateModeControls();
});
ui.settingsForm.addEventListener('submit', (event) => {
  event.preventDefault();
  applySettings();
});
ui.textForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !link) return;
  interruptForTurn('typed message');
  sendTurn({ type: 'text', text });
  ui.text.value = '';
});
/**
 * Push-to-talk and Send turn commit what the microphone sent: with the microphone off the
 * buffer is empty, and the server's only answer would be "hold the button a little longer".
 */
function micMissing(what: string): boolean {
  if (mic || micStarting) return false;
  showError('MIC_OFF', `start the microphone first: ${what}`);
  return true;
}

ui.ptt.addEventListener('pointerdown', () => {
  if (!link || pttHeld) return;
  if (micMissing('push-to-talk sends what it hears while you hold the button')) return;
  pttHeld = true;
  ui.ptt.classList.add('active');
  interruptForTurn('push-to-talk');
  link.send({ type: 'ptt_start' });
});
const releasePtt = () => {
  if (!pttHeld) return;
  pttHeld = false;
  ui.ptt.classList.remove('active');
  sendTurn({ type: 'ptt_commit' });
};
ui.ptt.addEventListener('pointerup', releasePtt);
// Detection off: the microphone streams; this button ends the turn (commit + response).
ui.commitTurn.addEventListener('click', () => {
  if (!link) return;
  if (micMissing('Send turn sends what the microphone heard since the last turn')) return;
  interruptForTurn('turn sent');
  sendTurn({ type: 'ptt_commit' });
});
ui.ptt.addEventListener('pointerleave', releasePtt);
// Space held anywhere but in a text field is push-to-talk too.
const typing = (target: EventTarget | null) =>
  target instanceof HTMLInputElement ||
  target instanceof HTMLTextAreaElement ||
  target instanceof HTMLSelectElement;
document.addEventListener('keydown', (event) => {
  if (
    event.code !== 'Space' ||
    event.repeat ||
    typing(event.target) ||
    ui.ptt.hidden ||
    ui.ptt.disabled
  )
    return;
  event.preventDefault();
  ui.ptt.dispatchEvent(new PointerEvent('pointerdown'));
});
document.addEventListener('keyup', (event) => {
  if (event.code !== 'Space' || typing(event.target)) return;
  releasePtt();
});
ui.logFilter.addEventListener('input', () => log.setFilter(ui.logFilter.value));
ui.logDeltas.addEventListener('change', () => log.setShowDeltas(ui.logDeltas.checked));
ui.logClear.addEventListener('click', () => log.clear());

fetch('/api/info')
  .then(async (res) => {
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const info = (await res.json()) as ApiInfo;
    showProvider(info.provider);
    // the form shows what a session starts with, so what it says before Connect is what the
    // person will get (a blank form showed tools off and no transcription, both on)
    // (not over a session's settings, if Connect was quicker than this answer)
    if (settings.hasShown) return;
    settings.setTranscriptionAvailable(info.transcriptionAvailable);
    showKeepingChoices(info.settings);
    updateModeControls();
  })
  .catch((error: unknown) =>
    showError(
      'SERVER_UNREACHABLE',
      `cannot read /api/info: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
setConnected(false);
note('page loaded — press Connect');
