/**
 * Whether two chat items say the same thing: what `setChatCtx` compares an item of the app's
 * context with the server's item of the same id by, so that an edit under a kept id (a redacted
 * message, a new system prompt, a corrected tool output) is sent, and an unchanged item is not.
 * @module
 */
import type { AudioFrame } from '@voxwire/protocol';
import type { ChatAudioContent, ChatContent, ChatItem, ChatTextContent } from './chat-context.js';

/**
 * Same type and content; `status` is not compared (the server's copy says `completed` where the
 * app's may say nothing), except that an item one side saw `in_progress` while the other does not
 * is the same item at another stage (a copy taken mid-response), whatever its content. An audio part compares by its samples when both sides hold them, else
 * by its transcript (the mirror lets old samples go); a transcript that is `null` or `''` on
 * either side is not known there and matches any (see {@link sameAudioPart}).
 */
export function sameChatItem(a: ChatItem, b: ChatItem): boolean {
  if (a === b) return true;
  if (a.type !== b.type) return false;
  if (a.type !== 'raw' && b.type !== 'raw' && snapshotOfOther(a.status, b.status)) return true;
  switch (a.type) {
    case 'message':
      return (
        b.type === 'message' &&
        a.role === b.role &&
        a.content.length === b.content.length &&
        a.content.every((part, i) => samePart(part, b.content[i]!))
      );
    case 'function_call':
      return (
        b.type === 'function_call' &&
        a.callId === b.callId &&
        a.name === b.name &&
        a.arguments === b.arguments
      );
    case 'function_call_output':
      return b.type === 'function_call_output' && a.callId === b.callId && a.output === b.output;
    case 'raw':
      return b.type === 'raw' && JSON.stringify(a.item) === JSON.stringify(b.item);
  }
}

/**
 * Whether one side saw the item `in_progress` and the other does not: a copy taken while a
 * response was writing it (an answer with no content yet, a call with `arguments: ''`), which the
 * server has finished since. It is the same item at an earlier stage, not an edit (and an
 * unfinished item could not be created as it was anyway).
 */
function snapshotOfOther(a: string | undefined, b: string | undefined): boolean {
  return a !== b && (a === 'in_progress' || b === 'in_progress');
}

function samePart(a: ChatContent, b: ChatContent): boolean {
  switch (a.type) {
    case 'text':
      return b.type === 'text' ? a.text === b.text : b.type === 'audio' && restoredAsText(b, a);
    case 'image':
      return b.type === 'image' && a.imageUrl === b.imageUrl && a.detail === b.detail;
    case 'audio':
      return b.type === 'audio' ? sameAudioPart(a, b) : b.type === 'text' && restoredAsText(a, b);
  }
}

/**
 * An audio part without samples on one side, text on the other: the same part a restore
 * re-created as its text (a user turn as its transcript, an answer as the text heard,
 * `reconnect.truncatedAnswers`), in a copy taken before the restore. The same when the transcript
 * is not known on the audio side (an answer's, dropped by its truncate), or the text is all of it,
 * or its start ended with `...` (what was heard of a cut answer). Taken for an edit, the answer
 * would be deleted and could not be sent again (audio with no samples and no words).
 */
function restoredAsText(audio: ChatAudioContent, text: ChatTextContent): boolean {
  if (audio.audio !== undefined) return false;
  if (!audio.transcript) return true;
  if (audio.transcript === text.text) return true;
  return text.text.endsWith('...') && audio.transcript.startsWith(text.text.slice(0, -3));
}

/**
 * Audio parts compare by their samples when both hold them. Otherwise by their transcripts, where
 * an empty one (`null` or `''`) matches any: it is not known on that side, not an edit. A user
 * turn copied before its transcription completed (it runs ~1.4 s after the commit, protocol.md
 * §7.6) still says `null`; an answer copied before its truncate still holds the transcript the
 * server dropped (§7.7: "no text in the context that hasn't been heard"). Taken for edits, the
 * first would be deleted and could not be sent again (no samples), the second would bring the
 * unheard text back as `output_text`.
 */
function sameAudioPart(a: ChatAudioContent, b: ChatAudioContent): boolean {
  if (a.audio !== undefined && b.audio !== undefined) return sameAudio(a.audio, b.audio);
  if (!a.transcript || !b.transcript) return true;
  return a.transcript === b.transcript;
}

function sameAudio(a: AudioFrame, b: AudioFrame): boolean {
  if (a === b || a.data === b.data) return true;
  if (a.sampleRate !== b.sampleRate || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}
