/**
 * The session settings form: voice, instructions, turn detection (server VAD with its parameters,
 * semantic VAD with its eagerness, or off), input transcription (model, language), noise
 * reduction and tools on/off, read into the `settings` message that the server applies with
 * `session.update`.
 * @module
 */
import type {
  FullSettings,
  NoiseReduction,
  Settings,
  TranscriptionSettings,
  TurnDetectionSettings,
} from '../../shared/page-messages.js';
import { EAGERNESS, NOISE_REDUCTION, TRANSCRIPTION_MODELS } from '../../shared/page-messages.js';
import { VOICES } from '../../shared/voices.js';
import { byId } from './dom.js';

/**
 * Turn-taking mode chosen on the page: server VAD or semantic VAD (hands-free), push-to-talk
 * (detection off, audio sent only while held), or off (detection off, audio streamed, the person
 * sends each turn with a button).
 */
export type MicMode = 'vad' | 'semantic' | 'ptt' | 'off';

const MODES: readonly MicMode[] = ['vad', 'semantic', 'ptt', 'off'];

/** A control of the form whose value is a setting. */
type FormControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Values of the form's controls, as the person left them (see {@link SettingsForm.choices}). */
export type FormChoices = readonly { control: FormControl; value: string | boolean }[];

/** JSON with sorted keys, so two settings objects built in a different key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Labels of the noise reduction choices. */
const NOISE_LABELS: Record<NoiseReduction, string> = {
  near_field: 'Near field (headset)',
  far_field: 'Far field (laptop, room)',
};

/** Binds the settings form. */
export class SettingsForm {
  private readonly voice = byId('voice', HTMLSelectElement);
  private readonly instructions = byId('instructions', HTMLTextAreaElement);
  private readonly serverVad = byId('server-vad', HTMLFieldSetElement);
  private readonly threshold = byId('vad-threshold', HTMLInputElement);
  private readonly prefix = byId('vad-prefix', HTMLInputElement);
  private readonly silence = byId('vad-silence', HTMLInputElement);
  private readonly semanticVad = byId('semantic-vad', HTMLFieldSetElement);
  private readonly eagerness = byId('vad-eagerness', HTMLSelectElement);
  private readonly transcriptionModel = byId('transcription-model', HTMLSelectElement);
  private readonly transcriptionLanguage = byId('transcription-language', HTMLInputElement);
  private readonly noise = byId('noise-reduction', HTMLSelectElement);
  private readonly tools = byId('tools-enabled', HTMLInputElement);
  private readonly mode = byId('mode', HTMLSelectElement);

  constructor() {
    for (const voice of VOICES) this.voice.add(new Option(voice, voice));
    for (const e of EAGERNESS) this.eagerness.add(new Option(e, e));
    this.transcriptionModel.add(new Option('off', ''));
    for (const m of TRANSCRIPTION_MODELS) this.transcriptionModel.add(new Option(m, m));
    this.noise.add(new Option('off', ''));
    for (const n of NOISE_REDUCTION) this.noise.add(new Option(NOISE_LABELS[n], n));
    this.transcriptionModel.addEventListener('change', () => this.syncEnabled());
    for (const control of this.controls()) {
      const mark = () => this.edited.add(control);
      control.addEventListener('input', mark);
      control.addEventListener('change', mark);
    }
    this.syncEnabled();
  }

  /** Every control whose value is a setting (the mode select included). */
  private controls(): FormControl[] {
    return [
      this.voice,
      this.instructions,
      this.threshold,
      this.prefix,
      this.silence,
      this.eagerness,
      this.transcriptionModel,
      this.transcriptionLanguage,
      this.noise,
      this.tools,
      this.mode,
    ];
  }

  /** Controls the person changed before the form was first filled by the server. */
  private readonly edited = new Set<FormControl>();
  /** The form has shown a session's settings at least once (every control holds a real value). */
  private filled = false;

  /** Whether the form has shown settings yet (before that its controls are blank). */
  get hasShown(): boolean {
    return this.filled;
  }

  /**
   * What the person chose for the session about to start: every control once the form has shown
   * a session (kept from the last one, edited or not), and before that only the controls the
   * person changed (the others are still blank, not choices). Put back with {@link restore}.
   */
  choices(): FormChoices {
    const controls = this.filled ? this.controls() : [...this.edited];
    return controls.map((control) => ({
      control,
      value:
        control instanceof HTMLInputElement && control.type === 'checkbox'
          ? control.checked
          : control.value,
    }));
  }

