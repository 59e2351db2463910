import { describe, expect, it } from 'vitest';
import { ResponseAudio } from '../src/page/response-audio.js';

describe('ResponseAudio (what the page alone knows about the answers it plays)', () => {
  it("lists a response's audio items on its end, once, and forgets it", () => {
    const a = new ResponseAudio();
    a.created('resp_1');
    expect(a.audio('resp_1', 'item_1')).toBe(true);
    expect(a.audio('resp_1', 'item_1')).toBe(true);
    expect(a.audio('resp_1', 'item_2')).toBe(true);
    expect(a.done('resp_1')).toEqual(['item_1', 'item_2']);
    expect(a.done('resp_1')).toEqual([]);
  });

  it('drops late audio of an item the speaker cut', () => {
    const a = new ResponseAudio();
    a.created('resp_1');
    a.audio('resp_1', 'item_1');
    a.cutItem('item_1');
    expect(a.audio('resp_1', 'item_1')).toBe(false);
    // still ended on response_done: the speaker forgets its counts
    expect(a.done('resp_1')).toEqual(['item_1']);
  });

  it('a turn by hand cuts the newest running response: none of its audio still to come plays', () => {
    const a = new ResponseAudio();
    expect(a.cutNewestResponse()).toBeUndefined();
    a.created('resp_1');
    a.created('resp_2');
    a.done('resp_1');
    a.created('resp_3');
    expect(a.cutNewestResponse()).toBe('resp_3');
    expect(a.audio('resp_3', 'item_9')).toBe(false);
    expect(a.audio('resp_2', 'item_5')).toBe(true);
    a.done('resp_3');
    // the next response plays
    a.created('resp_4');
    expect(a.audio('resp_4', 'item_10')).toBe(true);
  });

  it('clear forgets running responses and cuts (a new session)', () => {
    const a = new ResponseAudio();
    a.created('resp_1');
    a.audio('resp_1', 'item_1');
    a.cutItem('item_1');
    a.cutNewestResponse();
    a.clear();
    expect(a.cutNewestResponse()).toBeUndefined();
    a.created('resp_1');
    expect(a.audio('resp_1', 'item_1')).toBe(true);
  });
});
