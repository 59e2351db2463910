/**
 * `conversation.item.create/delete/retrieve/truncate` (protocol.md §7.3, §7.7): client or
 * server ids, `previous_item_id` (`root` = start), the real errors for unknown ids (with the
 * client's `event_id` echoed), and truncation of assistant audio only.
 * @module
 */
import { base64ToBytes, bytesToBase64 } from '@voxwire/protocol';
import { atWireRate, decodeSamples, encodeSamples, sampleRateOf } from './audio-codec.js';
import type { FakeConnection } from './connection.js';
import type { StoredItem } from './conversation.js';
import { Errors } from './error-catalog.js';
import { sessionValue } from './session-config.js';
import { clone, isObject, type JsonObject } from './wire.js';

/** Handles item events; returns false for other types. */
export function handleItemEvent(
  conn: FakeConnection,
  event: JsonObject,
  eventId: string | null,
): boolean {
  switch (event['type']) {
    case 'conversation.item.create':
      create(conn, event, eventId);
      return true;
    case 'conversation.item.delete': {
      const id = String(event['item_id']);
      if (!conn.conversation.delete(id)) conn.error(Errors.itemNotFound('item_id', id, eventId));
      else conn.emit({ type: 'conversation.item.deleted', item_id: id });
      return true;
    }
    case 'conversation.item.retrieve': {
      const id = String(event['item_id']);
      const stored = conn.conversation.get(id);
      if (!stored) {
        conn.error(Errors.itemNotFound('item_id', id, eventId));
        return true;
      }
      const item = clone(stored.item);
      // retrieve is the one place the server hands audio back, in the session's format of its
      // direction (the model's output format, else the input format), as a client decodes it
      const part = Array.isArray(item['content']) ? item['content'][0] : undefined;
      if (stored.audio && isObject(part)) {
        const format = formatOf(conn, item['role'] === 'assistant' ? 'output' : 'input');
        const samples = atWireRate(stored.audio, stored.sampleRate ?? 24_000, sampleRateOf(format));
        part['audio'] = bytesToBase64(encodeSamples(samples, format));
      }
      conn.emit({ type: 'conversation.item.retrieved', item });
      return true;
    }
    case 'conversation.item.truncate':
      truncate(conn, event, eventId);
      return true;
    default:
      return false;
  }
}

function create(conn: FakeConnection, event: JsonObject, eventId: string | null): void {
  const item = isObject(event['item']) ? clone(event['item']) : undefined;
  if (!item) {
    conn.error(Errors.missingParameter('item', eventId));
    return;
  }
  const id = typeof item['id'] === 'string' && item['id'] ? item['id'] : conn.host.newId('item');
  if (conn.conversation.get(id)) {
    conn.error(Errors.duplicateItemId(id, eventId));
    return;
  }
  const previous = event['previous_item_id'];
  if (typeof previous === 'string' && previous !== 'root' && !conn.conversation.get(previous)) {
    conn.error(Errors.previousItemNotFound(previous, eventId));
    return;
  }
  if (item['type'] === 'function_call_output') {
    const callId = String(item['call_id'] ?? '');
    // a read: copying every item per output made a long tool-using soak quadratic
    const known = conn.conversation.some(
      (i) => i['type'] === 'function_call' && i['call_id'] === callId,
    );
    if (!known) {
      conn.error(Errors.callIdNotFound(callId, eventId));
      return;
    }
  }
  let audio: Int16Array | undefined;
  // item audio is read in the session's input format (G.711 is 8 kHz, one byte per sample)
  const inputFormat = formatOf(conn, 'input');
  const content = Array.isArray(item['content']) ? item['content'] : [];
  for (const [i, part] of content.entries()) {
    if (!isObject(part)) continue;
    if (
      part['type'] === 'output_audio' &&
      item['role'] === 'assistant' &&
      typeof part['text'] !== 'string' &&
      typeof part['transcript'] !== 'string'
    ) {
      conn.error(Errors.missingParameter(`item.content[${i}].text`, eventId));
      return;
    }
    if (part['type'] === 'input_audio' && typeof part['audio'] === 'string') {
      audio = decodeSamples(base64ToBytes(part['audio']), inputFormat);
      delete part['audio'];
      if (part['transcript'] === undefined) part['transcript'] = null;
    }
  }
  const stored: JsonObject = { ...item, id, status: 'completed' };
  if (stored['type'] === undefined) stored['type'] = 'message';
  const placed = conn.conversation.insert(
    { item: stored, audio, sampleRate: sampleRateOf(inputFormat) },
    typeof previous === 'string' ? previous : undefined,
  );
  if (audio !== undefined && stored['role'] === 'user') hearItem(conn, id, audio, inputFormat);
  const prev = placed ? placed.previousItemId : null;
  conn.emit({ type: 'conversation.item.added', previous_item_id: prev, item: clone(stored) });
  conn.emit({ type: 'conversation.item.done', previous_item_id: prev, item: clone(stored) });
}

