/**
 * What to tell the person when the microphone cannot be started: the browser's own messages
 * ("Permission denied", "Requested device not found") say what went wrong but not what to do.
 * @module
 */

/** The browser's reasons (`DOMException.name` from `getUserMedia`) in plain words, with the way out. */
const ADVICE: Readonly<Record<string, string>> = {
  NotAllowedError:
    'the browser refused the microphone: allow the microphone for this page (the icon in the address bar, or the site settings), then press Start microphone again',
  SecurityError:
    'the browser refused the microphone: allow the microphone for this page (the icon in the address bar, or the site settings), then press Start microphone again',
  NotFoundError: 'no microphone was found: plug one in, then press Start microphone again',
  NotReadableError:
    'the microphone could not be opened: another application may be using it, or the system blocks it',
  AbortError:
    'the microphone could not be opened: another application may be using it, or the system blocks it',
};

/** The message shown for a failed microphone start; the browser's own text stays at the end. */
export function microphoneErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return `microphone unavailable: ${String(error)}`;
  const advice = ADVICE[error.name];
  if (!advice) return `microphone unavailable: ${error.message}`;
  return `${advice} (${error.message || error.name})`;
}
