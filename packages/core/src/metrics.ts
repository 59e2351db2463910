/**
 * Per-response metrics, as the seed's `MultimodalLLMMetrics` but timed by the injected clock
 * (milliseconds, not seconds) and safe against a zero duration.
 * @module
 */
import type { RealtimeResponse } from './responses/tree.js';

/** Input token breakdown. */
export interface InputTokenDetails {
  /** Tokens served from the prompt cache. */
  cachedTokens: number;
  /** Text input tokens. */
  textTokens: number;
  /** Audio input tokens. */
  audioTokens: number;
  /** Image input tokens (GA: `input_image` content); 0 on beta, which has no images. */
  imageTokens: number;
  /** Cached tokens by kind (`imageTokens`: GA only, else 0). */
  cachedTokensDetails: { textTokens: number; audioTokens: number; imageTokens: number };
}

/** Output token breakdown. */
export interface OutputTokenDetails {
  /** Text output tokens. */
  textTokens: number;
  /** Audio output tokens. */
  audioTokens: number;
}

/** Metrics of one response (`metrics_collected`). */
export interface RealtimeMetrics {
  /** Clock time of `response.created`, ms. */
  timestamp: number;
  /** The response id. */
  requestId: string;
  /** Source label (the seed used its class path). */
  label: string;
  /** Time to first token: `response.created` → first text or audio delta, ms; -1 if none came. */
  ttftMs: number;
  /** `response.created` → end, ms. */
  durationMs: number;
  /** Whether the response was cancelled. */
  cancelled: boolean;
  /** Output tokens (the seed's `completion_tokens`). */
  completionTokens: number;
  /** Input tokens (the seed's `prompt_tokens`). */
  promptTokens: number;
  /** Total tokens. */
  totalTokens: number;
  /** Output tokens per second of duration; 0 when the duration is 0. */
  tokensPerSecond: number;
  /** Input token breakdown. */
  inputTokenDetails: InputTokenDetails;
  /** Output token breakdown. */
  outputTokenDetails: OutputTokenDetails;
  /** For failed or incomplete responses: what went wrong; `null` otherwise. */
  error: MetricsError | null;
}

/** The error of a failed or incomplete response (the seed's `MultimodalLLMError`). */
export interface MetricsError {
  /** The status: `failed` or `incomplete`. */
  type: 'failed' | 'incomplete';
  /** The reason (`max_output_tokens`, `content_filter`, `connection_lost`, …), when given. */
  reason: string | null;
  /** The error code, for failed responses. */
  code: string | null;
  /** The error message or type, for failed responses. */
  message: string | null;
}

/** Label used in metrics. */
export const METRICS_LABEL = 'voxwire.core.RealtimeSession';

/** Computes the metrics of an ended response at clock time `now`. */
export function computeMetrics(response: RealtimeResponse, now: number): RealtimeMetrics {
  const u = response.usage ?? undefined;
  const durationMs = Math.max(0, now - response.createdAt);
  const outputTokens = u?.output_tokens ?? 0;
  const inD = u?.input_token_details ?? undefined;
  const outD = u?.output_token_details ?? undefined;
  const cached = inD?.cached_tokens_details ?? undefined;
  let error: MetricsError | null = null;
  if (response.status === 'failed' || response.status === 'incomplete') {
    const d = response.statusDetails;
    error = {
      type: response.status,
      reason: d?.reason ?? null,
      code: d?.error?.code ?? null,
      message: d?.error?.message ?? d?.error?.type ?? null,
    };
  }
  return {
    timestamp: response.createdAt,
    requestId: response.id,
    label: METRICS_LABEL,
    ttftMs: response.firstTokenAt === undefined ? -1 : response.firstTokenAt - response.createdAt,
    durationMs,
    cancelled: response.status === 'cancelled',
    completionTokens: outputTokens,
    promptTokens: u?.input_tokens ?? 0,
    totalTokens: u?.total_tokens ?? 0,
    tokensPerSecond: durationMs > 0 ? outputTokens / (durationMs / 1000) : 0,
    inputTokenDetails: {
      cachedTokens: inD?.cached_tokens ?? 0,
      textTokens: inD?.text_tokens ?? 0,
      audioTokens: inD?.audio_tokens ?? 0,
      imageTokens: inD?.image_tokens ?? 0,
      cachedTokensDetails: {
        textTokens: cached?.text_tokens ?? 0,
        audioTokens: cached?.audio_tokens ?? 0,
        imageTokens: cached?.image_tokens ?? 0,
      },
    },
    outputTokenDetails: {
      textTokens: outD?.text_tokens ?? 0,
      audioTokens: outD?.audio_tokens ?? 0,
    },
    error,
  };
}
