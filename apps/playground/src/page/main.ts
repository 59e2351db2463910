/**
 * The playground page: wires the server link, the speaker, the settings form and the panels, and
 * turns the server's messages into what the page shows. Shared state is in `context.ts`,
 * interruption in `interruption.ts`, the microphone and turn controls in `microphone-control.ts`.
 * @module
 */
import type {
  ApiInfo,
  FullSettings,
  ProviderInfo,
  ServerMessage,
} from '../shared/page-messages.js';
import { PAGE_TOO_SLOW_CODE } from '../shared/page-messages.js';
import { Speaker } from './audio/speaker.js';
import { ServerLink } from './connection.js';
import {
  log,
  metrics,
  note,
  settings,
  showError,
  state,
  stats,
  toasts,
  tools,
  transcript,
  ui,
} from './context.js';
import { answers, interruptForSpeech, interruptForTurn, sendTurn } from './interruption.js';
import { bindTurnControls } from './microphone-control.js';

function setConnected(connected: boolean): void {
  ui.connect.disabled = connected;
  ui.disconnect.disabled = !connected;
  for (const control of [ui.mic, ui.ptt, ui.commitTurn, ui.text, ui.send, ui.apply])
    control.disabled = !connected;
  if (!connected) {
    ui.link.dataset.state = state.endNote ? 'closed' : 'idle';
    ui.link.textContent = state.endNote ?? 'not connected';
  }
}

function showProvider(provider: ProviderInfo): void {
  ui.provider.dataset.kind = provider.kind;
  ui.provider.textContent = `${provider.label} · ${provider.model}`;
}

/**
 * Fills the form with `defaults` (what a session starts with) and puts back what the person chose
 * on it: everything once the form has shown a session, only their edits before that.
 */
function showKeepingChoices(defaults: FullSettings): void {
  const chosen = settings.choices();
  settings.show(defaults);
  state.modeInEffect = settings.micMode;
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
      if (settings.matches(message.settings)) state.modeInEffect = settings.micMode;
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
      // the outage is over: its toast says so (not "retrying in 500 ms" while all is well), and
      // the next outage gets a toast of its own
      if (message.state === 'connected')
        toasts.settle('CONNECTION', 'the provider connection is back (reconnected)');
      // a turn being spoken when the connection dropped is heard again by the next server
      // (core replays it), under a new item: the old placeholder would wait forever
      if (message.state === 'disconnected') transcript.dropPending();
      if (message.state === 'closed') {
        // The realtime session is over (refused key, expiry, fatal error): free the microphone and
        // speaker, keep the reason on screen, and let the person connect again.
        state.endNote = ui.link.textContent;
        void teardown();
      }
      break;
    case 'log':
      log.add(message);
      break;
    case 'speech_started':
      transcript.speechStarted(message.itemId);
      interruptForSpeech();
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
      answers.created(message.responseId);
      break;
    case 'assistant_delta':
      transcript.assistantDelta(message.itemId, message.delta);
      break;
    case 'audio': {
      if (!answers.audio(message.responseId, message.itemId)) break;
      stats.audioChunks++;
      state.speaker?.enqueue(message.itemId, message.contentIndex, message.pcm16);
      break;
    }
    case 'response_done':
      for (const itemId of answers.done(message.responseId)) state.speaker?.end(itemId);
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
      state.modeInEffect = settings.micMode;
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

/** The close code of a server that is stopping (as opposed to one that crashed: 1006). */
const GOING_AWAY = 1001;

/** The server closed the page's socket without the page asking: says why, and what to do. */
function showLinkLoss(code: number, reason: string): void {
  if (code === PAGE_TOO_SLOW_CODE) {
    // the server is fine: it dropped this page, which had stopped reading (a frozen tab)
    showError(
      'PAGE_TOO_SLOW',
      'the playground server ended this session: this page stopped reading its messages for too long (a frozen or background tab). Press Connect to start a new one',
    );
    return;
  }
  // stopped on purpose (Ctrl-C: it closes with 1001) or crashed (1006): without --port it comes
  // back on another free port, so Connect on this page cannot find it again
  if (code === GOING_AWAY) {
    showError(
      'SERVER_STOPPED',
      'the playground server was stopped. Start it again (pnpm playground) and open the URL it prints',
    );
    return;
  }
  showError(
    'CONNECTION_LOST',
    `lost the connection to the playground server (${code}${reason ? `: ${reason}` : ''}): it was stopped or it crashed. Start it again (pnpm playground) and open the URL it prints`,
  );
}

async function connect(): Promise<void> {
  state.endNote = null;
  ui.connect.disabled = true;
  ui.link.dataset.state = 'connecting';
  ui.link.textContent = 'connecting';
  try {
    // Created on the click, so the browser's autoplay policy lets it play.
    const speaker = await Speaker.create();
    state.speaker = speaker;
    speaker.onPlayingChange = (playing) => {
      if (playing) stats.playbackStarts++;
      ui.playback.dataset.playing = String(playing);
      ui.playback.textContent = playing ? 'speaker playing' : 'speaker idle';
    };
    state.link = await ServerLink.open({
      onMessage: onServerMessage,
      onClose: (code, reason, clean) => {
        if (!clean) showLinkLoss(code, reason);
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
  state.link?.close();
  state.link = null;
  const [m, s] = [state.mic, state.speaker];
  state.mic = null;
  state.speaker = null;
  ui.mic.textContent = 'Start microphone';
  ui.level.value = 0;
  await Promise.allSettled([m?.stop(), s?.close()]);
  answers.clear();
  // the link is gone: a result that comes now has no page to reach
  tools.abortPending('the session ended before the tool returned');
  transcript.endPending('the session ended');
  setConnected(false);
}

function updateModeControls(): void {
  const mode = settings.micMode;
  ui.ptt.hidden = mode !== 'ptt';
  ui.commitTurn.hidden = mode !== 'off';
  settings.syncEnabled();
}

/** Sends the form as a settings update; false when the form cannot be read (the error is shown). */
function applySettings(): boolean {
  try {
    state.link?.send({ type: 'settings', settings: settings.read() });
    return true;
  } catch (error) {
    showError('INVALID_SETTINGS', error instanceof Error ? error.message : String(error));
    return false;
  }
}

ui.connect.addEventListener('click', () => void connect());
ui.disconnect.addEventListener('click', () => void teardown());
bindTurnControls();
ui.mode.addEventListener('change', () => {
  updateModeControls();
  // the mode is turn detection: push-to-talk turns it off
  if (applySettings() || !state.link) return;
  // Not sent (e.g. a VAD threshold out of range): the session keeps its mode, and so must the
  // page, or the microphone would stream hands-free to a server without detection (or the reverse).
  ui.mode.value = state.modeInEffect;
  updateModeControls();
});
ui.settingsForm.addEventListener('submit', (event) => {
  event.preventDefault();
  applySettings();
});
ui.textForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !state.link) return;
  interruptForTurn('typed message');
  sendTurn({ type: 'text', text });
  ui.text.value = '';
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
