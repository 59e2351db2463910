/**
 * The session an Azure ephemeral key is minted with: the caller's, with the deployment names
 * Azure wants where OpenAI takes a model name (the realtime model, the transcription model), as
 * the connector and `withAzure` put them in a session they start.
 * @module
 */
import { type ClientSecretSessionConfig, ConfigurationError } from '@voxwire/node';

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `session` as minted (GA shape; the caller's object is not changed):
 *
 * - `model` defaults to `deployment` for a `realtime` session. A `model: undefined` (a setting
 *   left unset) counts as none: spread over the default, it would send no model at all. A
 *   `transcription` session names none.
 * - With a `transcriptionDeployment`, `audio.input.transcription.model` is that deployment, as
 *   the connector rewrites it in every `session.update` (Azure wants a deployment name there);
 *   a session that names no transcription gets one with it, as `withAzure` starts its sessions
 *   with it, since asking for a transcription deployment is asking for transcription.
 *
 * @throws ConfigurationError `CONFLICTING_OPTIONS` for a `transcriptionDeployment` beside a
 *   session whose transcription is `null` (off): one of the two is a mistake.
 */
export function mintedSession(
  session: ClientSecretSessionConfig,
  deployment: string,
  transcriptionDeployment: string | undefined,
): ClientSecretSessionConfig {
  // not an object: left for the mint's own check to refuse, not spread into one
  if (!isObject(session)) return session;
  const withModel =
    session.type === 'transcription'
      ? session
      : { ...session, model: session['model'] ?? deployment };
  if (transcriptionDeployment === undefined) return withModel;
  const audio = withModel['audio'] ?? {};
  const input = isObject(audio) ? (audio['input'] ?? {}) : undefined;
  // a shape that is not the GA one (an `audio`, `input` or `transcription` that is no object) is
  // sent as given: the server says what is wrong with it, as it would without this option
  if (!isObject(audio) || !isObject(input)) return withModel;
  const transcription = input['transcription'];
  if (transcription === null) {
    throw new ConfigurationError(
      'CONFLICTING_OPTIONS',
      'transcriptionDeployment names a transcription model, but session.audio.input.transcription is null (transcription off). Leave out one of the two.',
    );
  }
  if (transcription !== undefined && !isObject(transcription)) return withModel;
  const given = transcription ?? {};
  return {
    ...withModel,
    audio: {
      ...audio,
      input: { ...input, transcription: { ...given, model: transcriptionDeployment } },
    },
  };
}
