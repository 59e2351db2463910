/**
 * A chat context a user can build by hand: an ordered list of items with ids, in the vocabulary
 * of the Realtime conversation (messages with text, audio and images; function calls; function
 * results) but in TypeScript idiom, with audio as {@link AudioFrame}s rather than base64.
 *
 * Ids matter: chat-context sync diffs by id, exactly as the seed's `_compute_changes` does, so an
 * item that keeps its id keeps its place on the server.
 * @module
 */
import type { AudioFrame } from '@voxwire/protocol';
import { ConversationError } from './errors.js';
import { floatHint } from '../input-audio.js';
import { copyJson } from '../json-copy.js';

/** The author of a message item. (Tool results are {@link ChatFunctionOutputItem}s, not messages.) */
export type ChatItemRole = 'system' | 'user' | 'assistant';

/** Status of an item as last reported by the server; absent on items built by hand. */
export type ChatItemStatus = 'completed' | 'incomplete' | 'in_progress';

/** Text content. */
export interface ChatTextContent {
  /** Discriminator. */
  readonly type: 'text';
  /** The text. */
  readonly text: string;
}

/** Audio content: samples (when known) and/or their transcript. */
export interface ChatAudioContent {
  /** Discriminator. */
  readonly type: 'audio';
  /** The samples. Server events other than `conversation.item.retrieved` omit audio, so mirror items often have none. */
  readonly audio?: AudioFrame | undefined;
  /** The transcript; `null` while unknown (user audio before input transcription completes). */
  readonly transcript: string | null;
}

/** An image (user messages only, GA only). */
export interface ChatImageContent {
  /** Discriminator. */
  readonly type: 'image';
  /** A data URL (`data:image/png;base64,…`). */
  readonly imageUrl: string;
  /** Level of detail the model should use. @default 'auto' (the server's default when absent) */
  readonly detail?: 'auto' | 'low' | 'high' | undefined;
}

/** One content part of a message. */
export type ChatContent = ChatTextContent | ChatAudioContent | ChatImageContent;

/** A system, user or assistant message. */
export interface ChatMessageItem {
  /** Discriminator. */
  readonly type: 'message';
  /** Unique id within the conversation. */
  readonly id: string;
  /** Author. */
  readonly role: ChatItemRole;
  /** Content parts, in order. */
  readonly content: readonly ChatContent[];
  /** Server status, when the item came from the server. */
  readonly status?: ChatItemStatus | undefined;
}

/** A function (tool) call made by the model. */
export interface ChatFunctionCallItem {
  /** Discriminator. */
  readonly type: 'function_call';
  /** Unique id within the conversation. */
  readonly id: string;
  /** The call id that the result item answers. */
  readonly callId: string;
  /** The function name. */
  readonly name: string;
  /** The arguments, as the JSON text the model produced. */
  readonly arguments: string;
  /** Server status, when the item came from the server. */
  readonly status?: ChatItemStatus | undefined;
}

/** The result of a function call, as given back to the model. */
export interface ChatFunctionOutputItem {
  /** Discriminator. */
  readonly type: 'function_call_output';
  /** Unique id within the conversation. */
  readonly id: string;
  /** The call id this answers. */
  readonly callId: string;
  /** The output text. */
  readonly output: string;
  /** Server status, when the item came from the server. */
  readonly status?: ChatItemStatus | undefined;
}

/**
 * A server item this chat model has no shape for (MCP calls, approvals, tool lists, future item
 * types), kept verbatim so that a round trip through a chat context neither loses nor reorders it.
 */
export interface ChatRawItem {
  /** Discriminator. */
  readonly type: 'raw';
  /** Unique id within the conversation. */
  readonly id: string;
  /** The GA wire item, verbatim. */
  readonly item: Readonly<Record<string, unknown>> & { readonly type: string };
}

/** Any item of a chat context. */
export type ChatItem =
  ChatMessageItem | ChatFunctionCallItem | ChatFunctionOutputItem | ChatRawItem;

/** An ordered chat context. Build one by hand with {@link chatContext} and the item helpers. */
export interface ChatContext {
  /** The items, in conversation order. */
  readonly items: readonly ChatItem[];
}

/**
 * Whether `value` has the shape `setChatCtx` and `model.session({ chatCtx })` take: a
 * `ChatContext` (`{ items }`) or a list of chat items (the items themselves are judged by the sync).
 */
