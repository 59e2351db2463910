/**
 * `input_audio_buffer.*` and `output_audio_buffer.clear`: appends with the 15 MiB limit, manual
 * commit (100 ms minimum), clear, the server/semantic VAD turn cycle, the idle timeout, and
 * input transcription (protocol.md §7.5, §7.6).
 * @module
 */
import {
  base64DecodedLength,
  base64ToBytes,
  MAX_APPEND_BYTES,
  MIN_COMMIT_MS,
} from '@voxwire/protocol';
import { decodeSamples, sampleRateOf } from './audio-codec.js';
import type { FakeConnection, HeardAudio } from './connection.js';
import { Errors } from './error-catalog.js';
import type { CommittedAudio, VadSettings } from './input-audio.js';
import { sessionValue } from './session-config.js';
import { isObject, type JsonObject } from './wire.js';

/** Silence that ends a turn under semantic VAD, by eagerness (a deterministic stand-in for the model). */
export const SEMANTIC_SILENCE_MS = { low: 1_000, medium: 500, auto: 500, high: 250 } as const;

/** The connection's VAD settings (`undefined` with turn detection off). */
export function vadOf(
  conn: FakeConnection,
): (VadSettings & { create: boolean; interrupt: boolean }) | undefined {
  const td = sessionValue(conn.session, 'audio.input.turn_detection');
  if (!isObject(td)) return undefined;
  const semantic = td['type'] === 'semantic_vad';
  const eagerness = String(td['eagerness'] ?? 'auto') as keyof typeof SEMANTIC_SILENCE_MS;
  return {
    threshold: typeof td['threshold'] === 'number' ? td['threshold'] : 0.5,
    prefixPaddingMs: typeof td['prefix_padding_ms'] === 'number' ? td['prefix_padding_ms'] : 300,
    silenceDurationMs: semantic
      ? (SEMANTIC_SILENCE_MS[eagerness] ?? 500)
      : typeof td['silence_duration_ms'] === 'number'
        ? td['silence_duration_ms']
        : 200,
    create: td['create_response'] !== false,
    interrupt: td['interrupt_response'] !== false,
  };
}

function inputFormat(conn: FakeConnection): string {
  return String(sessionValue(conn.session, 'audio.input.format.type') ?? 'audio/pcm');
}

/** Handles audio buffer events (and the internal idle-timeout tick); returns false for other types. */
export function handleAudioEvent(
  conn: FakeConnection,
  event: JsonObject,
  eventId: string | null,
): boolean {
  switch (event['type']) {
    case 'input_audio_buffer.append':
      append(conn, event, eventId);
      return true;
    case 'input_audio_buffer.commit': {
      if (conn.input.bufferedMs < MIN_COMMIT_MS) {
        conn.error(Errors.commitEmpty(conn.input.bufferedMs, eventId));
        return true;
      }
      const itemId = conn.pendingSpeechItemId ?? conn.host.newId('item');
      conn.pendingSpeechItemId = undefined;
      commitTurn(conn, itemId, conn.input.commit());
      return true;
    }
    case 'input_audio_buffer.clear':
      conn.input.clear();
      conn.pendingSpeechItemId = undefined;
      conn.emit({ type: 'input_audio_buffer.cleared' });
      return true;
    case 'output_audio_buffer.clear':
      // a WebRTC/SIP event (protocol.md §7.4): the WebSocket server lists it among the types it
      // does not take (§7.9), so a client waiting for `cleared` here would wait forever there
      if (conn.audioPath === 'media') conn.outputAudio.clear();
      else conn.error(Errors.unknownType('output_audio_buffer.clear', eventId, conn.dialect));
      return true;
    case '__idle_timeout':
      idleTimeout(conn);
      return true;
    default:
      return false;
  }
}

