/**
 * GA conversation items: a discriminated union on `type` (and on `role` for messages), with
 * the MCP items. Content parts accept both vocabularies when parsing (protocol.md §8): an
 * assistant part may say `output_text`/`output_audio` (GA) or `text`/`audio` (beta, and seen in
 * GA `response.content_part.*`).
 * @module
 */
import * as v from 'valibot';
import { Int } from './shared.js';

const itemCommon = {
  id: v.optional(v.string()),
  object: v.optional(v.literal('realtime.item')),
  status: v.optional(v.picklist(['completed', 'incomplete', 'in_progress'])),
};

/** Content of a system message. */
export const SystemContentSchema = v.object({
  type: v.optional(v.picklist(['input_text', 'text'])),
  text: v.nullish(v.string()),
});
/** Content of a user message: text, audio (with its transcript, null until transcribed) or image. */
export const UserContentSchema = v.object({
  type: v.optional(
    v.picklist(['input_text', 'input_audio', 'input_image', 'text', 'audio', 'item_reference']),
  ),
  text: v.nullish(v.string()),
  audio: v.nullish(v.string()),
  transcript: v.nullish(v.string()),
  image_url: v.nullish(v.string()),
  detail: v.optional(v.picklist(['auto', 'low', 'high'])),
  id: v.nullish(v.string()),
});
/** Content of an assistant message (`output_text`/`output_audio`; beta `text`/`audio` accepted). */
export const AssistantContentSchema = v.object({
  type: v.optional(v.picklist(['output_text', 'output_audio', 'text', 'audio'])),
  text: v.nullish(v.string()),
  audio: v.nullish(v.string()),
  transcript: v.nullish(v.string()),
});
/** Any content part of an item (of a system, user or assistant message). */
export const ContentPartSchema = v.union([
  SystemContentSchema,
  UserContentSchema,
  AssistantContentSchema,
]);
/** Any content part of an item. */
export type ContentPart =
  | v.InferOutput<typeof SystemContentSchema>
  | v.InferOutput<typeof UserContentSchema>
  | v.InferOutput<typeof AssistantContentSchema>;

/** A system message. */
export const SystemMessageSchema = v.object({
  ...itemCommon,
  type: v.literal('message'),
  role: v.literal('system'),
  content: v.array(SystemContentSchema),
});
/** A user message. */
export const UserMessageSchema = v.object({
  ...itemCommon,
  type: v.literal('message'),
  role: v.literal('user'),
  content: v.array(UserContentSchema),
});
/** An assistant message. */
export const AssistantMessageSchema = v.object({
  ...itemCommon,
  type: v.literal('message'),
  role: v.literal('assistant'),
  content: v.array(AssistantContentSchema),
});
/** A message of any role. */
export const MessageItemSchema = v.variant('role', [
  SystemMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
]);
/** A message item (system, user or assistant). */
export type MessageItem = v.InferOutput<typeof MessageItemSchema>;

/** A function call made by the model. */
export const FunctionCallItemSchema = v.object({
  ...itemCommon,
  type: v.literal('function_call'),
  call_id: v.optional(v.string()),
  name: v.string(),
  arguments: v.string(),
});
/** A function call item. */
export type FunctionCallItem = v.InferOutput<typeof FunctionCallItemSchema>;
/** The output of a function call, sent by the client. */
export const FunctionCallOutputItemSchema = v.object({
  ...itemCommon,
  type: v.literal('function_call_output'),
  call_id: v.string(),
  output: v.string(),
});
/** A function call output item. */
export type FunctionCallOutputItem = v.InferOutput<typeof FunctionCallOutputItemSchema>;

/** An MCP approval request from the model. */
export const McpApprovalRequestItemSchema = v.object({
  type: v.literal('mcp_approval_request'),
  id: v.string(),
  server_label: v.string(),
  name: v.string(),
  arguments: v.string(),
});
/** The client's answer to an MCP approval request. */
export const McpApprovalResponseItemSchema = v.object({
  type: v.literal('mcp_approval_response'),
  id: v.string(),
  approval_request_id: v.string(),
  approve: v.boolean(),
  reason: v.nullish(v.string()),
});
/** The tools an MCP server listed. */
export const McpListToolsItemSchema = v.object({
  type: v.literal('mcp_list_tools'),
  id: v.optional(v.string()),
  server_label: v.string(),
  tools: v.array(
    v.object({
      name: v.string(),
      description: v.nullish(v.string()),
      input_schema: v.unknown(),
      annotations: v.nullish(v.unknown()),
    }),
  ),
});
/** An MCP tool call and its outcome. */
export const McpCallItemSchema = v.object({
  type: v.literal('mcp_call'),
  id: v.string(),
  server_label: v.string(),
  name: v.string(),
  arguments: v.string(),
  approval_request_id: v.nullish(v.string()),
  output: v.nullish(v.string()),
  error: v.nullish(
    v.variant('type', [
      v.object({ type: v.literal('protocol_error'), code: Int, message: v.string() }),
      v.object({ type: v.literal('tool_execution_error'), message: v.string() }),
      v.object({ type: v.literal('http_error'), code: Int, message: v.string() }),
    ]),
  ),
});

const conversationItemSchema = v.variant('type', [
  MessageItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  McpApprovalRequestItemSchema,
  McpApprovalResponseItemSchema,
  McpListToolsItemSchema,
  McpCallItemSchema,
]);
type ConversationItemSchemaType = typeof conversationItemSchema;
/** The schema type of `ConversationItemSchema` (a named interface keeps the declarations small). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface ConversationItemSchemaT extends ConversationItemSchemaType {}
/** The GA conversation item union. */
export const ConversationItemSchema: ConversationItemSchemaT = conversationItemSchema;
/** A GA conversation item (message, function call/output, or an MCP item). */
export type ConversationItem = v.InferOutput<typeof ConversationItemSchema>;

/** A reference to an existing item, allowed in `response.create.input` (both dialects). */
export const ItemReferenceSchema = v.object({ type: v.literal('item_reference'), id: v.string() });
/** `{type:'item_reference', id}`. */
export type ItemReference = v.InferOutput<typeof ItemReferenceSchema>;
