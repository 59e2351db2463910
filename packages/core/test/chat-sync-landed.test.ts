/**
 * A `setChatCtx` built from a copy taken while an item create was on its way: the copy cannot
 * show the item, so the sync keeps it. Syncs run one after the other; one queued behind another
 * may be planned only once the create has been answered (the item is in the mirror by then), and
 * it must keep the item all the same (a tool's output deleted so leaves the model waiting).
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS, openSession, setup } from './helpers.js';

describe.each(DIALECTS)(
  'a sync queued behind another, a create answered meanwhile (%s)',
  (dialect) => {
    it('keeps the item the copy could not show', async () => {
      const s = setup(dialect);
      const session = await openSession(s);
      await Promise.all([
        session.conversation.item.create({ id: 'item_a', role: 'user', content: 'An old note.' }),
        s.settle(),
      ]);
      // the next item's echo, and everything after it, comes a second late
      s.server.faults.delay('conversation.item.added', 1_000, 2);
      const created = session.conversation.item.create({
        id: 'item_x',
        role: 'user',
        content: 'Just said.',
      });
      // the app trims its history twice from one copy (the oldest message goes): the first waits
      // for its delete's answer, behind the late echo; the second is planned after that, when
      // item_x is in the mirror
      const copy = session.chatCtxCopy().items;
      expect(copy.map((i) => i.id)).toEqual(['item_a']);
      const trims = [session.setChatCtx(copy.slice(1)), session.setChatCtx(copy.slice(1))];
      await s.clock.advanceAsync(2_000);
      await expect(created).resolves.toBeDefined();
      await expect(Promise.all(trims)).resolves.toBeDefined();
      expect(s.server.conversation.map((i) => i['id'])).toEqual(['item_x']);
      expect(session.chatCtxCopy().items.map((i) => i.id)).toEqual(['item_x']);
      await session.close();
    });
  },
);
