/**
 * The settings in effect for one page session, and the page's updates to them: each partial
 * update is merged onto what the previous one left in effect, checked against the provider, and
 * applied with core's `session.sessionUpdate`, one at a time.
 * @module
 */
import type { RealtimeSession } from '@voxwire/core';
import type { FullSettings, ServerMessage, Settings } from '../shared/page-messages.js';
import type { DemoTool } from './demo-tools.js';
import { toSessionOptions } from './session-settings.js';

/** Options of {@link SettingsUpdates}. */
export interface SettingsUpdatesOptions {
  /** The settings the session starts with. */
  initial: FullSettings;
  /** The demo tools offered when tools are on. */
  tools: readonly DemoTool[];
  /** Whether input transcription can be turned on (Azure needs a transcription deployment). */
  transcriptionAvailable: boolean;
  /** Sends a message to the page. */
  send: (message: ServerMessage) => void;
  /** Adds a line to the page's event log. */
  log: (eventType: string, summary: string) => void;
}

/** The settings of one session and the queue of the page's updates. */
export class SettingsUpdates {
  private settings: FullSettings;
  private session: RealtimeSession | undefined;
  /** The update in progress (settled, never rejected): the next one waits for it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: SettingsUpdatesOptions) {
    this.settings = options.initial;
  }

  /** The settings in effect. */
  get current(): FullSettings {
    return this.settings;
  }

  /** The session the updates go to (created with {@link sessionOptions} of {@link current}). */
  attach(session: RealtimeSession): void {
    this.session = session;
  }

  /** Core's session options for `settings`. */
  sessionOptions(settings: FullSettings): ReturnType<typeof toSessionOptions> {
    return toSessionOptions(settings, {
      tools: this.options.tools,
      // Before the session exists, nothing was sent yet.
      currentNoiseReduction: this.session?.options.noiseReduction,
    });
  }

  /**
   * Applies a partial update once the previous one is over: merged at arrival, a second update
   * started from the settings before the first and, sent whole, undid it on the server. Rejects
   * with the server's refusal (the page is first told what is in effect).
   */
  update(settings: Settings): Promise<void> {
    const run = this.queue.then(() => this.apply(settings));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Merges a partial settings update onto what is in effect and applies it with `session.update`. */
  private async apply(settings: Settings): Promise<void> {
    const session = this.session;
    if (!session) throw new Error('no session to update');
    const next: FullSettings = {
      ...this.settings,
      ...stripUndefined(settings),
    } as FullSettings;
    this.options.log('session.update', JSON.stringify(stripUndefined(settings)));
    if (next.inputAudioTranscription !== null && !this.options.transcriptionAvailable) {
      this.options.send({ type: 'settings_applied', settings: this.settings });
      this.options.send({
        type: 'error',
        source: 'page',
        code: 'TRANSCRIPTION_UNAVAILABLE',
        message:
          'input transcription needs a transcription deployment on Azure: set AZURE_OPENAI_TRANSCRIPTION_DEPLOYMENT and restart the playground',
      });
      return;
    }
    try {
      await session.sessionUpdate(this.sessionOptions(next));
    } catch (error) {
      // Refused (e.g. cannot_update_voice): put the page's form back to what is in effect.
      this.options.send({ type: 'settings_applied', settings: this.settings });
      throw error;
    }
    this.settings = next;
    this.options.send({ type: 'settings_applied', settings: next });
  }
}

function stripUndefined<T extends object>(
  value: T,
): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]-?: Exclude<T[K], undefined>;
  };
}
