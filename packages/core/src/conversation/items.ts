/**
 * Converters between chat items and conversation items, for both dialects.
 *
 * GA (the model `core` speaks): user/system parts are `input_text`/`input_audio`/`input_image`,
 * assistant parts `output_text`/`output_audio`. Beta: one loose item shape, assistant parts
 * `text`/`audio`, no images. Audio travels as base64 PCM16.
 * @module
 */
import { SAMPLE_RATE, audioFrame, base64ToPcm16, pcm16ToBase64 } from '@voxwire/protocol';
import type {
  AudioFrame,
  BetaConversationItem,
  Dialect,
  ConversationItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  MessageItem,
} from '@voxwire/protocol';
import type { ChatContent, ChatItem, ChatItemStatus, ChatItemRole } from './chat-context.js';
import { ConversationError } from './errors.js';
import { floatHint, frameAtRate } from '../input-audio.js';

/** A content part as read from either dialect (the union of the GA and beta part fields). */
interface AnyContentPart {
  type?: string | undefined;
  text?: string | null | undefined;
  audio?: string | null | undefined;
  transcript?: string | null | undefined;
  image_url?: string | null | undefined;
  detail?: 'auto' | 'low' | 'high' | undefined;
}
/** A server item as read from either dialect. */
type AnyItem = (ConversationItem | BetaConversationItem) & {
  type?: string | undefined;
  id?: string | undefined;
  status?: string | undefined;
};

/** Options of the wire → chat converters. */
export interface FromWireOptions {
  /**
   * Decodes a base64 audio payload into a frame; `direction` says whose audio it is (`input`: a
   * user's `input_audio` part, in the session's input format; `output`: the model's, in its
   * output format). A session's mirror decodes in the session's formats (G.711 to 8 kHz PCM16).
   * @default base64 PCM16 at 24 kHz mono, either direction
   */
  readonly decodeAudio?:
    ((base64: string, direction: 'input' | 'output') => AudioFrame) | undefined;
}

/** Options of the chat → wire converters. */
export interface ToWireOptions {
  /**
   * Encodes a frame into the base64 payload the session expects.
   * @default mono 24 kHz PCM16 as little-endian base64 (other rates and channel counts are
   *   down-mixed and resampled first)
   */
  readonly encodeAudio?: ((frame: AudioFrame) => string) | undefined;
}

const defaultDecode = (b64: string): AudioFrame => audioFrame(base64ToPcm16(b64));
const defaultEncode = (frame: AudioFrame): string => {
  // the server parses item audio in the session's input format; it cannot tell a wrong rate
  const data = frameAtRate(frame, SAMPLE_RATE);
  if (data === undefined) {
    throw new ConversationError(
      'UNSUPPORTED_CONTENT',
      `item audio at ${frame.sampleRate} Hz × ${frame.channels} cannot be converted to mono ${SAMPLE_RATE} Hz PCM16 (its data must be an Int16Array of whole frames)${floatHint(frame)}`,
    );
  }
  return pcm16ToBase64(data);
};

/**
 * A chat item as the GA `ConversationItem` for `conversation.item.create` (the item id is sent,
 * so the server keeps ours, as the seed does).
 * @throws ConversationError `UNSUPPORTED_CONTENT` for content the API cannot take (assistant
 *   audio without a transcript, images outside user messages, audio outside user messages)
 */
export function chatItemToConversationItem(
  item: ChatItem,
  options: ToWireOptions = {},
): ConversationItem {
  const encode = options.encodeAudio ?? defaultEncode;
  switch (item.type) {
    case 'function_call': {
      const out: FunctionCallItem = {
        type: 'function_call',
        id: item.id,
        call_id: item.callId,
        name: item.name,
        arguments: item.arguments,
      };
      return out;
    }
    case 'function_call_output': {
      const out: FunctionCallOutputItem = {
        type: 'function_call_output',
        id: item.id,
        call_id: item.callId,
        output: item.output,
      };
      return out;
    }
    case 'raw':
      return { ...item.item, id: item.id } as unknown as ConversationItem;
    case 'message': {
      const content = item.content.map((part) => partToGa(item.id, item.role, part, encode));
      return { type: 'message', id: item.id, role: item.role, content } as unknown as MessageItem;
    }
  }
}

