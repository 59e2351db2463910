/**
 * `ChatMessage`: the app-side message (the seed's `llm.ChatMessage`) and its converters to and
 * from GA conversation items. Shared with the conversation mirror and chat sync (issue 5).
 * @module
 */
import type { AudioFrame, ConversationItem } from '@voxwire/protocol';
import { SAMPLE_RATE, audioFrame, base64ToPcm16, pcm16ToBase64 } from '@voxwire/protocol';
import { VoxwireError } from './errors.js';

/** Who speaks. `tool` is a function result. */
export type ChatRole = 'user' | 'assistant' | 'system' | 'tool';

/** One part of a message: text, or audio with an optional transcript. */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'audio'; frame: AudioFrame; transcript?: string | null };

/** A chat message; see `toConversationItem` for which shapes each role accepts. */
export interface ChatMessage {
  /** The item id; generated when absent. @default undefined */
  id?: string;
  /** The speaker. */
  role: ChatRole;
  /** Text, audio, or a list of parts. Absent for function calls. @default undefined */
  content?: string | AudioFrame | ReadonlyArray<string | AudioFrame | ChatContentPart> | null;
  /** Links a function call and its result (`call_id` on the wire). @default undefined */
  toolCallId?: string;
  /** The function's name, for function calls. @default undefined */
  name?: string;
  /** The function's JSON arguments, for function calls. @default undefined */
  arguments?: string;
}

function invalid(message: string, argument = 'message'): never {
  throw new VoxwireError('INVALID_ARGUMENT', message, { data: { argument } });
}

function isFrame(v: unknown): v is AudioFrame {
  return typeof v === 'object' && v !== null && (v as AudioFrame).data instanceof Int16Array;
}

/** The message's content as a list of parts. */
export function contentParts(message: ChatMessage): ChatContentPart[] {
  const c = message.content;
  if (c === undefined || c === null) return [];
  const list = typeof c === 'string' || isFrame(c) ? [c] : c;
  return list.map((p) => (typeof p === 'string' ? { type: 'text', text: p } : isFrame(p) ? { type: 'audio', frame: p } : p));
}

function checkAudio(frame: AudioFrame): void {
  if (frame.channels !== 1 || frame.sampleRate !== SAMPLE_RATE) {
    invalid(`audio content must be 24 kHz mono PCM16, got ${frame.sampleRate} Hz × ${frame.channels}`);
  }
}

function mergeAudio(frames: AudioFrame[]): Int16Array {
  if (frames.length === 1) return (frames[0] as AudioFrame).data;
  let n = 0;
  for (const f of frames) n += f.data.length;
  const out = new Int16Array(n);
  let at = 0;
  for (const f of frames) {
    out.set(f.data, at);
    at += f.data.length;
  }
  return out;
}

/**
 * The GA conversation item for `message`, with id `id`:
 * - `tool` with `toolCallId` → `function_call_output` (content must be a string);
 * - any other role with `toolCallId` → `function_call` (needs `name` and `arguments`);
 * - `user` → `message` with `input_text` / `input_audio` parts (consecutive audio frames merged);
 * - `assistant` → `output_text` parts (an audio part contributes its transcript; without one it is refused);
 * - `system` → `input_text` parts.
 * Throws `VoxwireError('INVALID_ARGUMENT')` for anything else (the seed resolved `False` silently).
 */
export function toConversationItem(message: ChatMessage, id: string): ConversationItem {
  if (typeof message !== 'object' || message === null) invalid('message must be an object');
  if (message.toolCallId !== undefined) {
    if (message.role === 'tool') {
      if (typeof message.content !== 'string') invalid('a tool result (role "tool") must have string content');
      return { type: 'function_call_output', id, call_id: message.toolCallId, output: message.content } as ConversationItem;
    }
    if (!message.name || typeof message.arguments !== 'string') invalid('a function call needs name and arguments');
    return { type: 'function_call', id, call_id: message.toolCallId, name: message.name, arguments: message.arguments } as ConversationItem;
  }
  const parts = contentParts(message);
  if (parts.length === 0) invalid('message has no content');
  switch (message.role) {
    case 'user': {
      const content: Record<string, unknown>[] = [];
      let pending: AudioFrame[] = [];
      const flush = () => {
        if (pending.length > 0) content.push({ type: 'input_audio', audio: pcm16ToBase64(mergeAudio(pending)) });
        pending = [];
      };
      for (const p of parts) {
        if (p.type === 'audio') {
          checkAudio(p.frame);
          pending.push(p.frame);
        } else {
          flush();
          content.push({ type: 'input_text', text: p.text });
        }
      }
      flush();
      return { type: 'message', role: 'user', id, content } as unknown as ConversationItem;
    }
    case 'assistant': {
      const content = parts.map((p) => {
        if (p.type === 'text') return { type: 'output_text', text: p.text };
        if (typeof p.transcript !== 'string') invalid('assistant audio needs a transcript (only text can be sent for assistant items)');
        return { type: 'output_text', text: p.transcript };
      });
      return { type: 'message', role: 'assistant', id, content } as unknown as ConversationItem;
    }
    case 'system': {
      const content = parts.map((p) => (p.type === 'text' ? { type: 'input_text', text: p.text } : invalid('system messages carry text only')));
      return { type: 'message', role: 'system', id, content } as unknown as ConversationItem;
    }
    default:
      return invalid(`unsupported role ${JSON.stringify((message as { role: unknown }).role)} (a tool result needs toolCallId)`);
  }
}

/**
 * The chat message for a GA conversation item, or `undefined` for item types with no chat form
 * (MCP items). Text parts become strings, audio parts `{type:'audio'}` parts (24 kHz PCM16)
 * with their transcript; when a part has no audio but a transcript, the transcript is kept as text.
 */
export function fromConversationItem(item: ConversationItem): ChatMessage | undefined {
  const it = item as unknown as Record<string, any>;
  const id = it['id'] as string | undefined;
  const base = id === undefined ? {} : { id };
  switch (it['type']) {
    case 'function_call':
      return { ...base, role: 'assistant', toolCallId: it['call_id'] ?? '', name: it['name'], arguments: it['arguments'] ?? '' };
    case 'function_call_output':
      return { ...base, role: 'tool', toolCallId: it['call_id'], content: it['output'] };
    case 'message': {
      const parts: ChatContentPart[] = [];
      for (const p of (it['content'] ?? []) as Record<string, any>[]) {
        if (typeof p['audio'] === 'string' && p['audio'] !== '') {
          parts.push({ type: 'audio', frame: audioFrame(base64ToPcm16(p['audio'])), transcript: p['transcript'] ?? null });
        } else if (typeof p['text'] === 'string') {
          parts.push({ type: 'text', text: p['text'] });
        } else if (typeof p['transcript'] === 'string') {
          parts.push({ type: 'text', text: p['transcript'] });
        }
      }
      const only = parts.length === 1 ? parts[0] : undefined;
      return { ...base, role: it['role'] as ChatRole, content: only?.type === 'text' ? only.text : parts };
    }
    default:
      return undefined;
  }
}
