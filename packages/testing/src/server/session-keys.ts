/**
 * The fields a `session.update` (and a client-secret mint's `session`) may name, by dialect and
 * session type, and the raw checks made before the values: unknown keys (`unknown_parameter`
 * with the dotted path, protocol.md §7.2), the GA-required `type`, and a switch of `type`.
 * @module
 */
import type { Dialect } from '@voxwire/protocol';
import { Errors, type ServerErrorBody } from './error-catalog.js';
import {
  BETA_TOOL_KEYS,
  findUnknownKey,
  GA_TOOL_KEYS,
  KNOWN,
  REASONING_KEYS,
  type KeyPick,
  type KeyTree,
} from './known-keys.js';
import { isObject } from './wire.js';

// `RealtimeAudioInputTurnDetection` (Appendix A/C) is a union on `type`: server_vad's tuning
// fields are not semantic_vad's, which has only its eagerness and the two flags
const SERVER_VAD_KEYS: KeyTree = {
  type: KNOWN,
  threshold: KNOWN,
  prefix_padding_ms: KNOWN,
  silence_duration_ms: KNOWN,
  idle_timeout_ms: KNOWN,
  create_response: KNOWN,
  interrupt_response: KNOWN,
};
const SEMANTIC_VAD_KEYS: KeyTree = {
  type: KNOWN,
  eagerness: KNOWN,
  create_response: KNOWN,
  interrupt_response: KNOWN,
};
const GA_TURN_DETECTION_KEYS: KeyPick = (td) =>
  td['type'] === 'semantic_vad' ? SEMANTIC_VAD_KEYS : SERVER_VAD_KEYS;
// beta's `Session.TurnDetection` (Appendix B) is one flat object with both types' fields
const BETA_TURN_DETECTION_KEYS: KeyTree = { ...SERVER_VAD_KEYS, ...SEMANTIC_VAD_KEYS };
// protocol.md §4.11: `{model, language?, prompt?}`; GA adds `languages`, `keywords`, `delay`
const GA_TRANSCRIPTION_KEYS: KeyTree = {
  model: KNOWN,
  language: KNOWN,
  prompt: KNOWN,
  languages: KNOWN,
  keywords: KNOWN,
  delay: KNOWN,
};
const BETA_TRANSCRIPTION_KEYS: KeyTree = { model: KNOWN, language: KNOWN, prompt: KNOWN };
const NOISE_REDUCTION_KEYS: KeyTree = { type: KNOWN };
const GA_AUDIO_INPUT_KEYS: KeyTree = {
  format: { type: KNOWN, rate: KNOWN },
  transcription: GA_TRANSCRIPTION_KEYS,
  noise_reduction: NOISE_REDUCTION_KEYS,
  turn_detection: GA_TURN_DETECTION_KEYS,
};
// `RealtimeSessionCreateRequest` (Appendix A; `RealtimeSessionCreateRequestGA`, Appendix C)
const GA_REALTIME_SESSION_KEYS: KeyTree = {
  type: KNOWN,
  model: KNOWN,
  instructions: KNOWN,
  output_modalities: KNOWN,
  tools: GA_TOOL_KEYS,
  tool_choice: KNOWN,
  max_output_tokens: KNOWN,
  tracing: KNOWN,
  truncation: KNOWN,
  prompt: KNOWN,
  include: KNOWN,
  parallel_tool_calls: KNOWN,
  reasoning: REASONING_KEYS,
  audio: {
    input: GA_AUDIO_INPUT_KEYS,
    output: { format: { type: KNOWN, rate: KNOWN }, voice: KNOWN, speed: KNOWN },
  },
};
// `RealtimeTranscriptionSessionCreateRequest` (Appendix A): `type`, input audio and `include`
// only; a realtime field (instructions, output, tools, …) is unknown to it
const GA_TRANSCRIPTION_SESSION_KEYS: KeyTree = {
  type: KNOWN,
  audio: { input: GA_AUDIO_INPUT_KEYS },
  include: KNOWN,
};
const BETA_SESSION_KEYS: KeyTree = {
  // beta `SessionUpdateEvent.Session` (Appendix B) lists it
  client_secret: KNOWN,
  model: KNOWN,
  modalities: KNOWN,
  instructions: KNOWN,
  voice: KNOWN,
  input_audio_format: KNOWN,
  output_audio_format: KNOWN,
  input_audio_transcription: BETA_TRANSCRIPTION_KEYS,
  input_audio_noise_reduction: NOISE_REDUCTION_KEYS,
  turn_detection: BETA_TURN_DETECTION_KEYS,
  tools: BETA_TOOL_KEYS,
  tool_choice: KNOWN,
  temperature: KNOWN,
  max_response_output_tokens: KNOWN,
  speed: KNOWN,
  tracing: KNOWN,
  include: KNOWN,
  prompt: KNOWN,
};

/**
 * Checks the raw `session` of a `session.update` frame (in the wire dialect) for unknown keys
 * (against the fields of the session type it names, else of `currentType`), the GA-required
 * `type`, and a change of `type`. Returns the first error, as the real server reports one at a
 * time.
 * @param currentType the connection's session type; `undefined` (a mint, a call's session)
 * takes either. @default undefined
 */
export function checkRawSessionUpdate(
  raw: unknown,
  dialect: Dialect,
  eventId: string | null,
  currentType?: string,
): ServerErrorBody | undefined {
  // an absent field is `missing_required_parameter` (protocol.md §7.10), a wrong kind of value
  // is not
  if (raw === undefined) return Errors.missingParameter('session', eventId);
  if (!isObject(raw)) return Errors.wrongType('session', 'an object', eventId);
  if (dialect === 'beta') {
    const unknown = findUnknownKey(raw, BETA_SESSION_KEYS, 'session');
    return unknown ? Errors.unknownParameter(unknown, eventId) : undefined;
  }
  const type = raw['type'] ?? currentType;
  const tree = type === 'transcription' ? GA_TRANSCRIPTION_SESSION_KEYS : GA_REALTIME_SESSION_KEYS;
  const unknown = findUnknownKey(raw, tree, 'session');
  if (unknown) return Errors.unknownParameter(unknown, eventId);
  if (raw['type'] === undefined) return Errors.missingParameter('session.type', eventId);
  // Assumed: protocol.md does not say what the server does when an update switches a
  // realtime session to transcription or back (a transcription session is one the client asked
  // for at connect, `?intent=transcription`). Merging would give an object of neither type, so
  // the fake refuses the switch, naming the only type the session takes.
  const known = raw['type'] === 'realtime' || raw['type'] === 'transcription';
  if (currentType !== undefined && known && raw['type'] !== currentType)
    return Errors.invalidValue('session.type', raw['type'], [currentType], eventId);
  return undefined;
}
