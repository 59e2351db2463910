import { describe, expect, it } from 'vitest';
import type { TruncateRequest } from '../src/page/truncation-gate.js';
import { TruncationGate } from '../src/page/truncation-gate.js';

function gate(): { gate: TruncationGate; sent: TruncateRequest[] } {
  const sent: TruncateRequest[] = [];
  return { gate: new TruncationGate((r) => sent.push(r)), sent };
}

describe('TruncationGate', () => {
  it('holds the truncate of an item whose response still runs, and sends it on response_done', () => {
    const { gate: g, sent } = gate();
    g.responseCreated('resp_1');
    g.audio('resp_1', 'item_1');
    expect(g.anyActive).toBe(true);
    g.truncate({ itemId: 'item_1', contentIndex: 0, audioEndMs: 420 });
    expect(sent).toEqual([]);
    expect(g.itemsOf('resp_1')).toEqual(['item_1']);
    g.responseDone('resp_1');
    expect(sent).toEqual([{ itemId: 'item_1', contentIndex: 0, audioEndMs: 420 }]);
    expect(g.anyActive).toBe(false);
    expect(g.itemsOf('resp_1')).toEqual([]);
  });

  it('sends at once when the response is already over or unknown', () => {
    const { gate: g, sent } = gate();
    g.responseCreated('resp_1');
    g.audio('resp_1', 'item_1');
    g.responseDone('resp_1');
    g.truncate({ itemId: 'item_1', contentIndex: 0, audioEndMs: 10 });
    g.truncate({ itemId: 'item_unknown', contentIndex: 0, audioEndMs: 0 });
    expect(sent.map((r) => r.itemId)).toEqual(['item_1', 'item_unknown']);
  });

  it('another response ending releases nothing; clear drops held truncations', () => {
    const { gate: g, sent } = gate();
    g.responseCreated('resp_1');
    g.responseCreated('resp_2');
    g.audio('resp_1', 'item_1');
    g.truncate({ itemId: 'item_1', contentIndex: 0, audioEndMs: 5 });
    g.responseDone('resp_2');
    expect(sent).toEqual([]);
    g.clear();
    g.responseDone('resp_1');
    expect(sent).toEqual([]);
  });

  it('a turn after an interruption waits until every held truncation is sent, then goes at once', () => {
    const order: string[] = [];
    const g = new TruncationGate((r) => order.push(`truncate ${r.itemId}`));
    g.afterHeld(() => order.push('turn 0'));
    expect(order).toEqual(['turn 0']);
    g.responseCreated('resp_1');
    g.responseCreated('resp_2');
    g.audio('resp_1', 'item_1');
    g.audio('resp_2', 'item_2');
    g.truncate({ itemId: 'item_1', contentIndex: 0, audioEndMs: 5 });
    g.truncate({ itemId: 'item_2', contentIndex: 0, audioEndMs: 7 });
    g.afterHeld(() => order.push('turn 1'));
    g.responseDone('resp_1');
    expect(order).toEqual(['turn 0', 'truncate item_1']);
    g.responseDone('resp_2');
    expect(order).toEqual(['turn 0', 'truncate item_1', 'truncate item_2', 'turn 1']);
    // the session ended with a turn waiting: it is dropped with the truncations
    g.responseCreated('resp_3');
    g.audio('resp_3', 'item_3');
    g.truncate({ itemId: 'item_3', contentIndex: 0, audioEndMs: 1 });
    g.afterHeld(() => order.push('turn 2'));
    g.clear();
    g.responseDone('resp_3');
    expect(order).toHaveLength(4);
  });
});
