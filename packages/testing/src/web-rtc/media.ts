/**
 * The media tracks of the scripted WebRTC peer: a fake microphone a test speaks into, and the
 * model's voice the peer announces in `ontrack`.
 * @module
 */
import type { RtcMediaTrackLike } from '@voxwire/protocol';
import { FakeServerError, FakeServerOptionsError } from '../errors.js';
import { speechThenSilence, type SpokenTurnOptions } from '../helpers.js';

/** A fake microphone track (`kit.microphone()`): what the test "says" reaches the call's server. */
export interface FakeMicrophone extends RtcMediaTrackLike {
  readonly kind: 'audio';
  /** A unique id, as a `MediaStreamTrack` has. */
  readonly id: string;
  /**
   * Feeds PCM16 mono 24 kHz samples to the server of the call this track was added to, as the
   * media path carries them: the server's VAD, commits and transcription hear them exactly as
   * they would `input_audio_buffer.append` (no client event is recorded: none was sent). Audio
   * spoken while no call is up (not added to a peer, not connected yet, closed) is dropped, as
   * a real track's is: nothing buffers it.
   * @returns whether the audio reached a server
   */
  speak(pcm: Int16Array): boolean;
  /**
   * Speaks `speechMs` of a tone then `silenceMs` of silence (`speechThenSilence`, at 24 kHz):
   * the server's VAD hears one turn, committed once the silence reaches the session's
   * `silence_duration_ms`. Unlike `speak`, it does not drop a turn silently: a turn is a step
   * of the test, which would otherwise wait for an answer that cannot come.
   * @returns `true` when the whole turn reached the server; `false` when the call ended during
   *   it (its start was heard)
   * @throws FakeServerError `NO_OPEN_CONNECTION` when none of it reached a server: the track is
   *   on no call that is up (not added to a peer, the peer not connected yet, which takes a
   *   few microtasks after `setRemoteDescription`, or the call closed)
   * @throws FakeServerOptionsError on durations `speechThenSilence` refuses, or another `sampleRate`
   */
  speakTurn(speechMs: number, silenceMs: number, options?: SpokenTurnOptions): boolean;
}

/** The model's voice, as `ontrack` hands it to the app. */
export interface FakeRemoteAudioTrack extends RtcMediaTrackLike {
  readonly kind: 'audio';
  /** A unique id, as a `MediaStreamTrack` has. */
  readonly id: string;
  /** The call whose server plays into it. */
  readonly callId: string;
}

/** The remote stream `ontrack` names (`event.streams[0]`), to attach to an `<audio>` element. */
export interface FakeMediaStream {
  /** A unique id, as a `MediaStream` has. */
  readonly id: string;
  /** Its one track. */
  getTracks(): readonly FakeRemoteAudioTrack[];
}

/** Where a microphone's audio goes: the call it is up on, if any. */
export type MicrophoneSink = (pcm: Int16Array) => boolean;

/** A microphone plus the setter its peer uses to route it. */
export interface WiredMicrophone {
  readonly track: FakeMicrophone;
  /** Routes (or, with `undefined`, stops routing) the track's audio. */
  route(sink: MicrophoneSink | undefined): void;
}

/** Makes a microphone track. */
export function createMicrophone(id: string): WiredMicrophone {
  let sink: MicrophoneSink | undefined;
  const track: FakeMicrophone = {
    kind: 'audio',
    id,
    speak: (pcm) => (pcm.length > 0 && sink ? sink(pcm) : false),
    speakTurn: (speechMs, silenceMs, options = {}) => {
      // the media path here is 24 kHz PCM16: another rate would be heard at the wrong speed
      if (options.sampleRate !== undefined && options.sampleRate !== 24_000)
        throw new FakeServerOptionsError(
          `speakTurn: the fake microphone speaks 24 kHz PCM16, got sampleRate ${options.sampleRate}`,
        );
      const frames = speechThenSilence(speechMs, silenceMs, options);
      let heard = 0;
      for (const frame of frames) if (track.speak(frame.data)) heard++;
      if (heard === 0)
        throw new FakeServerError(
          'NO_OPEN_CONNECTION',
          `speakTurn: microphone ${id} is on no call that is up, so the turn would be lost (a WebRTC peer connects a few microtasks after setRemoteDescription: advance the clock first; a SIP call must be accepted)`,
        );
      return heard === frames.length;
    },
  };
  return { track, route: (next) => (sink = next) };
}
