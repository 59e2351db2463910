/**
 * GA server frames for the load server, serialised once and reused. The server must cost the same
 * for every client under test, so nothing here depends on which client is connected, and the big
 * audio payload is base64-encoded once per process, never per send.
 * @module
 */

/** Samples per second of the wire audio (GA `audio/pcm`). */
export const WIRE_SAMPLE_RATE = 24_000;
/** Bytes of PCM16 mono in 100 ms at 24 kHz: one downstream audio delta. */
export const DELTA_PCM_BYTES = (WIRE_SAMPLE_RATE / 10) * 2;
/** Bytes of PCM16 mono in 20 ms at 24 kHz: one upstream frame. */
export const FRAME_PCM_BYTES = (WIRE_SAMPLE_RATE / 50) * 2;

/**
 * A 440 Hz tone of `bytes / 2` PCM16 samples. Not silence, so the base64 text looks like real
 * audio (silence would be a run of `A`s that some code paths could special-case).
 */
export function tonePcm16(bytes: number, phase = 0): Int16Array {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes % 2 !== 0) {
    throw new RangeError(`tonePcm16 needs a non-negative even byte count, got ${bytes}`);
  }
  const samples = new Int16Array(bytes / 2);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (i + phase)) / WIRE_SAMPLE_RATE));
  }
  return samples;
}

/** The GA session object the server announces (shape of a real `session.created`, protocol.md §4.11). */
export function baseSession(id: string, model: string): Record<string, unknown> {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: 'You are a load generator.',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    // Fixed, so frames are byte-identical between runs; the clients never check expiry.
    expires_at: 2_000_000_000,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: WIRE_SAMPLE_RATE },
        transcription: null,
        noise_reduction: null,
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 200,
          idle_timeout_ms: null,
          create_response: true,
          interrupt_response: true,
        },
      },
      output: { format: { type: 'audio/pcm', rate: WIRE_SAMPLE_RATE }, voice: 'marin', speed: 1 },
    },
    include: null,
  };
}

/**
 * Merge a client's `session.update` into the effective session, the way the server echoes the full
 * configuration in `session.updated` (partial update: only fields present change).
 */
export function mergeSession(
  base: Record<string, unknown>,
  update: unknown,
): Record<string, unknown> {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(update)) {
    const prev = out[key];
    out[key] =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      prev !== null &&
      typeof prev === 'object' &&
      !Array.isArray(prev)
        ? mergeSession(prev as Record<string, unknown>, value)
        : value;
  }
  return out;
}

/** What one response looks like on the wire. */
export interface ResponsePlan {
  /** Response id (`resp_…`). */
  readonly responseId: string;
  /** Assistant item id (`item_…`). */
  readonly itemId: string;
  /** The item before this one in the conversation, or null for the first. */
  readonly previousItemId: string | null;
  /** Number of audio deltas (each 100 ms of 24 kHz PCM16). */
  readonly deltas: number;
  /** `response.metadata` echoed from the `response.create` that asked for it (livekit matches on it). */
  readonly metadata: Record<string, unknown> | null;
}

/** The frames of one response, split so a pacer can send the head, each chunk and the tail on time. */
export interface ResponseFrames {
  /** response.created, output_item.added, conversation.item.added, content_part.added. */
  readonly head: readonly Buffer[];
  /** For each 100 ms chunk: the transcript delta then the audio delta (GA interleaves them). */
  readonly chunks: readonly (readonly [transcript: Buffer, audio: Buffer])[];
  /** The done events, ending with response.done. */
  readonly tail: readonly Buffer[];
  /** Number of frames in head + chunks + tail. */
  readonly frameCount: number;
}

/** Base64 of one 100 ms tone, built once per process (the same bytes for every client). */
let deltaBase64: string | undefined;
function audioDeltaBase64(): string {
  deltaBase64 ??= Buffer.from(tonePcm16(DELTA_PCM_BYTES).buffer).toString('base64');
  return deltaBase64;
}

/** The transcript text carried by chunk `k`. */
export function transcriptWord(k: number): string {
  return `word${k} `;
}

/**
 * Serialise one GA audio response. Event ids are counters: unique within a connection, which is all
 * the protocol requires, and deterministic.
 */
export function buildResponse(plan: ResponsePlan, nextEventId: () => string): ResponseFrames {
  const { responseId: response_id, itemId: item_id, deltas } = plan;
  if (!Number.isInteger(deltas) || deltas < 1)
    throw new RangeError(`a response needs at least one delta, got ${deltas}`);
  const ids = { response_id, item_id, output_index: 0, content_index: 0 };
  const enc = (event: Record<string, unknown>): Buffer =>
    Buffer.from(JSON.stringify({ event_id: nextEventId(), ...event }));
  const itemInProgress = {
    id: item_id,
    object: 'realtime.item',
    type: 'message',
    status: 'in_progress',
    role: 'assistant',
    content: [],
  };
  const responseBase = {
    id: response_id,
    object: 'realtime.response',
    conversation_id: 'conv_bench',
    output_modalities: ['audio'],
    max_output_tokens: 'inf',
    audio: { output: { format: { type: 'audio/pcm', rate: WIRE_SAMPLE_RATE }, voice: 'marin' } },
    metadata: plan.metadata,
  };
  const head = [
    enc({
      type: 'response.created',
      response: { ...responseBase, status: 'in_progress', output: [] },
    }),
    enc({ type: 'response.output_item.added', response_id, output_index: 0, item: itemInProgress }),
    enc({
      type: 'conversation.item.added',
      previous_item_id: plan.previousItemId,
      item: itemInProgress,
    }),
    enc({ type: 'response.content_part.added', ...ids, part: { type: 'audio', transcript: '' } }),
  ];
  const audio = audioDeltaBase64();
  const chunks: [Buffer, Buffer][] = [];
  let transcript = '';
  for (let k = 0; k < deltas; k++) {
    const word = transcriptWord(k);
    transcript += word;
    chunks.push([
      enc({ type: 'response.output_audio_transcript.delta', ...ids, delta: word }),
      enc({ type: 'response.output_audio.delta', ...ids, delta: audio }),
    ]);
  }
  const itemDone = {
    ...itemInProgress,
    status: 'completed',
    content: [{ type: 'output_audio', transcript }],
  };
  const tail = [
    enc({ type: 'response.output_audio.done', ...ids }),
    enc({ type: 'response.output_audio_transcript.done', ...ids, transcript }),
    enc({ type: 'response.content_part.done', ...ids, part: { type: 'audio', transcript } }),
    enc({ type: 'conversation.item.done', previous_item_id: plan.previousItemId, item: itemDone }),
    enc({ type: 'response.output_item.done', response_id, output_index: 0, item: itemDone }),
    enc({
      type: 'response.done',
      response: {
        ...responseBase,
        status: 'completed',
        output: [itemDone],
        usage: {
          total_tokens: 20 + deltas * 2,
          input_tokens: 20,
          output_tokens: deltas * 2,
          input_token_details: {
            text_tokens: 20,
            audio_tokens: 0,
            image_tokens: 0,
            cached_tokens: 0,
            cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
          },
          output_token_details: { text_tokens: deltas, audio_tokens: deltas },
        },
      },
    }),
  ];
  return { head, chunks, tail, frameCount: head.length + chunks.length * 2 + tail.length };
}

/** Frames in a response of `deltas` audio deltas (head 4, two per chunk, tail 6). */
export function framesPerResponse(deltas: number): number {
  return 4 + deltas * 2 + 6;
}
