/**
 * Converters between chat items and conversation items, for both dialects.
 *
 * GA (the model `core` speaks): user/system parts are `input_text`/`input_audio`/`input_image`,
 * assistant parts `output_text`/`output_audio`. Beta: one loose item shape, assistant parts
 * `text`/`audio`, no images. Audio travels as base64 PCM16.
 * @module
 */
import { audioFrame, base64ToPcm16, pcm16ToBase64 } from '@voxwire/protocol';
import type { AudioFrame } from '@voxwire/protocol';
import type { ChatContent, ChatItem, ChatItemStatus, ChatItemRole } from './chat-context.js';
import { ConversationError } from './errors.js';
import type { WireAnyItem, WireContentPart, WireConversationItem, WireFunctionCallItem, WireFunctionCallOutputItem, WireMessageItem } from './wire.js';

/** The beta dialect's item shape (one loose object; `openai` beta `ConversationItem`). */
export interface BetaConversationItem {
  /** Item id. */
  id?: string | undefined;
  /** `message`, `function_call` or `function_call_output`. */
  type?: 'message' | 'function_call' | 'function_call_output' | undefined;
  /** Always `realtime.item` in captures. */
  object?: 'realtime.item' | undefined;
  /** Item status. */
  status?: ChatItemStatus | undefined;
  /** Author of a message. */
  role?: 'user' | 'assistant' | 'system' | undefined;
  /** Content parts of a message. */
  content?: BetaContentPart[] | undefined;
  /** Call id of a call or its output. */
  call_id?: string | undefined;
  /** Function name of a call. */
  name?: string | undefined;
  /** Arguments of a call. */
  arguments?: string | undefined;
  /** Output of a call output. */
  output?: string | undefined;
}

/** A beta content part. */
export interface BetaContentPart {
  /** `input_text`, `input_audio`, `item_reference`, `text` or `audio`. */
  type?: 'input_text' | 'input_audio' | 'item_reference' | 'text' | 'audio' | undefined;
  /** Text. */
  text?: string | null | undefined;
  /** Base64 PCM16. */
  audio?: string | null | undefined;
  /** Transcript of audio. */
  transcript?: string | null | undefined;
  /** Referenced item id (`item_reference`). */
  id?: string | undefined;
}

/** Options of the wire → chat converters. */
export interface FromWireOptions {
  /**
   * Decodes a base64 audio payload into a frame. Override for G.711 sessions or other rates.
   * @default base64 PCM16 at 24 kHz mono
   */
  readonly decodeAudio?: ((base64: string) => AudioFrame) | undefined;
}

/** Options of the chat → wire converters. */
export interface ToWireOptions {
  /**
   * Encodes a frame into the base64 payload the session expects. Frames must already be in the
   * session's input format and rate; this converter does not resample.
   * @default little-endian PCM16 bytes as base64
   */
  readonly encodeAudio?: ((frame: AudioFrame) => string) | undefined;
}

const defaultDecode = (b64: string): AudioFrame => audioFrame(base64ToPcm16(b64));
const defaultEncode = (frame: AudioFrame): string => pcm16ToBase64(frame.data);

/**
 * A chat item as the GA `ConversationItem` for `conversation.item.create` (the item id is sent,
 * so the server keeps ours, as the seed does).
 * @throws ConversationError `UNSUPPORTED_CONTENT` for content the API cannot take (assistant
 *   audio without a transcript, images outside user messages, audio outside user messages)
 */
export function chatItemToConversationItem(item: ChatItem, options: ToWireOptions = {}): WireConversationItem | WireAnyItem {
  const encode = options.encodeAudio ?? defaultEncode;
  switch (item.type) {
    case 'function_call': {
      const out: WireFunctionCallItem = { type: 'function_call', id: item.id, call_id: item.callId, name: item.name, arguments: item.arguments };
      return out;
    }
    case 'function_call_output': {
      const out: WireFunctionCallOutputItem = { type: 'function_call_output', id: item.id, call_id: item.callId, output: item.output };
      return out;
    }
    case 'raw':
      return { ...(item.item as WireAnyItem), id: item.id };
    case 'message': {
      const out: WireMessageItem = { type: 'message', id: item.id, role: item.role, content: item.content.map((part) => partToGa(item.id, item.role, part, encode)) };
      return out;
    }
  }
}

function partToGa(id: string, role: ChatItemRole, part: ChatContent, encode: (f: AudioFrame) => string): WireContentPart {
  if (part.type === 'text') return { type: role === 'assistant' ? 'output_text' : 'input_text', text: part.text };
  if (part.type === 'image') {
    if (role !== 'user') throw unsupported(id, `images are only allowed in user messages, not ${role}`);
    return part.detail === undefined ? { type: 'input_image', image_url: part.imageUrl } : { type: 'input_image', image_url: part.imageUrl, detail: part.detail };
  }
  if (role === 'user') {
    if (part.audio === undefined) throw unsupported(id, 'user audio content has no samples to send');
    return { type: 'input_audio', audio: encode(part.audio) };
  }
  // the API refuses assistant audio ("missing item.content[0].text"); what was said is its transcript
  if (role === 'assistant' && part.transcript !== null && part.transcript !== '') return { type: 'output_text', text: part.transcript };
  throw unsupported(id, `${role} audio cannot be sent to the server${role === 'assistant' ? ' without a transcript' : ''}`);
}

