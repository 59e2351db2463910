/**
 * The page's settings ⇄ core's session options: the defaults a session starts with, and the
 * mapping applied with `session.sessionUpdate({...})` (core's option names, never wire names).
 * @module
 */
import type { NoiseReductionType, SessionOptionsInput } from '@voxwire/core';
import type { FullSettings } from '../shared/page-messages.js';
import type { DemoTool } from './demo-tools.js';

/** The settings a session starts with (input transcription is set per provider, see {@link initialSettings}). */
export const DEFAULT_SETTINGS: FullSettings = {
  voice: 'marin',
  instructions:
    'You are the voxwire playground assistant. Answer briefly and in a friendly tone. Use the tools for weather and time questions.',
  turnDetection: {
    type: 'server_vad',
    threshold: 0.5,
    prefixPaddingMs: 300,
    silenceDurationMs: 500,
  },
  inputAudioTranscription: { model: 'whisper-1' },
  noiseReduction: null,
  toolsEnabled: true,
};

/** The starting settings for a provider: without transcription (Azure lacking a deployment), transcription is off. */
export function initialSettings(transcriptionAvailable: boolean): FullSettings {
  return {
    ...DEFAULT_SETTINGS,
    inputAudioTranscription: transcriptionAvailable
      ? DEFAULT_SETTINGS.inputAudioTranscription
      : null,
  };
}

/** What {@link toSessionOptions} needs besides the settings. */
export interface SessionOptionsContext {
  /** The demo tools offered when tools are on. */
  readonly tools: readonly DemoTool[];
  /**
   * The noise reduction core currently holds (`undefined`: never sent). Noise reduction "off" is
   * the server's default, so it is left out until it was once turned on: an older preview
   * deployment then never sees a field it may not know. Once on, "off" is sent as an explicit
   * `null`, because core keeps an omitted option as it was.
   */
  readonly currentNoiseReduction: NoiseReductionType | null | undefined;
}

/** Maps the page's settings onto core's session options. */
export function toSessionOptions(
  settings: FullSettings,
  context: SessionOptionsContext,
): SessionOptionsInput & { tools: readonly DemoTool[] } {
  const td = settings.turnDetection;
  const transcription = settings.inputAudioTranscription;
  const noise =
    settings.noiseReduction ?? (context.currentNoiseReduction === undefined ? undefined : null);
  return {
    voice: settings.voice,
    instructions: settings.instructions,
    turnDetection:
      td === null
        ? null
        : td.type === 'semantic_vad'
          ? { type: 'semantic_vad', eagerness: td.eagerness }
          : {
              type: 'server_vad',
              threshold: td.threshold,
              prefixPaddingMs: td.prefixPaddingMs,
              silenceDurationMs: td.silenceDurationMs,
            },
    inputAudioTranscription:
      transcription === null
        ? null
        : {
            model: transcription.model,
            ...(transcription.language === undefined ? {} : { language: transcription.language }),
          },
    ...(noise === undefined ? {} : { noiseReduction: noise }),
    tools: settings.toolsEnabled ? context.tools : [],
  };
}
