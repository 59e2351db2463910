/**
 * A connection's log of the client events it received (`FakeConnection.clientEvents`), each
 * also handed to the server's log (and so to the expectations), with the window that lets go
 * of the audio of old appends (`FakeServerOptions.keepAppendedAudioMs`).
 * @module
 */
import type { ConnectionHost, FakeConnection } from './connection.js';
import {
  AppendWindow,
  appendedAudioMs,
  KEEP_APPENDED_AUDIO_MS,
  withoutAudio,
  type KeptAppend,
} from './retention.js';
import type { JsonObject } from './wire.js';

/** Records a connection's client events. */
export class ClientEventLog {
  readonly #appends: AppendWindow;

  /**
   * `events`: the connection's `clientEvents`, appended to in place; `inputFormat`: the
   * session's input format type now (an append's ms depend on it).
   */
  constructor(
    private readonly events: JsonObject[],
    private readonly host: ConnectionHost,
    private readonly conn: FakeConnection,
    private readonly inputFormat: () => string,
  ) {
    this.#appends = new AppendWindow(host.keepAppendedAudioMs ?? KEEP_APPENDED_AUDIO_MS, (kept) =>
      this.#dropAudio(kept),
    );
  }

  /**
   * Records a client event in the connection's and the server's logs (and so for the
   * expectations), whether the server acts on it or refuses it: a test asserting "the client
   * sent X" must see X. Appends are left out with `recordAudioAppends: false`.
   */
  record(event: JsonObject): void {
    const append = event['type'] === 'input_audio_buffer.append';
    if (append && !this.host.recordAudioAppends) return;
    const at = this.events.push(event) - 1;
    const serverAt = this.host.recordClientEvent(this.conn, event);
    const audio = event['audio'];
    if (!append || typeof audio !== 'string') return;
    this.#appends.recorded({
      event,
      ms: appendedAudioMs(audio, this.inputFormat()),
      at,
      serverAt: typeof serverAt === 'number' ? serverAt : undefined,
    });
  }

  /** Drops the audio of every recorded append that still has it. */
  dropAllAudio(): void {
    this.#appends.dropAll();
  }

  #dropAudio(kept: KeptAppend): void {
    const stripped = withoutAudio(kept.event);
    // a copy in its place, not the event changed: a test may hold the event an expectation
    // resolved with; and by identity, since a test may have emptied a log since
    if (this.events[kept.at] === kept.event) this.events[kept.at] = stripped;
    this.host.replaceClientEvent?.(kept.serverAt, kept.event, stripped);
  }
}
