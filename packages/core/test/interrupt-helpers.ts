/**
 * What the barge-in tests share (interrupt*.test.ts): a spoken answer of known length, and
 * views of what the server was sent and holds.
 */
import { expect } from 'vitest';
import type { RealtimeContent, RealtimeSession } from '../src/index.js';
import type { SessionError } from '../src/errors.js';
import { conversationItemToChatItem } from '../src/conversation/items.js';
import { outcome, type Setup } from './helpers.js';

/** 48 characters: the fake speaks 60 ms per character, so 2880 ms of audio. */
export const SAID = 'one two three four five six seven eight nine ten';

/** The client events of `type` the server received, in order. */
export const sent = (s: Setup, type: string) =>
  s.server.clientEvents.filter((e) => e['type'] === type);

/** Collects what the session emits on `error`. */
export function errors(session: RealtimeSession): SessionError[] {
  const out: SessionError[] = [];
  session.on('error', (e) => out.push(e));
  return out;
}

/** The fake server's conversation in the chat model. */
export function serverItems(s: Setup) {
  return s.server.conversation.map((i) => conversationItemToChatItem(i as never));
}

/** A finished audio answer of {@link SAID}: all of its 2880 ms arrived at once (default pacing). */
export async function answered(s: Setup, session: RealtimeSession): Promise<RealtimeContent> {
  s.server.queueResponse((ctx) => ctx.say(SAID));
  const response = await session.response.generate();
  await s.settle();
  expect(response.status).toBe('completed');
  return response.output[0]!.content[0]!;
}

/** `item.truncate()` of an item's first content at `audioEndMs`, its outcome watched. */
export const truncateAt = (session: RealtimeSession, itemId: string, audioEndMs: number) =>
  outcome(session.conversation.item.truncate({ itemId, contentIndex: 0, audioEndMs }));
