/**
 * Forwards what a response produces to the page: transcript deltas, audio (base64 PCM16),
 * completion, and the per-response metrics with a timeline of its events (ms after
 * `response.created`, measured on the server's clock when each event was handled).
 * @module
 */
import type {
  RealtimeContent,
  RealtimeMetrics,
  RealtimeOutput,
  RealtimeResponse,
} from '@voxwire/core';
import { pcm16ToBase64 } from '@voxwire/protocol';
import type { ServerMessage, TimelineMark } from '../shared/page-messages.js';

interface Track {
  createdAt: number;
  marks: TimelineMark[];
  seen: Set<string>;
}

/** Tracks responses and turns their events into page messages. */
export class ResponseForwarder {
  private readonly tracks = new Map<string, Track>();

  constructor(
    private readonly send: (message: ServerMessage) => void,
    private readonly now: () => number,
    /** Called when a stream fails unexpectedly (never in normal operation). */
    private readonly onStreamError: (error: unknown) => void,
  ) {}

  private mark(responseId: string, kind: string, once = true): void {
    const track = this.tracks.get(responseId);
    if (!track || (once && track.seen.has(kind))) return;
    track.seen.add(kind);
    track.marks.push({ atMs: Math.max(0, this.now() - track.createdAt), kind });
  }

  /** `response_created`. */
  created(response: RealtimeResponse): void {
    this.tracks.set(response.id, {
      createdAt: this.now(),
      marks: [{ atMs: 0, kind: 'created' }],
      seen: new Set(['created']),
    });
    // Bounded: a page left open for hours must not grow this map without end.
    if (this.tracks.size > 64) this.tracks.delete(this.tracks.keys().next().value as string);
    this.send({ type: 'response_created', responseId: response.id });
  }

  /** `response_output_added`: function calls get a timeline mark. */
  outputAdded(output: RealtimeOutput): void {
    if (output.type === 'function_call') this.mark(output.responseId, 'function_call', false);
  }

  /**
   * `response_content_added`: both streams are taken synchronously (they buffer from first read)
   * and pumped to the page.
   */
  contentAdded(content: RealtimeContent): void {
    const { responseId, itemId, contentIndex } = content;
    const text = content.textStream;
    const audio = content.contentType === 'audio' ? content.audioStream : undefined;
    void (async () => {
      for await (const delta of text) {
        this.mark(responseId, 'first_text');
        this.send({ type: 'assistant_delta', responseId, itemId, delta });
      }
    })().catch(this.onStreamError);
    if (audio) {
      void (async () => {
        for await (const frame of audio) {
          this.mark(responseId, 'first_audio');
          this.send({
            type: 'audio',
            responseId,
            itemId,
            contentIndex,
            pcm16: pcm16ToBase64(frame.data),
          });
        }
      })().catch(this.onStreamError);
    }
  }

  /** `response_done`. */
  done(response: RealtimeResponse): void {
    this.mark(response.id, response.status === 'cancelled' ? 'cancelled' : 'done');
    this.send({
      type: 'response_done',
      responseId: response.id,
      status: response.status,
      reason: response.statusDetails?.reason ?? null,
    });
  }

  /** `metrics_collected`: the metrics plus the timeline gathered for that response. */
  metrics(metrics: RealtimeMetrics): void {
    const track = this.tracks.get(metrics.requestId);
    this.tracks.delete(metrics.requestId);
    this.send({
      type: 'metrics',
      responseId: metrics.requestId,
      status: metrics.error?.type ?? (metrics.cancelled ? 'cancelled' : 'completed'),
      ttftMs: metrics.ttftMs < 0 ? null : metrics.ttftMs,
      durationMs: metrics.durationMs,
      tokens: {
        input: metrics.promptTokens,
        output: metrics.completionTokens,
        total: metrics.totalTokens,
      },
      timeline: track?.marks ?? [],
    });
  }
}
