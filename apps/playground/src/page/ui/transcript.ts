/**
 * The live transcript of both sides. User turns appear as a placeholder when speech starts and
 * are filled in by the transcription; assistant turns grow with every delta and are marked when
 * an interruption truncates them.
 * @module
 */
import { el, formatMs } from './dom.js';

interface Entry {
  node: HTMLLIElement;
  text: HTMLSpanElement;
  tag: HTMLSpanElement;
}

/** Renders the conversation into an `<ol>`. */
export class TranscriptView {
  private readonly entries = new Map<string, Entry>();
  private pendingSpeech: Entry | null = null;

  constructor(private readonly list: HTMLOListElement) {}

  private add(role: 'user' | 'assistant', key: string | null, text: string, tag: string): Entry {
    const textNode = el('span', 'text', text);
    const tagNode = el('span', 'tag', tag);
    const node = el('li', role, [tagNode, textNode]);
    this.list.append(node);
    const entry = { node, text: textNode, tag: tagNode };
    if (key) this.entries.set(key, entry);
    this.list.scrollTop = this.list.scrollHeight;
    return entry;
  }

  /** The person started speaking: show a placeholder until the turn is committed/transcribed. */
  speechStarted(itemId: string | null): void {
    if (itemId && this.entries.has(itemId)) return;
    const entry = this.add('user', itemId, '…', 'you (speaking)');
    entry.node.classList.add('pending');
    this.pendingSpeech = entry;
  }

  /** The unfinished spoken turn was dropped (microphone stopped mid-turn). */
  dropPending(): void {
    if (!this.pendingSpeech) return;
    this.pendingSpeech.node.remove();
    for (const [key, entry] of this.entries)
      if (entry === this.pendingSpeech) this.entries.delete(key);
    this.pendingSpeech = null;
  }

  /**
   * The session ended (Disconnect, a closed session, a lost link to the playground server): no
   * transcription will come for the user turns still waiting, so the turn being spoken is dropped
   * and each one still transcribing keeps what was heard, marked as cut off, as the server does
   * when a transcription is lost inside a session.
   */
  endPending(reason: string): void {
    this.dropPending();
    for (const entry of new Set(this.entries.values())) {
      if (!entry.node.classList.contains('pending')) continue;
      const heard = entry.text.textContent === '…' ? '' : (entry.text.textContent ?? '');
      entry.text.textContent = heard
        ? `${heard} … (transcription cut off: ${reason})`
        : `(no transcript: ${reason})`;
      entry.tag.textContent = 'you (voice)';
      entry.node.classList.remove('pending');
    }
  }

  /** The audio turn was committed as `itemId`; a transcription follows when `transcribing`. */
  committed(itemId: string, transcribing: boolean): void {
    let entry = this.entries.get(itemId);
    if (!entry && this.pendingSpeech) {
      entry = this.pendingSpeech;
      this.entries.set(itemId, entry);
    }
    entry ??= this.add('user', itemId, '…', '');
    this.pendingSpeech = null;
    if (transcribing) {
      entry.tag.textContent = 'you (voice, transcribing…)';
      entry.node.classList.add('pending'); // as a partial transcript marks it
      return;
    }
    // nothing more will come for this turn: it must not look as if it were still transcribing
    entry.tag.textContent = 'you (voice)';
    entry.text.textContent = '(not transcribed: input transcription is off)';
    entry.node.classList.remove('pending');
  }

  /** Transcription of a user audio item (partial or final). */
  userTranscript(itemId: string, text: string, final: boolean): void {
    const entry = this.entries.get(itemId) ?? this.add('user', itemId, '', '');
    entry.text.textContent = text || '(no transcript)';
    entry.tag.textContent = final ? 'you (voice)' : 'you (voice, transcribing…)';
    entry.node.classList.toggle('pending', !final);
  }

  /** A typed user message. */
  userText(itemId: string, text: string): void {
    const entry = this.entries.get(itemId) ?? this.add('user', itemId, '', '');
    entry.text.textContent = text;
    entry.tag.textContent = 'you (typed)';
    entry.node.classList.remove('pending');
  }

  /** A piece of the assistant's answer (text, or the transcript of its audio). */
  assistantDelta(itemId: string, delta: string): void {
    const entry = this.entries.get(itemId) ?? this.add('assistant', itemId, '', 'assistant');
    entry.text.textContent = (entry.text.textContent ?? '') + delta;
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** The assistant item was cut where the person stopped hearing it. */
  truncated(itemId: string, audioEndMs: number, deleted: boolean): void {
    const entry = this.entries.get(itemId);
    if (!entry) return;
    entry.node.classList.add('truncated');
    entry.tag.textContent = deleted
      ? 'assistant (interrupted before any audio played: item deleted)'
      : `assistant (interrupted: truncated at ${formatMs(audioEndMs)} heard)`;
  }

  /** Empties the transcript (a new session). */
  clear(): void {
    this.entries.clear();
    this.pendingSpeech = null;
    this.list.replaceChildren();
  }
}
