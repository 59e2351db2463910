/**
 * What the user's input audio did on the current connection, for the reliability controller
 * (`reliability.ts`): the ledger of audio a restore may write again (`uncommitted-audio.ts`),
 * whether the user is speaking and whether an automatic answer is awaited (both hold a rollover
 * off), and the turns the mirror keeps as their audio with input transcription off
 * (`spoken-turns.ts`). The controller hands it every server event and every append written, and
 * reads the ledger when it builds a restore.
 * @module
 */
import type { ClientEvent, ServerEvent } from '@voxwire/protocol';
import type { AudioFormatName } from '../options.js';
import { mayAnswerTurnEnd, type TurnEnd } from '../responses/auto-answer.js';
import { AutoAnswerWait } from './auto-answer-wait.js';
import type { ReliabilityHost } from './reliability-host.js';
import type { RolloverPlanner } from './rollover.js';
import { SpokenTurns } from './spoken-turns.js';
import { UncommittedAudio } from './uncommitted-audio.js';

/** What the input turns need of the session. */
export type InputTurnsHost = Pick<
  ReliabilityHost,
  'clock' | 'options' | 'confirmedOptions' | 'mirror'
>;

/** One session's input audio, turn by turn. */
export class InputTurns {
  readonly #h: InputTurnsHost;
  readonly #rollover: RolloverPlanner;
  /** The input audio a restore may write again, and the turns it holds (see there). */
  readonly ledger: UncommittedAudio;
  #speaking = false;
  // a turn's end the server answers by itself holds the rollover off until the answer starts
  // (made on the first such turn end: a session without turn detection never needs it)
  #autoAnswer: AutoAnswerWait | undefined;
  // with input transcription off, the turn whose audio waits for its item (made on the first)
  #spoken: SpokenTurns | undefined;

  /**
   * @param replayMs - the most input audio the ledger keeps (`replayUncommittedAudioMs`)
   * @param rollover - the planner an awaited automatic answer holds off
   */
  constructor(host: InputTurnsHost, replayMs: number, rollover: RolloverPlanner) {
    this.#h = host;
    this.#rollover = rollover;
    this.ledger = new UncommittedAudio(replayMs);
  }

  /** Whether nothing of the user's turn is under way: no speech, no automatic answer due. */
  get quiet(): boolean {
    return !this.#speaking && this.#autoAnswer?.due() !== true;
  }

  /** After the engine handled `event`. */
  observe(event: ServerEvent): void {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.#speaking = true;
        this.ledger.speechStarted(event.audio_start_ms);
        break;
      case 'input_audio_buffer.speech_stopped':
        this.#speaking = false;
        this.ledger.speechStopped(event.audio_end_ms, event.item_id);
        this.#turnEnded('speech_stopped');
        break;
      case 'input_audio_buffer.timeout_triggered':
        // the idle timeout commits the silence and answers it, as a turn's end does
        this.#turnEnded('idle_timeout');
        break;
      case 'response.created':
        this.#autoAnswer?.settled();
        this.ledger.answerStarted();
        break;
      case 'input_audio_buffer.committed':
        this.#speaking = false;
        this.#committed(event.item_id);
        break;
      case 'conversation.item.input_audio_transcription.completed':
      case 'conversation.item.input_audio_transcription.failed':
      case 'conversation.item.deleted':
        this.ledger.transcribed(event.item_id);
        break;
      case 'input_audio_buffer.cleared':
        this.#speaking = false;
        this.#autoAnswer?.settled();
        this.ledger.cleared();
        break;
      case 'error':
        // a refused commit or clear (an empty buffer, say) will never be acknowledged
        if (event.error.event_id) this.ledger.refused(event.error.event_id);
        break;
      case 'conversation.item.added':
      case 'conversation.item.created':
        if (this.#spoken && event.item.id) this.#spoken.itemAdded(this.#h.mirror(), event.item.id);
        break;
      default:
        break;
    }
  }

  /**
   * An input audio append was written to the socket, its audio in `format` when the engine
   * encoded it (else the session's input format is assumed); the socket holds `unsentBytes`
   * unsent after it.
   */
  wroteAudio(
    event: ClientEvent & { readonly audio: string },
    format: AudioFormatName | undefined,
    unsentBytes: number,
  ): void {
    this.ledger.wrote(event, this.#h.options(), format, unsentBytes, this.#h.clock);
  }

  /** The connection ended: no one speaks on it, and no answer comes from it. */
  lost(): void {
    this.#speaking = false;
    this.#autoAnswer?.settled();
    this.#spoken?.connectionLost();
  }

  /** The session closed: the automatic answer's timer stops. */
  closed(): void {
    this.#autoAnswer?.settled();
  }

  #committed(itemId: string | undefined): void {
    const transcribed =
      (this.#h.confirmedOptions() ?? this.#h.options()).inputAudioTranscription !== null;
    // with no transcript to come, the mirror keeps the turn as its audio (`spoken-turns.ts`)
    const mirror = transcribed ? undefined : this.#h.mirror();
    const audio = this.ledger.committed(itemId, {
      answerAwaited: this.#autoAnswer?.awaiting === true,
      transcriptAwaited: transcribed,
      audioWanted: mirror?.keepsSentAudio === true,
    });
    if (audio && mirror && itemId)
      (this.#spoken ??= new SpokenTurns()).committed(mirror, itemId, audio);
  }

  /**
   * A turn ended (VAD, or the idle timeout): its answer is awaited when the server may make one
   * (`responses/auto-answer.ts`, the rule `interrupt()` follows too).
   */
  #turnEnded(end: TurnEnd): void {
    if (mayAnswerTurnEnd(this.#h.options(), this.#h.confirmedOptions(), end))
      (this.#autoAnswer ??= new AutoAnswerWait(this.#h.clock, this.#rollover)).turnEnded();
  }
}
