/**
 * The wire shapes this module reads and writes: GA conversation items and the few server events
 * the mirror consumes. They follow `openai` v6.49 `resources/realtime/realtime.d.ts` (the same
 * source `@voxwire/protocol` derives its valibot schemas from) and are written structurally, so
 * that protocol's `ConversationItem` and `ServerEvent` are assignable to them. Reading is loose
 * where the live server is loose (`null` transcripts, missing `object`).
 *
 * Why a local copy: protocol's event model was being written in parallel; this file is the single
 * place to switch to `import type { ConversationItem } from '@voxwire/protocol'` once it lands.
 * @module
 */

/** Item status as the server reports it. */
export type WireItemStatus = 'completed' | 'incomplete' | 'in_progress';

/** A content part of a GA message item (system, user or assistant), read loosely. */
export interface WireContentPart {
  /** `input_text`, `input_audio`, `input_image` (user/system) or `output_text`, `output_audio` (assistant); beta adds `text`, `audio`. */
  type?: string | undefined;
  /** Text of a text part. */
  text?: string | null | undefined;
  /** Base64 PCM16 audio; only `conversation.item.retrieved` carries it. */
  audio?: string | null | undefined;
  /** Transcript of an audio part; `null` until input transcription completes. */
  transcript?: string | null | undefined;
  /** Data URL of an `input_image` part. */
  image_url?: string | null | undefined;
  /** Detail of an `input_image` part. */
  detail?: 'auto' | 'low' | 'high' | null | undefined;
}

/** A GA message item. */
export interface WireMessageItem {
  /** Discriminator. */
  type: 'message';
  /** Author. */
  role: 'system' | 'user' | 'assistant';
  /** Content parts. */
  content: WireContentPart[];
  /** Item id (server-assigned or client-supplied). */
  id?: string | undefined;
  /** `realtime.item`, often omitted by the GA server. */
  object?: 'realtime.item' | undefined;
  /** Item status. */
  status?: WireItemStatus | undefined;
}

/** A GA function call item. */
export interface WireFunctionCallItem {
  /** Discriminator. */
  type: 'function_call';
  /** Function name. */
  name: string;
  /** Arguments as a JSON string (possibly incomplete when interrupted). */
  arguments: string;
  /** Call id, echoed by the output item. */
  call_id?: string | undefined;
  /** Item id. */
  id?: string | undefined;
  /** `realtime.item`. */
  object?: 'realtime.item' | undefined;
  /** Item status. */
  status?: WireItemStatus | undefined;
}

/** A GA function call output item. */
export interface WireFunctionCallOutputItem {
  /** Discriminator. */
  type: 'function_call_output';
  /** The call this answers. */
  call_id: string;
  /** The output text. */
  output: string;
  /** Item id. */
  id?: string | undefined;
  /** `realtime.item`. */
  object?: 'realtime.item' | undefined;
  /** Item status. */
  status?: WireItemStatus | undefined;
}

/** Any other GA item (MCP items), kept verbatim so the mirror's order stays exact. */
export interface WireOtherItem {
  /** `mcp_call`, `mcp_list_tools`, `mcp_approval_request`, `mcp_approval_response`, or a future type. */
  type: string;
  /** Item id. */
  id?: string | undefined;
  /** Unknown fields, kept. */
  [key: string]: unknown;
}

/** A GA conversation item as this module writes it (`conversation.item.create`). */
export type WireConversationItem = WireMessageItem | WireFunctionCallItem | WireFunctionCallOutputItem;

/** A GA conversation item as this module reads it (server events). */
export type WireAnyItem = WireConversationItem | WireOtherItem;

/**
 * The server events the mirror understands. Any other event (an object with a `type`) is
 * accepted by {@link ConversationMirror.applyServerEvent} and ignored.
 */
export type MirrorServerEvent =
  | { type: 'conversation.item.added' | 'conversation.item.created' | 'conversation.item.done'; item: WireAnyItem; previous_item_id?: string | null | undefined }
  | { type: 'conversation.item.retrieved'; item: WireAnyItem }
  | { type: 'conversation.item.deleted'; item_id: string }
  | { type: 'conversation.item.truncated'; item_id: string; content_index: number; audio_end_ms: number }
  | { type: 'conversation.item.input_audio_transcription.delta'; item_id: string; content_index?: number | undefined; delta?: string | undefined }
  | { type: 'conversation.item.input_audio_transcription.completed'; item_id: string; content_index: number; transcript: string }
  | { type: 'response.output_item.done'; item: WireAnyItem; response_id?: string; output_index?: number };
