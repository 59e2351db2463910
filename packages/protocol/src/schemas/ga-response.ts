/**
 * GA response shapes: the response resource of `response.created/done` and the parameters of
 * `response.create`.
 * @module
 */
import * as v from 'valibot';
import { ConversationItemSchema, ItemReferenceSchema } from './ga-items.js';
import {
  AudioFormatSchema,
  GaVoiceSchema,
  PromptSchema,
  ToolChoiceSchema,
  ToolSchema,
} from './ga-session.js';
import {
  MaxTokensSchema,
  MetadataSchema,
  ModalitySchema,
  ResponseStatusDetailsSchema,
  ResponseStatusSchema,
  ResponseUsageSchema,
} from './shared.js';

const responseResourceSchema = v.object({
  id: v.optional(v.string()),
  object: v.optional(v.literal('realtime.response')),
  status: v.optional(ResponseStatusSchema),
  status_details: v.nullish(ResponseStatusDetailsSchema),
  output: v.optional(v.array(ConversationItemSchema)),
  conversation_id: v.nullish(v.string()),
  output_modalities: v.optional(v.array(ModalitySchema)),
  max_output_tokens: v.optional(MaxTokensSchema),
  audio: v.nullish(
    v.object({
      output: v.optional(
        v.object({ format: v.optional(AudioFormatSchema), voice: v.optional(GaVoiceSchema) }),
      ),
    }),
  ),
  metadata: MetadataSchema,
  usage: v.nullish(ResponseUsageSchema),
});
type ResponseResourceSchemaType = typeof responseResourceSchema;
/** The schema type of `ResponseResourceSchema` (a named interface keeps the declarations small). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface ResponseResourceSchemaT extends ResponseResourceSchemaType {}
/** The response object of `response.created` / `response.done`. */
export const ResponseResourceSchema: ResponseResourceSchemaT = responseResourceSchema;
/** A response: status, output items, usage. */
export type ResponseResource = v.InferOutput<typeof ResponseResourceSchema>;

// The beta-only `temperature` is part of the GA model on purpose (see the export below).
const responseCreateParamsSchema = v.object({
  output_modalities: v.optional(v.array(ModalitySchema)),
  instructions: v.optional(v.string()),
  audio: v.optional(
    v.object({
      output: v.optional(
        v.object({ format: v.optional(AudioFormatSchema), voice: v.optional(GaVoiceSchema) }),
      ),
    }),
  ),
  tools: v.optional(v.array(ToolSchema)),
  tool_choice: v.optional(ToolChoiceSchema),
  parallel_tool_calls: v.optional(v.boolean()),
  reasoning: v.optional(
    v.object({ effort: v.optional(v.picklist(['minimal', 'low', 'medium', 'high', 'xhigh'])) }),
  ),
  max_output_tokens: v.optional(MaxTokensSchema),
  conversation: v.optional(v.string()),
  metadata: MetadataSchema,
  prompt: PromptSchema,
  input: v.optional(v.array(v.union([ConversationItemSchema, ItemReferenceSchema]))),
  temperature: v.optional(v.number()),
});
type ResponseCreateParamsSchemaType = typeof responseCreateParamsSchema;
/** The schema type of `ResponseCreateParamsSchema`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named interface is emitted once in .d.ts instead of inlined at every use
export interface ResponseCreateParamsSchemaT extends ResponseCreateParamsSchemaType {}
/**
 * The `response` of `response.create`. Carries the beta-only `temperature` too: the beta codec
 * sends it, the GA codec drops it.
 */
export const ResponseCreateParamsSchema: ResponseCreateParamsSchemaT = responseCreateParamsSchema;
/** Parameters of `response.create`. */
export type ResponseCreateParams = v.InferOutput<typeof ResponseCreateParamsSchema>;
