/**
 * The microphone and the turn controls: Start/Stop microphone, push-to-talk (the button or the
 * space bar) and Send turn (turn detection off).
 * @module
 */
import { Microphone } from './audio/microphone.js';
import { settings, showError, state, stats, ui } from './context.js';
import { interruptForTurn, sendTurn } from './interruption.js';
import { microphoneErrorMessage } from './mic-errors.js';

/** Stops the running microphone and drops the unfinished turn it leaves in the server's buffer. */
export async function stopMic(): Promise<void> {
  const m = state.mic;
  if (!m) return;
  state.mic = null;
  ui.mic.textContent = 'Start microphone';
  ui.level.value = 0;
  await m.stop();
  // A turn cut off by stopping the microphone must not linger in the server's input buffer.
  state.link?.send({ type: 'clear_input' });
}

/** Starts the microphone, or stops it when it runs. */
export async function toggleMic(): Promise<void> {
  if (state.mic) {
    await stopMic();
    return;
  }
  ui.mic.disabled = true;
  state.micStarting = true;
  const target = state.link;
  try {
    const started = await Microphone.start((pcm, level) => {
      ui.level.value = Math.min(1, level * 4);
      // Hands-free and detection off: everything goes to the server's input buffer.
      // Push-to-talk: only while the button is held.
      if (settings.micMode !== 'ptt' || state.pttHeld) {
        stats.micChunks++;
        state.link?.sendAudio(pcm);
      }
    }, onMicEnded);
    // the session ended (Disconnect, a refused key) while the permission prompt was open: let
    // the device go at once instead of capturing for nobody behind a disabled button
    if (!state.link || state.link !== target) {
      await started.stop();
      return;
    }
    state.mic = started;
    ui.mic.textContent = 'Stop microphone';
  } catch (error) {
    const name = error instanceof DOMException ? error.name : 'MIC_ERROR';
    showError(name, microphoneErrorMessage(error));
  } finally {
    state.micStarting = false;
    ui.mic.disabled = !state.link;
  }
}

/** The device went away (unplugged, permission withdrawn): say so and show the microphone off. */
function onMicEnded(): void {
  if (!state.mic) return;
  showError(
    'MIC_ENDED',
    'the microphone stopped delivering audio (device unplugged or permission withdrawn): start it again',
  );
  void stopMic();
}

/**
 * Push-to-talk and Send turn commit what the microphone sent: with the microphone off the
 * buffer is empty, and the server's only answer would be "hold the button a little longer".
 */
function micMissing(what: string): boolean {
  if (state.mic || state.micStarting) return false;
  showError('MIC_OFF', `start the microphone first: ${what}`);
  return true;
}

/** Binds the microphone button, push-to-talk (button and space bar) and Send turn. */
export function bindTurnControls(): void {
  ui.mic.addEventListener('click', () => void toggleMic());
  ui.ptt.addEventListener('pointerdown', () => {
    const link = state.link;
    if (!link || state.pttHeld) return;
    if (micMissing('push-to-talk sends what it hears while you hold the button')) return;
    state.pttHeld = true;
    ui.ptt.classList.add('active');
    interruptForTurn('push-to-talk');
    link.send({ type: 'ptt_start' });
  });
  const releasePtt = () => {
    if (!state.pttHeld) return;
    state.pttHeld = false;
    ui.ptt.classList.remove('active');
    sendTurn({ type: 'ptt_commit' });
  };
  ui.ptt.addEventListener('pointerup', releasePtt);
  // Detection off: the microphone streams; this button ends the turn (commit + response).
  ui.commitTurn.addEventListener('click', () => {
    if (!state.link) return;
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
  // Space held while switching window or tab (Alt-Tab, Ctrl-Tab): its keyup goes to the other
  // window, so the turn would stay held, the microphone streaming into it while the person is
  // elsewhere, and the next press ignored. Leaving the page lets go of the key.
  window.addEventListener('blur', releasePtt);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') releasePtt();
  });
}
