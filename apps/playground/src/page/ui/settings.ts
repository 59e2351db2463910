/**
 * The session settings form: voice, instructions, server VAD parameters and tools on/off, read
 * into the `settings` message that the server applies with `session.update`.
 * @module
 */
import type { FullSettings, Settings } from '../../shared/page-messages.js';
import { VOICES } from '../../shared/voices.js';
import { byId } from './dom.js';

/** Turn-taking mode chosen on the page. */
export type MicMode = 'vad' | 'ptt';

/** Binds the settings form. */
export class SettingsForm {
  private readonly voice = byId('voice', HTMLSelectElement);
  private readonly instructions = byId('instructions', HTMLTextAreaElement);
  private readonly threshold = byId('vad-threshold', HTMLInputElement);
  private readonly prefix = byId('vad-prefix', HTMLInputElement);
  private readonly silence = byId('vad-silence', HTMLInputElement);
  private readonly tools = byId('tools-enabled', HTMLInputElement);
  private readonly mode = byId('mode', HTMLSelectElement);

  constructor() {
    for (const voice of VOICES) this.voice.add(new Option(voice, voice));
  }

  /** Current mode (server VAD or push-to-talk). */
  get micMode(): MicMode {
    return this.mode.value === 'ptt' ? 'ptt' : 'vad';
  }

  /** Fills the form from the settings the server applied. */
  show(settings: FullSettings): void {
    if (![...this.voice.options].some((o) => o.value === settings.voice))
      this.voice.add(new Option(settings.voice, settings.voice));
    this.voice.value = settings.voice;
    this.instructions.value = settings.instructions;
    this.tools.checked = settings.toolsEnabled;
    const vad = settings.turnDetection;
    this.mode.value = vad ? 'vad' : 'ptt';
    if (vad) {
      this.threshold.value = String(vad.threshold);
      this.prefix.value = String(vad.prefixPaddingMs);
      this.silence.value = String(vad.silenceDurationMs);
    }
  }

  /** Reads the form; throws a readable error for out-of-range numbers. */
  read(): Settings {
    const number = (input: HTMLInputElement, name: string): number => {
      const value = input.valueAsNumber;
      if (!Number.isFinite(value) || !input.checkValidity())
        throw new Error(`${name} must be between ${input.min} and ${input.max}`);
      return value;
    };
    return {
      voice: this.voice.value,
      instructions: this.instructions.value,
      toolsEnabled: this.tools.checked,
      turnDetection:
        this.micMode === 'ptt'
          ? null
          : {
              type: 'server_vad',
              threshold: number(this.threshold, 'VAD threshold'),
              prefixPaddingMs: Math.round(number(this.prefix, 'prefix padding')),
              silenceDurationMs: Math.round(number(this.silence, 'silence duration')),
            },
    };
  }
}
