/**
 * A VAD turn still open when `assertComplete` runs. Its scripted transcription and response wait
 * for the turn to end, so "1 queued response(s) never used" alone sends the reader looking for a
 * missing answer; the usual cause is too little silence for the session's `silence_duration_ms`
 * (a `@voxwire/core` session asks for 500 ms, the server's own default is 200 ms).
 * @module
 */
import type { FakeConnection } from './connection.js';
import { vadOf } from './handlers-audio.js';

/** What `assertComplete` says of `conn`'s open VAD turn, or `undefined` when none is open. */
export function describeOpenTurn(conn: FakeConnection): string | undefined {
  if (!conn.open || !conn.input.speaking) return undefined;
  const vad = vadOf(conn);
  if (!vad) return undefined;
  const item = conn.pendingSpeechItemId ? ` (item ${conn.pendingSpeechItemId})` : '';
  return `connection ${conn.index}: a VAD turn is still open${item}: speech started at ${conn.input.speechStartMs} ms of input audio and was followed by ${conn.input.silenceRunMs} ms of silence, but the session's turn detection ends a turn after ${vad.silenceDurationMs} ms of silence (its silence_duration_ms, or semantic_vad's eagerness): send more silence, e.g. speechThenSilence(speechMs, ${vad.silenceDurationMs + 100})`;
}