function append(conn: FakeConnection, event: JsonObject, eventId: string | null): void {
  const audio = event['audio'];
  if (typeof audio !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(audio)) {
    conn.error(Errors.invalidAudio(eventId));
    return;
  }
  const size = base64DecodedLength(audio);
  if (size > MAX_APPEND_BYTES) {
    conn.error(Errors.appendTooLarge(size, MAX_APPEND_BYTES, eventId));
    return;
  }
  const format = inputFormat(conn);
  const samples = decodeSamples(base64ToBytes(audio), format);
  const rate = sampleRateOf(format);
  // the VAD works on 24 kHz timelines; G.711 input (8 kHz) is repeated ×3, which keeps times exact
  hearInputAudio(conn, rate === 24_000 ? samples : upsample3(samples));
}

/**
 * PCM16 at 24 kHz entering the input buffer, from an append or a WebRTC call's microphone
 * track (which carries no event): the VAD hears it, starts and ends turns, commits and answers.
 */
export function hearInputAudio(conn: FakeConnection, timeline: Int16Array): void {
  const vad = vadOf(conn);
  for (const signal of conn.input.append(timeline, vad)) {
    if (signal.kind === 'speech_started') {
      conn.clearIdleTimer();
      const itemId = conn.host.newId('item');
      conn.pendingSpeechItemId = itemId;
      conn.emit({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: signal.audioStartMs,
        item_id: itemId,
      });
      if (vad?.interrupt) {
        conn.active?.cancel('turn_detected');
        // over WebRTC the server also cuts what it is playing, whether or not that response is
        // still generating (it usually is not: generation runs ahead of playback), §7.5
        conn.outputAudio.clear();
      }
    } else {
      const itemId = conn.pendingSpeechItemId ?? conn.host.newId('item');
      conn.pendingSpeechItemId = undefined;
      conn.emit({
        type: 'input_audio_buffer.speech_stopped',
        audio_end_ms: signal.audioEndMs,
        item_id: itemId,
      });
      commitTurn(conn, itemId, conn.input.commit(signal.audioStartMs, signal.audioEndMs));
      if (vad?.create && !conn.transcriptionOnly) answerTurn(conn);
    }
  }
}

// The VAD answers a turn unless a response is in progress (one it did not interrupt: with
// `interrupt_response` a response this turn's speech cancelled ended at speech_started).
function answerTurn(conn: FakeConnection): void {
  if (!conn.active) conn.responses.start('vad', {}, null);
}

function upsample3(samples: Int16Array): Int16Array {
  const out = new Int16Array(samples.length * 3);
  for (let i = 0; i < samples.length; i++) out.fill(samples[i] ?? 0, i * 3, i * 3 + 3);
  return out;
}

function idleTimeout(conn: FakeConnection): void {
  if (!conn.open || conn.active || conn.transcriptionOnly) return;
  // the timer was armed under the session of that moment: a session.update since may have
  // turned detection off (push-to-talk) or cleared idle_timeout_ms, and then nothing is automatic
  const ms = sessionValue(conn.session, 'audio.input.turn_detection.idle_timeout_ms');
  if (typeof ms !== 'number' || ms <= 0) return;
  const itemId = conn.host.newId('item');
  const end = conn.input.totalMs;
  const start = end - conn.input.bufferedMs;
  conn.emit({
    type: 'input_audio_buffer.timeout_triggered',
    audio_start_ms: start,
    audio_end_ms: end,
    item_id: itemId,
  });
  commitTurn(conn, itemId, conn.input.commit(), false);
  conn.responses.start('idle_timeout', {}, null);
}

/**
 * Commits audio as a user item: committed → item added/done → transcription (if configured).
 * `spoken`: whether the audio is a turn the user spoke (false for the idle timeout's commit of a
 * silent user, which takes no scripted transcription).
 */
