/**
 * One phone call: a Twilio Media Streams socket bridged to a realtime session.
 *
 * - The session runs in G.711 µ-law both ways (GA `audio/pcmu`), Twilio's own format: the
 *   caller's audio goes in and the answer comes out at 8 kHz, never resampled.
 * - The answer's audio is cut into 20 ms frames (a chunk's remainder goes out with the next
 *   chunk: `frames.ts`), each sent to Twilio as a `media` message followed by a `mark`. Twilio
 *   echoes a mark once the audio before it has played, and only then is it reported to the
 *   engine (`session.playback.played`): the answer is cut at what the caller heard, within a
 *   frame, not at what was sent (Twilio holds seconds of it; peers.md §3), and Twilio gets even
 *   frames of its own size (only an answer's last may be short).
 * - When the caller speaks (`input_speech_started`) Twilio is sent `clear` and the session
 *   `interrupt()`s: the answer is cancelled and truncated at the marks confirmed.
 * - Twilio's `stop` or the socket's close closes the session; the session's end closes the socket.
 *   A socket that sends no `start` within `startTimeoutMs` is closed (1008) with its session.
 * @module
 */
import type { RealtimeModel } from '@voxwire/core';
import type { AudioContentRef } from '@voxwire/core';
import { base64ToBytes, bytesToBase64, g711Encode, systemClock } from '@voxwire/protocol';
import type { AudioFrame, Clock } from '@voxwire/protocol';
import type { RawData, WebSocket } from 'ws';
import { watchOwedAnswer } from './answer-owed.js';
import { ConfigError } from './config.js';
import { createFrameCutter } from './frames.js';
import type { UlawFrame } from './frames.js';
import { resolveHeartbeatMs, startHeartbeat } from './heartbeat.js';
import { consoleLog } from './log.js';
import { clearMessage, markMessage, mediaMessage, parseTwilioMessage } from './twilio-messages.js';
import type { TwilioInbound, TwilioOutbound } from './twilio-messages.js';
import {
  CloseCodes,
  DEFAULT_HANG_UP_WAIT_MS,
  MAX_HANG_UP_WAIT_MS,
  DEFAULT_MAX_MESSAGES_BEFORE_START,
  TWILIO_SAMPLE_RATE,
  resolveFrameMs,
  resolveMaxMarks,
  resolveStartTimeoutMs,
} from './bridge-options.js';
import type { BridgeCall, BridgeOptions } from './bridge-options.js';

export * from './bridge-options.js';

/** Audio sent to Twilio of one content part, waiting for a mark to come back. */
interface Part {
  readonly content: AudioContentRef;
  /** ms of audio: the frames themselves are not kept (1.6 KB of PCM per 100 ms). */
  ms: number;
}

/** Adds `ms` of `content` to `parts`, into the last part when it is the same content. */
function addPart(parts: Part[], content: AudioContentRef, ms: number): void {
  const last = parts.at(-1);
  if (last?.content.itemId === content.itemId && last.content.contentIndex === content.contentIndex)
    last.ms += ms;
  else parts.push({ content, ms });
}

const decoder = new TextDecoder();

