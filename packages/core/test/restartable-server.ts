/**
 * A session on a fake server whose ids start over at a reconnect, as a restarted
 * `voxwire-fake-server` would hand them out (restarted-server-ids*.test.ts).
 * @module
 */
import type { IdGenerator } from '@voxwire/protocol';
import { setup, type DIALECTS } from './helpers.js';

/** One counter per prefix: the first response of each connection is `resp_1`, and so on. */
function perPrefixIds(): IdGenerator {
  const counts = new Map<string, number>();
  return (prefix) => {
    const n = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, n);
    return `${prefix}_${n}`;
  };
}

/**
 * `setup(dialect, model, server)` on a fake whose ids come from {@link perPrefixIds}; `restart()`
 * drops the connection, and the server that answers the reconnect counts its ids from 1 again.
 */
export function restartable(
  dialect: (typeof DIALECTS)[number],
  model: Parameters<typeof setup>[1] = {},
  server: Parameters<typeof setup>[2] = {},
) {
  let ids = perPrefixIds();
  const s = setup(dialect, { random: () => 0, ...model }, { ...server, generateId: (p) => ids(p) });
  return {
    s,
    /** Drops the connection; the server that answers the reconnect counts its ids from 1 again. */
    async restart(): Promise<void> {
      ids = perPrefixIds();
      s.server.close(1006, 'network');
      await s.settle();
      await s.clock.advanceAsync(1000);
    },
  };
}