function partToGa(
  id: string,
  role: ChatItemRole,
  part: ChatContent,
  encode: (f: AudioFrame) => string,
): AnyContentPart {
  if (part.type === 'text')
    return { type: role === 'assistant' ? 'output_text' : 'input_text', text: part.text };
  if (part.type === 'image') {
    if (role !== 'user')
      throw unsupported(id, `images are only allowed in user messages, not ${role}`);
    return part.detail === undefined
      ? { type: 'input_image', image_url: part.imageUrl }
      : { type: 'input_image', image_url: part.imageUrl, detail: part.detail };
  }
  if (role === 'user') {
    if (part.audio === undefined)
      throw unsupported(id, 'user audio content has no samples to send');
    try {
      return { type: 'input_audio', audio: encode(part.audio) };
    } catch (error) {
      throw error instanceof ConversationError
        ? new ConversationError(error.code, `item ${id}: ${error.message}`, { itemId: id })
        : error;
    }
  }
  // the API refuses assistant audio ("missing item.content[0].text"); what was said is its transcript
  if (role === 'assistant' && part.transcript !== null && part.transcript !== '')
    return { type: 'output_text', text: part.transcript };
  throw unsupported(
    id,
    `${role} audio cannot be sent to the server${role === 'assistant' ? ' without a transcript' : ''}`,
  );
}

function unsupported(itemId: string, why: string): ConversationError {
  return new ConversationError('UNSUPPORTED_CONTENT', `item ${itemId}: ${why}`, { itemId });
}

/**
 * A GA (or beta: both part vocabularies are read) server item as a chat item. Items of types
 * this model has no shape for become {@link ChatRawItem}s.
 * @throws ConversationError `INVALID_ITEM` when the item has no id
 */
export function conversationItemToChatItem(
  item: ConversationItem | BetaConversationItem,
  options: FromWireOptions = {},
): ChatItem {
  const any = item as AnyItem;
  const id = any.id;
  if (typeof id !== 'string' || id === '')
    throw new ConversationError(
      'INVALID_ITEM',
      `server item of type ${String(any.type)} has no id`,
    );
  // objects are built whole, with `status` only when the server gave one: in this V8 a spread
  // followed by another property (`{ ...chat, status }`) costs ~40× a literal (PROFILE.md round 5),
  // and this runs for every item event of every response
  const status = statusOf(any.status);
  switch (any.type) {
    case 'message': {
      const message = item as {
        role?: ChatItemRole | undefined;
        content?: readonly AnyContentPart[] | undefined;
      };
      const role = message.role ?? 'user';
      // a role added to the API later (the decoder passes it through): kept as the server sent
      // it, like an unknown kind, since a message could not be re-created with it
      if (!KNOWN_ROLES.has(role)) return { type: 'raw', id, item: { ...any, type: 'message' } };
      const decode = options.decodeAudio ?? defaultDecode;
      const parts = message.content ?? [];
      let content: ChatContent[] = [];
      for (const part of parts) {
        const chat = partFromWire(part, decode);
        if (chat !== undefined) content.push(chat);
      }
      // the mirror keeps this for the life of the item: an exact copy, not push's 16 spare slots
      if (content.length > 0) content = content.slice();
      return status === undefined
        ? { type: 'message', id, role, content }
        : { type: 'message', id, role, content, status };
    }
    case 'function_call': {
      const call = item as {
        call_id?: string | undefined;
        name?: string | undefined;
        arguments?: string | undefined;
      };
      const callId = call.call_id ?? '';
      const name = call.name ?? '';
      const args = call.arguments ?? '';
      return status === undefined
        ? { type: 'function_call', id, callId, name, arguments: args }
        : { type: 'function_call', id, callId, name, arguments: args, status };
    }
    case 'function_call_output': {
      const output = item as { call_id?: string | undefined; output?: string | undefined };
      const callId = output.call_id ?? '';
      const text = output.output ?? '';
      return status === undefined
        ? { type: 'function_call_output', id, callId, output: text }
        : { type: 'function_call_output', id, callId, output: text, status };
    }
    default:
      return {
        type: 'raw',
        id,
        item: { ...(item as Record<string, unknown>), type: String(any.type) },
      };
  }
}

const KNOWN_ROLES: ReadonlySet<string> = new Set<ChatItemRole>(['user', 'assistant', 'system']);
const KNOWN_DETAILS: ReadonlySet<string> = new Set(['auto', 'low', 'high']);