export function isChatContextInput(value: unknown): value is ChatContext | readonly ChatItem[] {
  return Array.isArray(value) || Array.isArray((value as { items?: unknown } | null)?.items);
}

/**
 * Makes a chat context, checking that every item is an object with a non-empty, unique id, and
 * that a message's content is a list of parts.
 * @throws ConversationError `INVALID_ITEM` for something that is not an item, a missing id or a
 *   message whose content is not a list of parts; `DUPLICATE_ITEM` for a repeated id
 */
export function chatContext(items: readonly ChatItem[] = []): ChatContext {
  assertUniqueIds(items);
  const typed = items.map(withType);
  typed.forEach(assertMessageContent);
  return { items: typed };
}

/**
 * `{ id, role, content }` without a `type` (the loose form `conversation.item.create` takes, and
 * what a JavaScript caller writes) is a message: typed here, or every later sync would find it
 * different from the mirror's message and delete and re-create it.
 */
function withType(item: ChatItem): ChatItem {
  const loose = item as { type?: unknown; role?: unknown };
  return loose.type === undefined && loose.role !== undefined
    ? ({ ...item, type: 'message' } as ChatItem)
    : item;
}

/**
 * Throws when a message's content is not a list of part objects: a history loaded from storage
 * or written in JavaScript (`content: 'Hi'` is the input form of `conversation.item.create`, not a
 * chat item) must fail as a typed error, not as a `TypeError` somewhere in a chat sync.
 */
function assertMessageContent(item: ChatItem, index: number): void {
  if (item.type !== 'message') return;
  const content: unknown = item.content;
  const ok =
    Array.isArray(content) &&
    content.every((part: unknown) => typeof part === 'object' && part !== null);
  if (!ok) {
    throw new ConversationError(
      'INVALID_ITEM',
      `chat item "${item.id}" (index ${index}) is a message whose content is not a list of content parts (make one with userMessage(), chatMessage() or toChatContent())`,
      { itemId: item.id },
    );
  }
}

/**
 * Checks that every item is an object with a non-empty id and that no id repeats.
 * @throws ConversationError `INVALID_ITEM` or `DUPLICATE_ITEM`
 */
export function assertUniqueIds(items: readonly { readonly id: string }[]): void {
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (typeof item !== 'object' || item === null) {
      throw new ConversationError('INVALID_ITEM', `chat item at index ${index} is not an object`);
    }
    if (typeof item.id !== 'string' || item.id === '') {
      throw new ConversationError(
        'INVALID_ITEM',
        `chat item at index ${index} has no id; every item needs a unique id`,
      );
    }
    if (seen.has(item.id)) {
      throw new ConversationError(
        'DUPLICATE_ITEM',
        `chat item id "${item.id}" appears more than once`,
        { itemId: item.id },
      );
    }
    seen.add(item.id);
  }
}

/**
 * Content as the app writes it: a string is one text part, an {@link AudioFrame} one audio part
 * (no transcript), a {@link ChatContent} itself; or a list of those.
 */
export type ChatContentInput =
  string | AudioFrame | ChatContent | readonly (string | AudioFrame | ChatContent)[];

function isAudioFrame(value: unknown): value is AudioFrame {
  return (
    typeof value === 'object' && value !== null && (value as AudioFrame).data instanceof Int16Array
  );
}

/**
 * Normalizes {@link ChatContentInput} into content parts.
 * @throws ConversationError `INVALID_ITEM` for a value that is none of the accepted forms
 */
export function toChatContent(content: ChatContentInput): ChatContent[] {
  const list: readonly unknown[] = Array.isArray(content) ? content : [content];
  return list.map((part, index): ChatContent => {
    if (typeof part === 'string') return { type: 'text', text: part };
    if (isAudioFrame(part)) return { type: 'audio', audio: part, transcript: null };
    const type = (part as { type?: unknown } | null)?.type;
    // an audio part's samples are encoded as they are: data that is not PCM16 samples (a plain
    // array, Float32Array or raw bytes) would go out as empty or garbled audio the server accepts
    if (type === 'audio') {
      const audio = (part as { audio?: unknown }).audio;
      if (audio !== undefined && !isAudioFrame(audio)) {
        throw new ConversationError(
          'INVALID_ITEM',
          `content part ${index} is audio whose audio is not an AudioFrame with Int16Array data${floatHint(audio)}`,
        );
      }
    }
    if (type === 'text' || type === 'audio' || type === 'image') {
      // a part the server would refuse (missing `text`, `image_url`) must fail here, before a
      // chat sync's deletes go out, not on its create once they have
      const why = malformedPart(part as ChatContent);
      if (why !== undefined)
        throw new ConversationError('INVALID_ITEM', `content part ${index} is ${why}`);
      return part as ChatContent;
    }
    throw new ConversationError(
      'INVALID_ITEM',
      `content part ${index} is not a string, an AudioFrame or a { type: 'text' | 'audio' | 'image' } part`,
    );
  });
}

