/**
 * Forwards what a response produces to the page: transcript deltas, audio (base64 PCM16),
 * completion, and the per-response metrics with a timeline of its events (ms after
 * `response.created`, measured on the server's clock when each event was handled).
 *
 * The content streams are pumped asynchronously, so their last deltas can still be on their way
 * when core reports `response_done`. `response_done` and the metrics wait for the response's
 * pumps to drain: the page never sees a response end before its last words and audio (the page
 * tells the speaker an item is complete on `response_done`).
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
  /** Stream pumps of this response (settled, never rejected). */
  pumps: Promise<void>[];
  /** Set on `response_done` while pumps are draining: later messages of the response wait on it. */
  drained?: Promise<void>;
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
      pumps: [],
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
    const pumps = this.tracks.get(responseId)?.pumps;
    const pump = (run: () => Promise<void>) => {
      const settled = run().catch(this.onStreamError);
      pumps?.push(settled);
    };
    pump(async () => {
      for await (const delta of text) {
        this.mark(responseId, 'first_text');
        this.send({ type: 'assistant_delta', responseId, itemId, delta });
      }
    });
    if (audio) {
      pump(async () => {
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
      });
    }
  }

  /** `response_done`. */
  done(response: RealtimeResponse): void {
    this.mark(response.id, response.status === 'cancelled' ? 'cancelled' : 'done');
    const message: ServerMessage = {
      type: 'response_done',
      responseId: response.id,
      status: response.status,
      reason: response.statusDetails?.reason ?? null,
    };
    const track = this.tracks.get(response.id);
    if (!track || track.pumps.length === 0) {
      this.send(message);
      return;
    }
    track.drained = Promise.all(track.pumps).then(() => this.send(message));
  }

  /** `metrics_collected`: the metrics plus the timeline gathered for that response. */
  metrics(metrics: RealtimeMetrics): void {
    const track = this.tracks.get(metrics.requestId);
    this.tracks.delete(metrics.requestId);
    const message: ServerMessage = {
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
    };
    // After the response's `response_done`, which may be waiting for its streams to drain.
    if (track?.drained) void track.drained.then(() => this.send(message));
    else this.send(message);
  }
}
