/**
 * A connector wrapper that disturbs the server → client frame stream the way a faulty proxy or
 * server would, at one chosen frame: deliver it twice (same `event_id`), or swap it with the
 * frame after it. The fake server's own rules cannot swap two frames; this sits between the
 * fake's transport and the session, so the frames stay byte-for-byte what the server sent.
 */
import type { Clock, Connection, Connector, TimerId, Transport } from '@voxwire/protocol';

// a held frame that nothing overtakes (the client waits for it) arrives this late instead
const HOLD_MS = 50;

export type Disturbance = 'duplicate' | 'swap';

export interface Shuffler {
  readonly connector: Connector;
  /** From now on count frames; disturb the `index`-th (0-based). One disturbance per arm. */
  arm(index: number, what: Disturbance): void;
  /** Counts frames from now on without disturbing any (for a reference run). */
  count(): void;
  /** Frames counted since the last `arm`/`count`. */
  readonly seen: number;
  /** Types of the disturbed frames (the held and the overtaking one for a swap). */
  readonly disturbed: string[];
}

const typeOf = (frame: string | Uint8Array): string => {
  if (typeof frame !== 'string') return '<binary>';
  try {
    return String((JSON.parse(frame) as { type?: unknown }).type);
  } catch {
    return '<malformed>';
  }
};

export function shuffler(inner: Connector, clock: Clock): Shuffler {
  let counting = false;
  let seen = 0;
  let target = -1;
  let what: Disturbance = 'duplicate';
  const disturbed: string[] = [];

  const wrap = (t: Transport): Transport => {
    let held: string | Uint8Array | undefined;
    let timer: TimerId | undefined;
    const release = (): void => {
      clock.clearTimeout(timer);
      timer = undefined;
      const late = held;
      held = undefined;
      if (late !== undefined) deliver(late);
    };
    const outer: Transport = {
      start: () => t.start(),
      send: (frame) => t.send(frame),
      close: (code, reason) => t.close(code, reason),
      get bufferedAmount() {
        return t.bufferedAmount ?? 0;
      },
      raw: t,
    };
    const deliver = (frame: string | Uint8Array): void => outer.onmessage?.(frame);
    t.onmessage = (frame) => {
      const index = counting ? seen++ : -1;
      if (index === target && index >= 0) {
        disturbed.push(typeOf(frame));
        if (what === 'duplicate') {
          deliver(frame);
          deliver(frame);
          return;
        }
        held = frame;
        timer = clock.setTimeout(release, HOLD_MS);
        return;
      }
      deliver(frame);
      if (held !== undefined) {
        disturbed.push(typeOf(frame));
        release();
      }
    };
    t.onclose = (code, reason) => {
      // a frame held for a swap that nothing overtook still arrives, before the close
      release();
      outer.onclose?.(code, reason);
    };
    t.onerror = (error) => outer.onerror?.(error);
    return outer;
  };

  return {
    connector: async (attempt) => {
      const c: Connection = await inner(attempt);
      return { ...c, transport: wrap(c.transport) };
    },
    arm(index, kind) {
      counting = true;
      seen = 0;
      target = index;
      what = kind;
    },
    count() {
      counting = true;
      seen = 0;
      target = -1;
    },
    get seen() {
      return seen;
    },
    disturbed,
  };
}