function unsupported(itemId: string, why: string): ConversationError {
  return new ConversationError('UNSUPPORTED_CONTENT', `item ${itemId}: ${why}`, { itemId });
}

/**
 * A GA (or beta: both part vocabularies are read) server item as a chat item. Items of types
 * this model has no shape for become {@link ChatRawItem}s.
 * @throws ConversationError `INVALID_ITEM` when the item has no id
 */
export function conversationItemToChatItem(item: WireAnyItem | BetaConversationItem, options: FromWireOptions = {}): ChatItem {
  const id = item.id;
  if (typeof id !== 'string' || id === '') throw new ConversationError('INVALID_ITEM', `server item of type ${String(item.type)} has no id`);
  const status = statusOf(item.status);
  const withStatus = <T extends ChatItem>(chat: T): T => (status === undefined ? chat : { ...chat, status });
  switch (item.type) {
    case 'message': {
      const message = item as WireMessageItem;
      const decode = options.decodeAudio ?? defaultDecode;
      const role = message.role ?? 'user';
      const content = (message.content ?? []).flatMap((part) => partFromWire(part, decode));
      return withStatus({ type: 'message', id, role, content });
    }
    case 'function_call': {
      const call = item as WireFunctionCallItem;
      return withStatus({ type: 'function_call', id, callId: call.call_id ?? '', name: call.name ?? '', arguments: call.arguments ?? '' });
    }
    case 'function_call_output': {
      const output = item as WireFunctionCallOutputItem;
      return withStatus({ type: 'function_call_output', id, callId: output.call_id ?? '', output: output.output ?? '' });
    }
    default:
      return { type: 'raw', id, item: { ...(item as Record<string, unknown>), type: String(item.type) } };
  }
}

function statusOf(status: unknown): ChatItemStatus | undefined {
  return status === 'completed' || status === 'incomplete' || status === 'in_progress' ? status : undefined;
}

function partFromWire(part: WireContentPart | BetaContentPart, decode: (b64: string) => AudioFrame): ChatContent[] {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return [{ type: 'text', text: part.text ?? '' }];
    case 'input_audio':
    case 'output_audio':
    case 'audio': {
      const transcript = part.transcript ?? null;
      return [part.audio ? { type: 'audio', audio: decode(part.audio), transcript } : { type: 'audio', transcript }];
    }
    case 'input_image': {
      const image = part as WireContentPart;
      if (!image.image_url) return [];
      return [image.detail ? { type: 'image', imageUrl: image.image_url, detail: image.detail } : { type: 'image', imageUrl: image.image_url }];
    }
    default:
      // item_reference and unknown part types carry no content of their own
      return [];
  }
}

/**
 * A chat item as a beta-dialect item: assistant text is `text`, user/system text `input_text`.
 * @throws ConversationError `UNSUPPORTED_CONTENT` for images (beta has none), raw GA-only items,
 *   and audio the API cannot take
 */
export function chatItemToBetaItem(item: ChatItem, options: ToWireOptions = {}): BetaConversationItem {
  if (item.type === 'raw') throw unsupported(item.id, `items of type ${item.item.type} have no beta form`);
  if (item.type !== 'message') return gaToBeta(chatItemToConversationItem(item, options) as WireConversationItem);
  for (const part of item.content) {
    if (part.type === 'image') throw unsupported(item.id, 'the beta dialect has no image content');
  }
  return gaToBeta(chatItemToConversationItem(item, options) as WireConversationItem);
}

/** A GA item in the beta vocabulary (what the beta codec does for `conversation.item.create`). */
export function gaToBeta(item: WireConversationItem): BetaConversationItem {
  if (item.type !== 'message') return { ...item } as BetaConversationItem;
  const content: BetaContentPart[] = item.content.map((part) => {
    const type = part.type === 'output_text' ? 'text' : part.type === 'output_audio' ? 'audio' : (part.type as BetaContentPart['type']);
    const out: BetaContentPart = { type };
    if (part.text != null) out.text = part.text;
    if (part.audio != null) out.audio = part.audio;
    if (part.transcript !== undefined) out.transcript = part.transcript;
    return out;
  });
  const out: BetaConversationItem = { type: 'message', role: item.role, content };
  if (item.id !== undefined) out.id = item.id;
  if (item.status !== undefined) out.status = item.status;
  return out;
}

/** A beta item as a chat item (both vocabularies are accepted). */
export function betaItemToChatItem(item: BetaConversationItem, options: FromWireOptions = {}): ChatItem {
  return conversationItemToChatItem(item, options);
}