const IMAGE_DETAILS: ReadonlySet<unknown> = new Set(['auto', 'low', 'high']);

/** Why a text, audio or image part cannot be sent as it is, or `undefined` when it can. */
function malformedPart(part: ChatContent): string | undefined {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? undefined : 'text without a string `text`';
    case 'image':
      if (typeof part.imageUrl !== 'string' || part.imageUrl === '')
        return 'an image without an `imageUrl`';
      return part.detail === undefined || IMAGE_DETAILS.has(part.detail)
        ? undefined
        : `an image with detail ${JSON.stringify(part.detail)} (not 'auto', 'low' or 'high')`;
    case 'audio':
      return part.transcript === undefined ||
        part.transcript === null ||
        typeof part.transcript === 'string'
        ? undefined
        : 'audio whose transcript is not a string or null';
  }
}

/** Makes a message item. */
export function chatMessage(
  id: string,
  role: ChatItemRole,
  content: ChatContentInput,
): ChatMessageItem {
  return { type: 'message', id, role, content: toChatContent(content) };
}

/** Makes a system message (`input_text` on the wire). */
export function systemMessage(id: string, text: string): ChatMessageItem {
  return chatMessage(id, 'system', text);
}

/** Makes a user message from text and/or audio and image parts. */
export function userMessage(id: string, content: ChatContentInput): ChatMessageItem {
  return chatMessage(id, 'user', content);
}

/** Makes an assistant message. Assistant audio goes to the server as its transcript (the API cannot take assistant audio). */
export function assistantMessage(id: string, content: ChatContentInput): ChatMessageItem {
  return chatMessage(id, 'assistant', content);
}

/** Makes an audio content part. */
export function audioContent(
  audio: AudioFrame | undefined,
  transcript: string | null = null,
): ChatAudioContent {
  return audio === undefined ? { type: 'audio', transcript } : { type: 'audio', audio, transcript };
}

/** Makes a function call item; `args` that are not a string are JSON-encoded. */
export function functionCall(
  id: string,
  callId: string,
  name: string,
  args: unknown = {},
): ChatFunctionCallItem {
  return {
    type: 'function_call',
    id,
    callId,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  };
}

/** Makes a function call output item. */
export function functionCallOutput(
  id: string,
  callId: string,
  output: string,
): ChatFunctionOutputItem {
  return { type: 'function_call_output', id, callId, output };
}

/**
 * The readable text of an item: text parts and audio transcripts joined with newlines for a
 * message, the output for a function result, `name(arguments)` for a call, `''` for a raw item.
 */
export function chatItemText(item: ChatItem): string {
  switch (item.type) {
    case 'message':
      return item.content
        .map((part) =>
          part.type === 'text' ? part.text : part.type === 'audio' ? (part.transcript ?? '') : '',
        )
        .filter((text) => text !== '')
        .join('\n');
    case 'function_call':
      return `${item.name}(${item.arguments})`;
    case 'function_call_output':
      return item.output;
    case 'raw':
      return '';
  }
}

/** Whether an item carries audio samples (the seed's "is this a `ChatAudio`" test). */
export function hasAudio(item: ChatItem): boolean {
  return (
    item.type === 'message' &&
    item.content.some((part) => part.type === 'audio' && part.audio !== undefined)
  );
}

/**
 * A deep copy of an item. Audio samples are copied too, so the copy can be mutated freely
 * (what the seed's `chat_ctx_copy` promised).
 */
export function cloneChatItem(item: ChatItem): ChatItem {
  switch (item.type) {
    case 'message':
      return { ...item, content: item.content.map(cloneContent) };
    case 'raw':
      return { ...item, item: copyJson(item.item) };
    default:
      return { ...item };
  }
}

function cloneContent(part: ChatContent): ChatContent {
  if (part.type !== 'audio' || part.audio === undefined) return { ...part };
  const { audio } = part;
  return {
    ...part,
    audio: { data: audio.data.slice(), sampleRate: audio.sampleRate, channels: audio.channels },
  };
}
