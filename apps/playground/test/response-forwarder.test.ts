/**
 * The forwarder's ordering: a response's last deltas reach the page before its `response_done`
 * and metrics, even when core reports the end while the stream pumps are still draining.
 */
import type { RealtimeContent, RealtimeMetrics, RealtimeResponse } from '@voxwire/core';
import { describe, expect, it } from 'vitest';
import { ResponseForwarder } from '../src/server/response-forwarder.js';
import type { ServerMessage } from '../src/shared/page-messages.js';

/** A text stream the test feeds by hand and ends when it likes. */
function manualStream(): { stream: AsyncIterable<string>; push(s: string): void; end(): void } {
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    stream: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = queue.shift();
          if (next !== undefined) yield next;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    push: (s) => {
      queue.push(s);
      notify();
    },
    end: () => {
      ended = true;
      notify();
    },
  };
}

describe('ResponseForwarder', () => {
  it('holds response_done and the metrics until the text stream has drained', async () => {
    const sent: ServerMessage[] = [];
    const errors: unknown[] = [];
    let metricsSent!: () => void;
    const metricsArrived = new Promise<void>((resolve) => (metricsSent = resolve));
    const f = new ResponseForwarder(
      (m) => {
        sent.push(m);
        if (m.type === 'metrics') metricsSent();
      },
      () => 0,
      (e) => errors.push(e),
    );
    const text = manualStream();
    f.created({ id: 'resp_1' } as RealtimeResponse);
    f.contentAdded({
      responseId: 'resp_1',
      itemId: 'item_1',
      contentIndex: 0,
      contentType: 'text',
      textStream: text.stream,
    } as unknown as RealtimeContent);
    text.push('Hello ');
    f.done({ id: 'resp_1', status: 'completed' } as RealtimeResponse);
    f.metrics({
      requestId: 'resp_1',
      ttftMs: 5,
      durationMs: 10,
      cancelled: false,
      promptTokens: 1,
      completionTokens: 2,
      totalTokens: 3,
    } as RealtimeMetrics);
    text.push('world');
    text.end();
    expect(sent.map((m) => m.type)).not.toContain('response_done'); // still draining
    await metricsArrived;
    expect(sent.map((m) => (m.type === 'assistant_delta' ? m.delta : m.type))).toEqual([
      'response_created',
      'Hello ',
      'world',
      'response_done',
      'metrics',
    ]);
    expect(errors).toEqual([]);
  });

  it('sends response_done at once when the response has no content (a tool-only response)', () => {
    const sent: ServerMessage[] = [];
    const f = new ResponseForwarder(
      (m) => sent.push(m),
      () => 0,
      () => undefined,
    );
    f.created({ id: 'resp_2' } as RealtimeResponse);
    f.done({ id: 'resp_2', status: 'completed' } as RealtimeResponse);
    expect(sent.map((m) => m.type)).toEqual(['response_created', 'response_done']);
  });
});
