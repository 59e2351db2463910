/**
 * One string per transcript: a transcript reaches the client three times (the transcript's `done`,
 * `output_item.done`, `response.done`), each a string of its own from its own frame. The
 * content's text, the conversation mirror (which stores `output_item.done`'s item) and the
 * retained resource would keep three copies for as long as the response is retained. Equal
 * strings are made one.
 * @module
 */
import type { ConversationItem } from '@voxwire/protocol';
import type { RealtimeOutput } from './tree.js';

type TextPart = { text?: unknown; transcript?: unknown };

/** The text (or transcript) of content `index` of a wire item; `undefined` when it has none. */
export function partText(item: ConversationItem, index: number): string | undefined {
  const part = (item as { content?: readonly TextPart[] }).content?.[index];
  if (part === undefined || part === null) return undefined;
  if (typeof part.transcript === 'string') return part.transcript;
  return typeof part.text === 'string' ? part.text : undefined;
}

/** Makes the texts of `item` (from `response.done`) the strings `o`'s contents already hold. */
export function shareTexts(item: ConversationItem, o: RealtimeOutput): void {
  const parts = (item as { content?: TextPart[] }).content;
  if (!Array.isArray(parts)) return;
  for (const c of o.content) {
    const part = c ? parts[c.contentIndex] : undefined;
    if (!c || part === undefined || part === null) continue;
    if (typeof part.transcript === 'string' && part.transcript === c.text) part.transcript = c.text;
    else if (typeof part.text === 'string' && part.text === c.text) part.text = c.text;
  }
}