function statusOf(status: unknown): ChatItemStatus | undefined {
  return status === 'completed' || status === 'incomplete' || status === 'in_progress'
    ? status
    : undefined;
}

/** One wire content part as chat content; `undefined` for parts that carry none of their own. */
function partFromWire(
  part: AnyContentPart,
  decode: (b64: string, direction: 'input' | 'output') => AudioFrame,
): ChatContent | undefined {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: part.text ?? '' };
    case 'input_audio':
    case 'output_audio':
    case 'audio': {
      const transcript = part.transcript ?? null;
      return part.audio
        ? {
            type: 'audio',
            audio: decode(part.audio, part.type === 'input_audio' ? 'input' : 'output'),
            transcript,
          }
        : { type: 'audio', transcript };
    }
    case 'input_image': {
      if (!part.image_url) return undefined;
      // a detail level added later is left out: the server applies its default on a re-create
      return part.detail && KNOWN_DETAILS.has(part.detail)
        ? { type: 'image', imageUrl: part.image_url, detail: part.detail }
        : { type: 'image', imageUrl: part.image_url };
    }
    default:
      // item_reference and unknown part types carry no content of their own
      return undefined;
  }
}

/**
 * A chat item as a beta-dialect item: assistant text is `text`, user/system text `input_text`.
 * @throws ConversationError `UNSUPPORTED_CONTENT` for images (beta has none), raw GA-only items,
 *   and audio the API cannot take
 */
export function chatItemToBetaItem(
  item: ChatItem,
  options: ToWireOptions = {},
): BetaConversationItem {
  assertBetaForm(item);
  return gaToBeta(chatItemToConversationItem(item, options));
}

/** Throws for what beta has no form for: raw (MCP) items and images. */
function assertBetaForm(item: ChatItem): void {
  if (item.type === 'raw')
    throw unsupported(item.id, `items of type ${item.item.type} have no beta form`);
  if (item.type === 'message') {
    for (const part of item.content) {
      if (part.type === 'image')
        throw unsupported(item.id, 'the beta dialect has no image content');
    }
  }
}

type BetaContentPart = NonNullable<BetaConversationItem['content']>[number];

/**
 * A GA message, function call or function call output in the beta vocabulary (what the beta
 * codec does for `conversation.item.create`).
 * @throws ConversationError `UNSUPPORTED_CONTENT` for MCP items (no beta form)
 */
export function gaToBeta(item: ConversationItem): BetaConversationItem {
  if (item.type === 'function_call' || item.type === 'function_call_output')
    return { ...item } as BetaConversationItem;
  if (item.type !== 'message')
    throw unsupported(item.id ?? '', `items of type ${item.type} have no beta form`);
  const content: BetaContentPart[] = (item.content as AnyContentPart[]).map((part) => {
    const type =
      part.type === 'output_text'
        ? 'text'
        : part.type === 'output_audio'
          ? 'audio'
          : (part.type as BetaContentPart['type']);
    const out: BetaContentPart = type === undefined ? {} : ({ type } as BetaContentPart);
    if (part.text != null) out.text = part.text;
    if (part.audio != null) out.audio = part.audio;
    if (part.transcript !== undefined) out.transcript = part.transcript;
    return out;
  });
  const out: BetaConversationItem = {
    type: 'message',
    role: item.role,
    content: content as BetaConversationItem['content'],
  };
  if (item.id !== undefined) out.id = item.id;
  if (item.status !== undefined) out.status = item.status;
  return out;
}

/**
 * The GA item for `item`, checked against what a connection of `dialect` can carry: on `'beta'`
 * (Azure's preview endpoint) an image or a raw (MCP) item is refused here, as
 * {@link chatItemToBetaItem} refuses it, rather than by the codec once it is on its way, so a
 * request (or a whole chat sync) with such content fails before anything is sent.
 * @param dialect the connection's dialect; `undefined` (not connected yet) checks for GA only
 * @throws ConversationError `UNSUPPORTED_CONTENT`
 */
export function chatItemToWireItem(
  item: ChatItem,
  dialect: Dialect | undefined,
  options: ToWireOptions = {},
): ConversationItem {
  if (dialect === 'beta') assertBetaForm(item);
  return chatItemToConversationItem(item, options);
}

/** A beta item as a chat item (both vocabularies are accepted). */
export function betaItemToChatItem(
  item: BetaConversationItem,
  options: FromWireOptions = {},
): ChatItem {
  return conversationItemToChatItem(item, options);
}
