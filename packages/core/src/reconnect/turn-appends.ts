/**
 * A committed turn's appends, read from the ledger's ring (`uncommitted-audio.ts`): as the events
 * to write again (a push-to-talk turn a drop took), or decoded to the samples a restore sends as
 * the turn (one a drop caught before its transcript); and the appends a replay writes again with
 * the commits the drop left unacknowledged.
 * @module
 */
import type { AudioFrame, ClientEvent } from '@voxwire/protocol';
import { base64ToBytes, base64ToPcm16, g711Decode } from '@voxwire/protocol';
import { formatSampleRate, type AudioFormatName } from '../options.js';
import type { AppendRing } from './append-ring.js';

/**
 * The appends of `kept` between `fromMs` and `toMs` (whole appends), with their duration; none
 * when one is not in `format` (the fresh server would hear it as noise).
 */
export function turnAppends(
  kept: AppendRing,
  fromMs: number,
  toMs: number,
  format: AudioFormatName,
): { events: ClientEvent[]; ms: number } {
  const events: ClientEvent[] = [];
  let ms = 0;
  for (let i = 0; i < kept.length; i++) {
    if (kept.endMs(i) <= fromMs) continue;
    if (kept.startMs(i) >= toMs) break;
    if (kept.format(i) !== format) return { events: [], ms: 0 };
    events.push(kept.event(i));
    ms += kept.endMs(i) - kept.startMs(i);
  }
  return { events, ms };
}

/**
 * The audio of `kept` between `fromMs` and `toMs`, decoded to mono PCM16 at its format's rate;
 * `undefined` when less than half of it is kept (older than the ledger's bound) or it was
 * written in two formats. Its start may be missing (a turn longer than the ledger's bound): what
 * goes first is the prefix padding, silence before the words.
 */
export function decodedTurn(
  kept: AppendRing,
  fromMs: number,
  toMs: number,
): AudioFrame | undefined {
  if (kept.length === 0) return undefined;
  const keptFrom = Math.max(kept.startMs(0), fromMs);
  if (toMs - keptFrom < (toMs - fromMs) / 2) return undefined;
  const parts: Int16Array[] = [];
  let format: AudioFormatName | undefined;
  let length = 0;
  for (let i = 0; i < kept.length; i++) {
    if (kept.endMs(i) <= fromMs) continue;
    if (kept.startMs(i) >= toMs) break;
    if (format !== undefined && kept.format(i) !== format) return undefined;
    format = kept.format(i);
    const audio = (kept.event(i) as { audio: string }).audio;
    const samples =
      format === 'pcm16'
        ? base64ToPcm16(audio)
        : g711Decode(base64ToBytes(audio), format === 'g711_ulaw' ? 'ulaw' : 'alaw');
    parts.push(samples);
    length += samples.length;
  }
  if (format === undefined) return undefined;
  const data = new Int16Array(length);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return { data, sampleRate: formatSampleRate(format), channels: 1 };
}

/** Where the server's buffer ends for a commit or clear written and not acknowledged yet. */
export interface Boundary {
  readonly eventId: string | undefined;
  readonly atMs: number;
  readonly kind: 'commit' | 'clear';
}

/**
 * Takes from `events` (the appends to replay, oldest first: the newest of `kept`) those the
 * commits and clears written and not acknowledged (`boundaries`, oldest first) took: a commit's
 * come back with the commit after them, a clear's not at all.
 */
export function pendingCommits(
  kept: AppendRing,
  boundaries: readonly Boundary[] | undefined,
  events: ClientEvent[],
): ClientEvent[] {
  if (boundaries === undefined || events.length === 0) return [];
  const committed: ClientEvent[] = [];
  // the replayed appends are the newest kept, in order: the first of them is this one
  let at = kept.length - events.length;
  let taken = 0;
  for (const boundary of boundaries) {
    const before: ClientEvent[] = [];
    while (taken < events.length && kept.endMs(at) <= boundary.atMs) {
      before.push(events[taken]!);
      taken++;
      at++;
    }
    if (boundary.kind === 'clear' || before.length === 0) continue;
    committed.push(...before, {
      type: 'input_audio_buffer.commit',
      ...(boundary.eventId === undefined ? {} : { event_id: boundary.eventId }),
    });
  }
  events.splice(0, taken);
  return committed;
}