/**
 * The model hears a user audio item as it hears a committed turn (`transcribe`, or nothing): its
 * words are what `ctx.userText` gives a behaviour, as a real model answers the audio it is sent.
 * No transcription event follows (the server transcribes what it commits from the buffer), no
 * scripted transcription is taken (those are the spoken turns'), and an item the client gave a
 * transcript keeps it.
 */
function hearItem(
  conn: FakeConnection,
  itemId: string,
  audio: Int16Array,
  format: ReturnType<typeof formatOf>,
): void {
  const entry = conn.conversation.get(itemId);
  const parts = Array.isArray(entry?.item['content']) ? entry.item['content'] : [];
  if (parts.some((p) => isObject(p) && typeof p['transcript'] === 'string')) return;
  const heard = conn.host.hear(audio, sampleRateOf(format), itemId, false);
  if (entry && !('fail' in heard) && heard.text !== '') entry.heard = heard;
}

function truncate(conn: FakeConnection, event: JsonObject, eventId: string | null): void {
  const id = String(event['item_id']);
  const stored = conn.conversation.get(id);
  if (!stored) {
    conn.error(Errors.itemNotFound('item_id', id, eventId));
    return;
  }
  const contentIndex = Number(event['content_index'] ?? 0);
  const requested = Number(event['audio_end_ms']);
  // no audio yet (or none at all): the real server refuses it like a text item (§7.7)
  if (
    stored.item['role'] !== 'assistant' ||
    !stored.audio ||
    stored.audio.length === 0 ||
    contentIndex !== 0
  ) {
    conn.error(Errors.truncateNotAudio(eventId));
    return;
  }
  const rate = stored.sampleRate ?? 24_000;
  const actualMs = Math.round((stored.audio.length * 1000) / rate);
  if (!Number.isFinite(requested) || requested < 0) {
    conn.error(Errors.belowMin('audio_end_ms', 0, requested, true, eventId));
    return;
  }
  if (requested > actualMs) {
    // the real server's error names no request here (protocol.md §7.7: event_id null)
    conn.error(Errors.truncateTooLong(actualMs, requested, null));
    return;
  }
  cutAssistantAudio(stored, requested);
  conn.emit({
    type: 'conversation.item.truncated',
    item_id: id,
    content_index: contentIndex,
    audio_end_ms: requested,
  });
}

/**
 * Cuts an assistant audio item to its first `audioEndMs` ms, as `conversation.item.truncate`
 * does (and a media connection's clear, at the ms played): the audio is cut, the transcript
 * dropped so the context holds no text the user did not hear (protocol.md §7.7), and the item
 * marked so that a response still producing it keeps the cut.
 */
export function cutAssistantAudio(stored: StoredItem, audioEndMs: number): void {
  const rate = stored.sampleRate ?? 24_000;
  stored.audio = stored.audio?.slice(0, Math.round((audioEndMs * rate) / 1000));
  stored.truncated = true;
  const content = Array.isArray(stored.item['content']) ? stored.item['content'] : [];
  const part = content[0];
  if (isObject(part)) part['transcript'] = '';
}

// the GA format type (`audio/pcm`, `audio/pcmu`, `audio/pcma`) of one direction of the session
function formatOf(conn: FakeConnection, direction: 'input' | 'output'): string {
  return String(sessionValue(conn.session, `audio.${direction}.format.type`) ?? 'audio/pcm');
}
