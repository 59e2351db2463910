/**
 * Pure functions over a chat item's content parts, used by the conversation mirror: merging a
 * fresh server view into a known item, replacing one audio part, cutting audio at a time.
 * @module
 */
import type { AudioFrame } from '@voxwire/protocol';
import type { ChatAudioContent, ChatContent, ChatItem, ChatMessageItem } from './chat-context.js';

/**
 * Merges a fresh server view of an item into the mirror's: the fresh one wins, except that audio
 * samples and transcripts already known survive a view that lacks them (`done` omits audio;
 * user transcripts may complete before `done` arrives with `transcript: null`).
 */
export function mergeItem(current: ChatItem, fresh: ChatItem): ChatItem {
  if (current.type !== 'message' || fresh.type !== 'message') return fresh;
  const parts = fresh.content;
  let content: ChatContent[] | undefined;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    const old = current.content[index];
    if (part.type !== 'audio' || old?.type !== 'audio') continue;
    const transcript = part.transcript ?? old.transcript;
    const audio = part.audio ?? old.audio;
    // the fresh part already says everything the old one did: keep it as it is
    if (transcript === part.transcript && audio === part.audio) continue;
    content ??= [...parts];
    content[index] = audio
      ? { type: 'audio', transcript, audio }
      : ({ type: 'audio', transcript } as ChatAudioContent);
  }
  if (content === undefined) return fresh;
  // built whole, not `{ ...fresh, content }` (a spread plus a property is slow in this V8)
  return fresh.status === undefined
    ? { type: 'message', id: fresh.id, role: fresh.role, content }
    : { type: 'message', id: fresh.id, role: fresh.role, content, status: fresh.status };
}

/** `item` with its audio part `index` replaced by `map(part)`; `item` itself when it has none there. */
export function mapAudioPart(
  item: ChatItem,
  index: number,
  map: (part: ChatAudioContent) => ChatAudioContent,
): ChatItem {
  if (item.type !== 'message') return item;
  const part = item.content[index];
  if (part?.type !== 'audio') return item;
  const content = [...item.content];
  content[index] = map(part);
  return { ...(item as ChatMessageItem), content };
}

/** The first `endMs` of `frame` (a copy). */
export function cutAudio(frame: AudioFrame, endMs: number): AudioFrame {
  const samples = Math.max(0, Math.floor((endMs * frame.sampleRate) / 1000)) * frame.channels;
  return {
    data: frame.data.slice(0, samples),
    sampleRate: frame.sampleRate,
    channels: frame.channels,
  };
}