export function commitTurn(
  conn: FakeConnection,
  itemId: string,
  audio: CommittedAudio,
  spoken = true,
): void {
  const item: JsonObject = {
    id: itemId,
    type: 'message',
    status: 'completed',
    role: 'user',
    content: [{ type: 'input_audio', transcript: null }],
  };
  const placed = conn.conversation.insert({ item, audio: audio.samples, sampleRate: 24_000 });
  const previous = placed ? placed.previousItemId : null;
  conn.emit({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
  conn.emit({
    type: 'conversation.item.added',
    previous_item_id: previous,
    item: structuredClone(item),
  });
  conn.emit({
    type: 'conversation.item.done',
    previous_item_id: previous,
    item: structuredClone(item),
  });
  const heard = conn.host.hear(audio.samples, 24_000, itemId, spoken);
  conn.heard.set(itemId, heard);
  const stored = conn.conversation.get(itemId);
  if (stored) stored.heard = heard;
  const transcription = sessionValue(conn.session, 'audio.input.transcription');
  if (!isObject(transcription)) return;
  const delay = conn.host.transcriptionDelayMs;
  // the real transcription runs beside the response and may finish after it (§7.6)
  if (delay > 0) conn.schedule(() => transcribe(conn, itemId, audio, heard), delay);
  else transcribe(conn, itemId, audio, heard);
}

function transcribe(
  conn: FakeConnection,
  itemId: string,
  audio: CommittedAudio,
  heard: HeardAudio,
): void {
  if (!conn.open) return;
  if ('fail' in heard) {
    conn.emit({
      type: 'conversation.item.input_audio_transcription.failed',
      item_id: itemId,
      content_index: 0,
      error: {
        type: 'transcription_error',
        code: 'audio_unintelligible',
        message: 'The audio could not be transcribed.',
        param: null,
      },
    });
    return;
  }
  const pieces = splitInto(heard.text, deltaCountOf(conn));
  const withLogprobs = includes(conn, 'item.input_audio_transcription.logprobs');
  for (const delta of pieces) {
    conn.emit({
      type: 'conversation.item.input_audio_transcription.delta',
      item_id: itemId,
      content_index: 0,
      delta,
      ...(withLogprobs ? { logprobs: logprobsOf(delta) } : {}),
    });
  }
  const audioTokens = Math.ceil((audio.endMs - audio.startMs) / 100);
  const textTokens = Math.ceil(heard.text.length / 4);
  const stored = conn.conversation.get(itemId);
  if (stored) stored.item['content'] = [{ type: 'input_audio', transcript: heard.text }];
  conn.emit({
    type: 'conversation.item.input_audio_transcription.completed',
    item_id: itemId,
    content_index: 0,
    transcript: heard.text,
    ...(withLogprobs ? { logprobs: logprobsOf(heard.text) } : {}),
    usage: {
      type: 'tokens',
      total_tokens: audioTokens + textTokens,
      input_tokens: audioTokens,
      input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
      output_tokens: textTokens,
    },
  });
}

// whether the session's `include` asks for `value` (protocol.md §4.3)
function includes(conn: FakeConnection, value: string): boolean {
  const include = sessionValue(conn.session, 'include');
  return Array.isArray(include) && include.includes(value);
}

/**
 * The `logprobs` of a transcript piece (protocol.md §4.3: `[{token, logprob, bytes}]`): one
 * entry per word with its leading space, so the tokens join back into the text, each with the
 * near-certain log-probability of a scripted transcript and the token's UTF-8 bytes.
 */
function logprobsOf(text: string): JsonObject[] {
  const encoder = new TextEncoder();
  return (text.match(/\s*\S+|\s+/g) ?? []).map((token) => ({
    token,
    logprob: -0.01,
    bytes: [...encoder.encode(token)],
  }));
}

/** Deltas per transcript: the option's, else whisper-1's one delta or the streaming models' three (§7.6). */
function deltaCountOf(conn: FakeConnection): number {
  const given = conn.host.transcriptionDeltaCount;
  if (given !== undefined) return given;
  const model = sessionValue(conn.session, 'audio.input.transcription.model');
  return model === 'whisper-1' ? 1 : 3;
}

function splitInto(text: string, count: number): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  if (words.length === 0) return [];
  const n = Math.max(1, Math.min(count, words.length));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      words
        .slice(Math.floor((i * words.length) / n), Math.floor(((i + 1) * words.length) / n))
        .join(''),
    );
  }
  return out;
}
