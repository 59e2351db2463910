/**
 * Azure's known differences from OpenAI (protocol.md §5.2), applied to outbound frames just
 * before they reach the socket, so `core` and the codecs stay provider-neutral:
 *
 * 1. Preview (beta) endpoint: refuses GA-only fields and `['audio']`-only modalities → drop
 *    `session.type` / `session.tracing`, widen `['audio']` to `['text','audio']`.
 * 2. GA endpoint: refuses `response.output_modalities` in `response.create` → sent without it
 *    (a bare `response.create` when nothing else is left).
 * 3. A `null` output-token limit is refused → sent as `"inf"`. Core refuses a `null` itself
 *    before sending, so this guards only frames made elsewhere; no limit is core's `"inf"`.
 * 4. The transcription model must be a deployment name → replaced by `transcriptionDeployment`
 *    when one is configured (in a preview `transcription_session.update` as well).
 *
 * (5, the 30-minute limit, is `Connection.maxSessionDurationMs`; 6, the turn-detection and
 * transcription defaults, are `AZURE_DEFAULT_TURN_DETECTION` and
 * `AZURE_DEFAULT_TRANSCRIPTION_MODEL`, which `withAzure` applies.)
 * @module
 */
import type { Dialect, Transport } from '@voxwire/protocol';

/** Options of {@link azureFrameRewriter}. */
export interface AzureFrameRewriteOptions {
  /** The dialect on the wire: `'beta'` for the preview endpoint. */
  readonly dialect: Dialect;
  /**
   * The deployment name of the transcription model; replaces the `model` of input transcription.
   * @default undefined (the model is sent as configured)
   */
  readonly transcriptionDeployment?: string | undefined;
}

/**
 * Only these client events carry fields Azure treats differently (`transcription_session.update`
 * is the beta form of a transcription-only session's update: its model is a deployment too).
 */
const REWRITTEN_TYPES = [
  'session.update',
  'transcription_session.update',
  'response.create',
] as const;
/**
 * How the codecs begin an audio append (`type` first, as the engine builds it): such frames,
 * the bulk of the traffic, pass without a scan. Frame size says nothing: a `session.update`
 * with long instructions or many tool schemas can be larger than any append.
 */
const APPEND_PREFIX = '{"type":"input_audio_buffer.append"';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A function that rewrites one outbound frame for Azure, returning it unchanged (the same
 * string) when nothing needed changing. Never throws: a frame it cannot parse goes out as is.
 */
export function azureFrameRewriter(options: AzureFrameRewriteOptions): (frame: string) => string {
  const beta = options.dialect === 'beta';
  return (frame) => {
    // cheap pre-check: audio appends and most events pass without a parse
    if (frame.startsWith(APPEND_PREFIX) || !REWRITTEN_TYPES.some((t) => frame.includes(`"${t}"`)))
      return frame;
    let event: unknown;
    try {
      event = JSON.parse(frame);
    } catch {
      return frame;
    }
    if (!isObject(event)) return frame;
    let changed = false;
    if (event['type'] === 'session.update' && isObject(event['session'])) {
      changed = beta
        ? rewriteBetaSession(event['session'], options)
        : rewriteGaSession(event['session'], options);
    } else if (event['type'] === 'transcription_session.update' && isObject(event['session'])) {
      changed = setTranscriptionModel(
        event['session']['input_audio_transcription'],
        options.transcriptionDeployment,
      );
    } else if (event['type'] === 'response.create' && isObject(event['response'])) {
      const response = event['response'];
      changed = beta ? rewriteBetaResponse(response) : rewriteGaResponse(response);
      if (Object.keys(response).length === 0) delete event['response'];
    }
    return changed ? JSON.stringify(event) : frame;
  };
}

function nullToInf(target: Json, key: string): boolean {
  if (key in target && target[key] === null) {
    target[key] = 'inf';
    return true;
  }
  return false;
}

function setTranscriptionModel(transcription: unknown, deployment: string | undefined): boolean {
  if (deployment === undefined || !isObject(transcription) || transcription['model'] === deployment)
    return false;
  transcription['model'] = deployment;
  return true;
}

function widenAudioOnly(target: Json, key: string): boolean {
  const value = target[key];
  if (Array.isArray(value) && value.length === 1 && value[0] === 'audio') {
    target[key] = ['text', 'audio'];
    return true;
  }
  return false;
}

function rewriteGaSession(session: Json, options: AzureFrameRewriteOptions): boolean {
  let changed = nullToInf(session, 'max_output_tokens');
  const audio = session['audio'];
  if (isObject(audio) && isObject(audio['input'])) {
    changed =
      setTranscriptionModel(audio['input']['transcription'], options.transcriptionDeployment) ||
      changed;
  }
  return changed;
}

function rewriteBetaSession(session: Json, options: AzureFrameRewriteOptions): boolean {
  let changed = nullToInf(session, 'max_response_output_tokens');
  for (const key of ['type', 'tracing'] as const) {
    if (key in session) {
      delete session[key];
      changed = true;
    }
  }
  changed = widenAudioOnly(session, 'modalities') || changed;
  changed =
    setTranscriptionModel(session['input_audio_transcription'], options.transcriptionDeployment) ||
    changed;
  return changed;
}

function rewriteGaResponse(response: Json): boolean {
  let changed = nullToInf(response, 'max_output_tokens');
  if ('output_modalities' in response) {
    delete response['output_modalities'];
    changed = true;
  }
  return changed;
}

function rewriteBetaResponse(response: Json): boolean {
  let changed = nullToInf(response, 'max_output_tokens');
  changed = nullToInf(response, 'max_response_output_tokens') || changed;
  return widenAudioOnly(response, 'modalities') || changed;
}

/**
 * A transport that passes every outbound frame through `rewrite` and is otherwise the inner
 * transport (callbacks, close, bufferedAmount, raw).
 */
export function rewritingTransport<T extends Transport>(
  inner: T,
  rewrite: (frame: string) => string,
): Transport & { readonly inner: T } {
  return {
    inner,
    start: () => inner.start(),
    send: (frame) => inner.send(rewrite(frame)),
    close: (code, reason) => inner.close(code, reason),
    get bufferedAmount() {
      // 0 when the inner transport cannot tell: nothing known to be queued
      return inner.bufferedAmount ?? 0;
    },
    get raw() {
      return inner.raw;
    },
    get onmessage() {
      return inner.onmessage;
    },
    set onmessage(handler) {
      inner.onmessage = handler;
    },
    get onclose() {
      return inner.onclose;
    },
    set onclose(handler) {
      inner.onclose = handler;
    },
    get onerror() {
      return inner.onerror;
    },
    set onerror(handler) {
      inner.onerror = handler;
    },
  };
}