  /** Puts choices taken with {@link choices} back onto the form (after {@link show}). */
  restore(choices: FormChoices): void {
    for (const { control, value } of choices) {
      if (typeof value === 'boolean') (control as HTMLInputElement).checked = value;
      else control.value = value;
    }
    this.syncEnabled();
  }

  /**
   * Whether the form reads as exactly `settings`; false when it differs or cannot be read (an
   * out-of-range number), so the caller applies it and the error is shown.
   */
  matches(settings: FullSettings): boolean {
    try {
      return canonical(this.read()) === canonical(settings);
    } catch {
      return false;
    }
  }

  /** Current turn-taking mode. */
  get micMode(): MicMode {
    return MODES.find((m) => m === this.mode.value) ?? 'vad';
  }

  /** Input transcription cannot be turned on (Azure without a transcription deployment). */
  setTranscriptionAvailable(available: boolean): void {
    for (const option of this.transcriptionModel.options)
      option.disabled = !available && option.value !== '';
    this.transcriptionModel.title = available
      ? ''
      : 'needs AZURE_OPENAI_TRANSCRIPTION_DEPLOYMENT on the playground server';
    this.syncEnabled();
  }

  /** Enables the fields that matter for the chosen mode and transcription (call after a mode change). */
  syncEnabled(): void {
    const mode = this.micMode;
    this.serverVad.disabled = mode !== 'vad';
    this.semanticVad.disabled = mode !== 'semantic';
    this.transcriptionLanguage.disabled = this.transcriptionModel.value === '';
  }

  /** Fills the form from the settings the server applied. */
  show(settings: FullSettings): void {
    this.filled = true;
    this.edited.clear();
    if (![...this.voice.options].some((o) => o.value === settings.voice))
      this.voice.add(new Option(settings.voice, settings.voice));
    this.voice.value = settings.voice;
    this.instructions.value = settings.instructions;
    this.tools.checked = settings.toolsEnabled;
    const td = settings.turnDetection;
    if (td === null) {
      // Both push-to-talk and "off" run without detection: keep whichever the person chose.
      if (this.micMode !== 'ptt' && this.micMode !== 'off') this.mode.value = 'ptt';
    } else if (td.type === 'semantic_vad') {
      this.mode.value = 'semantic';
      this.eagerness.value = td.eagerness;
    } else {
      this.mode.value = 'vad';
      this.threshold.value = String(td.threshold);
      this.prefix.value = String(td.prefixPaddingMs);
      this.silence.value = String(td.silenceDurationMs);
    }
    const t = settings.inputAudioTranscription;
    this.transcriptionModel.value = t?.model ?? '';
    this.transcriptionLanguage.value = t?.language ?? '';
    this.noise.value = settings.noiseReduction ?? '';
    this.syncEnabled();
  }

  /** Reads the form; throws a readable error for out-of-range numbers or a malformed language. */
  read(): Settings {
    return {
      voice: this.voice.value,
      instructions: this.instructions.value,
      toolsEnabled: this.tools.checked,
      turnDetection: this.readTurnDetection(),
      inputAudioTranscription: this.readTranscription(),
      noiseReduction: NOISE_REDUCTION.find((n) => n === this.noise.value) ?? null,
    };
  }

  private readTurnDetection(): TurnDetectionSettings | null {
    const number = (input: HTMLInputElement, name: string): number => {
      const value = input.valueAsNumber;
      if (!Number.isFinite(value) || !input.checkValidity())
        throw new Error(`${name} must be between ${input.min} and ${input.max}`);
      return value;
    };
    switch (this.micMode) {
      case 'ptt':
      case 'off':
        return null;
      case 'semantic':
        return {
          type: 'semantic_vad',
          eagerness: EAGERNESS.find((e) => e === this.eagerness.value) ?? 'auto',
        };
      case 'vad':
        return {
          type: 'server_vad',
          threshold: number(this.threshold, 'VAD threshold'),
          prefixPaddingMs: Math.round(number(this.prefix, 'prefix padding')),
          silenceDurationMs: Math.round(number(this.silence, 'silence duration')),
        };
    }
  }

  private readTranscription(): TranscriptionSettings | null {
    const model = TRANSCRIPTION_MODELS.find((m) => m === this.transcriptionModel.value);
    if (!model) return null;
    const language = this.transcriptionLanguage.value.trim().toLowerCase();
    if (language === '') return { model };
    if (!/^[a-z]{2}$/.test(language))
      throw new Error(
        `transcription language must be a two-letter ISO-639-1 code such as "en" (got "${language}"), or empty to detect it`,
      );
    return { model, language };
  }
}