function textOf(data: RawData): string {
  if (Array.isArray(data)) return decoder.decode(Buffer.concat(data));
  return decoder.decode(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
}

/** A WebSocket close reason fits in 123 bytes. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -2);
  return reason;
}

/**
 * Bridges one Twilio Media Streams `socket` (already open) to a new session of `model`. Never
 * throws for what Twilio sends: a malformed or unknown message is logged and skipped.
 */
export function bridgeCall(
  socket: WebSocket,
  model: RealtimeModel,
  options: BridgeOptions = {},
): BridgeCall {
  const log = options.log ?? consoleLog;
  const maxBeforeStart = options.maxMessagesBeforeStart ?? DEFAULT_MAX_MESSAGES_BEFORE_START;
  const frameMs = resolveFrameMs(options.frameMs);
  const maxMarks = resolveMaxMarks(options.maxMarksOutstanding);
  const heartbeatMs = resolveHeartbeatMs(options.heartbeatMs);
  const startTimeoutMs = resolveStartTimeoutMs(options.startTimeoutMs);
  const session = model.session({
    ...options.sessionOverrides,
    inputAudioFormat: 'g711_ulaw',
    outputAudioFormat: 'g711_ulaw',
  });
  let streamSid: string | undefined;
  let callSid: string | undefined;
  let customParameters: Readonly<Record<string, string>> = {};
  const beforeStart: TwilioOutbound[] = [];
  // mark name → the audio it follows; emptied by a clear (Twilio echoes those marks too, but
  // their audio was dropped, not heard), and bounded by maxMarks
  const pending = new Map<string, Part[]>();
  // audio sent without a mark (pending was full): the next mark sent covers it
  let unmarked: Part[] = [];
  // the session's output is the bridge's g711_ulaw (forced above): one byte a sample at 8 kHz
  const frames = createFrameCutter(Math.max(1, Math.round((TWILIO_SAMPLE_RATE * frameMs) / 1000)));
  let warnedMarks = false;
  let markSeq = 0;
  let ending = false;
  // the hang-up waiting for the responses in progress and the marks after their audio
  let hangingUp: (() => void) | undefined;
  let hangUpTimer: ReturnType<Clock['setTimeout']> | undefined;
  const clock = options.clock ?? systemClock;
  // `maxMessagesBeforeStart` counts only what the bridge sends: a peer that opens the stream and
  // says nothing would keep the session (and its bill) open until the socket dies
  const startTimer = clock.setTimeout(() => {
    if (streamSid !== undefined || ending) return;
    log('error', 'no start message from Twilio in time: ending the call', { startTimeoutMs });
    void end(CloseCodes.policy, `no start message within ${startTimeoutMs} ms`);
  }, startTimeoutMs);
  // the answer to the last response's function calls (an end_call tool's goodbye) is heard too
  const answerOwed = watchOwedAnswer(session, () => hangUpIfPlayed());
  const allPlayed = (): boolean =>
    !answerOwed() &&
    // a response the app asked for (a goodbye) and the server has not started yet
    !session.responseRequested &&
    session.activeResponse === undefined &&
    pending.size === 0 &&
    unmarked.length === 0 &&
    // the end of an answer not sent yet (it goes out at the part's end)
    !frames.holding;
  const hangUpIfPlayed = (): void => {
    if (hangingUp !== undefined && allPlayed()) hangingUp();
  };

  const send = (message: TwilioOutbound): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  // media and marks need the streamSid: before `start`, hold them (bounded)
  // a mark after the audio sent so far (the unmarked parts), unless maxMarks wait already
  const sendMark = (): void => {
    if (pending.size >= maxMarks) {
      if (!warnedMarks)
        log('warn', 'Twilio is not echoing marks: audio goes on without them meanwhile', {
          outstanding: pending.size,
          callSid,
        });
      warnedMarks = true;
      return;
    }
    const name = String(++markSeq);
    pending.set(name, unmarked);
    unmarked = [];
    sendToStream((sid) => markMessage(sid, name));
  };
  const sendToStream = (build: (sid: string) => TwilioOutbound): void => {
    if (streamSid !== undefined) return send(build(streamSid));
    if (beforeStart.length >= maxBeforeStart) {
      log('error', 'no start message from Twilio: ending the call', { held: beforeStart.length });
      void end(CloseCodes.policy, `no start message after ${maxBeforeStart} messages`);
      return;
    }
    beforeStart.push(build(''));
  };

  // each frame is one `media` and its mark: the mark counts exactly the ms that frame holds
  const sendFrames = (cut: readonly UlawFrame[]): void => {
    for (const { content, bytes } of cut) {
      if (ending) return;
      const payload = bytesToBase64(bytes);
      addPart(unmarked, content, (bytes.length * 1000) / TWILIO_SAMPLE_RATE);
      sendToStream((sid) => mediaMessage(sid, payload));
      sendMark();
    }
  };

  session.on('response_audio', (frame: AudioFrame, content) => {
    if (ending) return;
    sendFrames(frames.push(content, g711Encode(frame.data, 'ulaw')));
  });
  // the part's (or the response's) last frame: only it may be short
  session.on('response_content_done', (content) => sendFrames(frames.flush(content)));
  session.on('response_done', () => sendFrames(frames.flush()));

  session.on('input_speech_started', () => {
    // the caller speaks: drop what Twilio still holds, then cut the answer at the marks heard
    if (streamSid !== undefined) send(clearMessage(streamSid));
    else beforeStart.length = 0;
    pending.clear();
    unmarked = [];
    frames.drop();
    // a hang-up waiting for the goodbye to play: what is left of it will never play now, so the
    // call ends here (no cut to tell a session being closed). While the goodbye still streams,
    // the interrupt cancels it and the response's end hangs up.
    if (hangingUp !== undefined && allPlayed()) return hangingUp();
    session.interrupt().catch((error: unknown) => {
      log('warn', 'interrupt failed', { error: messageOf(error), callSid });
    });
  });

  session.on('error', (error) => {
    log('warn', 'session error', { code: error.code, message: error.message, callSid });
    // a goodbye the server refused will never play: the hang-up need not wait for it
    hangUpIfPlayed();
  });

  session.on('closed', ({ error }) => {
    if (error === undefined) void end(CloseCodes.normal, 'call ended');
    else void end(CloseCodes.error, `session ended: ${error.code}`);
  });

  const onMark = (name: string): void => {
    const parts = pending.get(name);
    // a mark of cleared audio, or one the bridge never sent: nothing was heard
    if (parts === undefined) return;
    pending.delete(name);
    for (const part of parts) session.playback.played(part.content, part.ms);
    // audio sent while no mark could be: a mark for it now that there is room
    if (unmarked.length > 0) sendMark();
    // the phone played everything it was sent: a barge-in now cuts nothing
    if (pending.size === 0) session.playback.stopped();
    hangUpIfPlayed();
  };

  const handle = (message: TwilioInbound): void => {
    switch (message.event) {
      case 'connected':
        return;
      case 'start': {
        clock.clearTimeout(startTimer);
        streamSid = message.start.streamSid;
        callSid = message.start.callSid;
        const format = message.start.mediaFormat;
        if (format && (format.encoding !== 'audio/x-mulaw' || format.sampleRate !== 8_000))
          log('warn', 'unexpected media format: the bridge speaks µ-law 8 kHz', {
            format,
            callSid,
          });
        customParameters = message.start.customParameters ?? {};
        log('info', 'call started', { streamSid, callSid });
        for (const held of beforeStart.splice(0)) send({ ...held, streamSid });
        options.onStart?.(call, session);
        return;
      }
      case 'media': {
        // only the caller's audio (a <Stream track="both_tracks"> also sends the outbound track)
        if (message.media.track !== undefined && message.media.track !== 'inbound') return;
        const bytes = base64ToBytes(message.media.payload);
        if (bytes.length === 0) return;
        try {
          // the session's input is µ-law too: Twilio's bytes go out as they are
          session.inputAudioBuffer.appendEncoded(bytes);
        } catch (error) {
          log('warn', 'media skipped', { error: messageOf(error), callSid });
        }
        return;
      }
      case 'mark':
        return onMark(message.mark.name);
      case 'dtmf':
        log('info', 'dtmf', { digit: message.dtmf.digit, callSid });
        options.onDtmf?.(message.dtmf.digit, session);
        return;
      case 'stop':
        log('info', 'call stopped by Twilio', { callSid });
        void end(CloseCodes.normal, 'stream stopped');
        return;
    }
  };

  socket.on('message', (data, isBinary) => {
    if (ending) return;
    if (isBinary) {
      log('warn', 'binary frame skipped (Twilio sends JSON text)', { callSid });
      return;
    }
    const parsed = parseTwilioMessage(textOf(data));
    if (!parsed.ok) {
      log('warn', 'Twilio message skipped', {
        problem: parsed.problem,
        event: parsed.event,
        detail: parsed.detail,
        callSid,
      });
      return;
    }
    try {
      handle(parsed.message);
    } catch (error) {
      // an exception out of a socket listener would tear the socket (and the call) down
      log('error', 'Twilio message handling failed', {
        event: parsed.message.event,
        error: messageOf(error),
        callSid,
      });
    }
  });
  socket.on('close', (code, reason) => {
    // Twilio's hang-up (or a dropped connection) without `stop`: the call's only trace otherwise
    if (!ending)
      log('info', 'call ended: Twilio closed the socket', {
        code,
        reason: reason.toString(),
        callSid,
      });
    void end(CloseCodes.normal, 'socket closed');
  });
  socket.on('error', (error) => log('warn', 'Twilio socket error', { error: error.message }));
  const stopHeartbeat =
    heartbeatMs === false
      ? () => {}
      : startHeartbeat(socket, options.clock ?? systemClock, heartbeatMs, () => {
          log('warn', 'Twilio socket unresponsive: ending the call', { heartbeatMs, callSid });
          // no close handshake on a dead connection: its 'close' ends the session
          socket.terminate();
        });

  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  async function end(code: number, reason: string): Promise<void> {
    if (ending) return ended;
    ending = true;
    hangingUp = undefined;
    if (hangUpTimer !== undefined) clock.clearTimeout(hangUpTimer);
    clock.clearTimeout(startTimer);
    stopHeartbeat();
    pending.clear();
    unmarked = [];
    frames.drop();
    beforeStart.length = 0;
    try {
      await session.close();
    } catch (error) {
      log('warn', 'session close failed', { error: messageOf(error), callSid });
    }
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
      socket.close(code, closeReason(reason));
    resolveEnded();
    return ended;
  }

  const call: BridgeCall = {
    session,
    get streamSid() {
      return streamSid;
    },
    get callSid() {
      return callSid;
    },
    get customParameters() {
      return customParameters;
    },
    get marksOutstanding() {
      return pending.size;
    },
    ended,
    close: () => end(CloseCodes.normal, 'call ended'),
    hangUp: (hangUpOptions = {}) => {
      if (ending || hangingUp !== undefined) return ended;
      const waitMs = hangUpOptions.maxWaitMs ?? DEFAULT_HANG_UP_WAIT_MS;
      // a NaN, negative or infinite wait would run the timer at once (Node's setTimeout)
      if (!(waitMs >= 0 && waitMs <= MAX_HANG_UP_WAIT_MS))
        return Promise.reject(
          new ConfigError(
            `hangUp's maxWaitMs must be a number of ms from 0 to ${MAX_HANG_UP_WAIT_MS}, got ${waitMs}`,
          ),
        );
      hangUpTimer = clock.setTimeout(() => hangingUp?.(), waitMs);
      hangingUp = () => void end(CloseCodes.normal, 'call ended');
      hangUpIfPlayed();
      return ended;
    },
  };
  return call;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
