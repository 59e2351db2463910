/**
 * Bundled for the page by `browser-webrtc.test.ts`: `@voxwire/core`'s `webRtcConnector` on the
 * browser's own `RTCPeerConnection`, `fetch` and (fake) microphone, against the ws fake's real
 * WebRTC endpoint. Every peer the connector makes is kept (a subclass), so the run can read its
 * RTP stats and check that none is left open.
 */
import { RealtimeModel, webRtcConnector, type RealtimeSession } from '@voxwire/core';

/** What one run in the page reports back. */
export interface WebRtcRun {
  /** `session.audioPath` once connected. */
  readonly audioPath: string | undefined;
  /** The first answer: its status and transcript. */
  readonly first:
    { readonly id: string; readonly status: string; readonly text: string } | undefined;
  /** The second answer's id and what `interrupt()` reported. */
  readonly second:
    { readonly id: string; readonly clearedResponseId: string | undefined } | undefined;
  /** `response_done` and `output_audio_*` in the order they came: `kind:responseId`. */
  readonly timeline: string[];
  /** Whether `ontrack` (`onRemoteAudio`) fired with a stream. */
  readonly remoteStream: boolean;
  /** The remote audio's `inbound-rtp` packetsReceived, read before closing. */
  readonly inboundPackets: number;
  /** Requests the connector made to the calls endpoint. */
  readonly posts: number;
  /** How long `model.close()` took, ms (it waits for the channel's close, `closeTimeoutMs` at most). */
  readonly closeMs: number | undefined;
  /** Each peer's `connectionState` after `model.close()`. */
  readonly peerStates: string[];
  readonly errors: string[];
  readonly closedWith: string | undefined;
}

/** Resolves with the next `name` event of the response `responseId`. */
function next<T>(
  session: RealtimeSession,
  name: 'output_audio_started' | 'output_audio_stopped' | 'output_audio_cleared',
  responseId: string,
): Promise<T> {
  return new Promise((resolve) => {
    const off = session.on(name, (event) => {
      if (event.responseId !== responseId) return;
      off();
      resolve(event as T);
    });
  });
}

async function inboundPackets(pc: RTCPeerConnection | undefined): Promise<number> {
  let packets = 0;
  (await pc?.getStats())?.forEach(
    (s: { type: string; kind?: string; packetsReceived?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') packets = s.packetsReceived ?? 0;
    },
  );
  return packets;
}

async function run(url: string, secret: string, talk: boolean): Promise<WebRtcRun> {
  const errors: string[] = [];
  const timeline: string[] = [];
  const peers: RTCPeerConnection[] = [];
  class KeptPeer extends RTCPeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peers.push(this);
    }
  }
  let posts = 0;
  const countingFetch: typeof fetch = (input, init) => {
    posts++;
    return fetch(input, init);
  };
  let remoteStream = false;
  const audio = document.createElement('audio');
  audio.autoplay = true;
  document.body.append(audio);
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const model = new RealtimeModel({
    connector: webRtcConnector({
      RTCPeerConnection: KeptPeer,
      fetch: countingFetch,
      url,
      clientSecret: () => secret,
      microphone: stream.getAudioTracks()[0],
      onRemoteAudio: (e) => {
        remoteStream = e.streams.length > 0;
        audio.srcObject = e.streams[0] as MediaStream;
      },
    }),
    instructions: 'Be brief.',
  });
  const session = model.session();
  session.on('error', (error) => errors.push(`${error.name}:${'code' in error ? error.code : ''}`));
  session.on('response_done', (r) => timeline.push(`done:${r.id}`));
  session.on('output_audio_started', (e) => timeline.push(`started:${e.responseId}`));
  session.on('output_audio_stopped', (e) => timeline.push(`stopped:${e.responseId}`));
  session.on('output_audio_cleared', (e) => timeline.push(`cleared:${e.responseId}`));
  const closed = new Promise<string>((resolve) =>
    session.once('closed', ({ error }) => resolve(error?.code ?? 'closed')),
  );
  let audioPath: string | undefined;
  let first: WebRtcRun['first'];
  let second: WebRtcRun['second'];
  let packets = 0;
  let closeMs: number | undefined;
  try {
    await session.conversation.item.create({ role: 'user', content: 'Hello over WebRTC' });
    audioPath = session.audioPath;
    if (talk) {
      // a short answer, played out: started, then stopped after response_done
      const answer = await session.response.generate();
      const stopped = next(session, 'output_audio_stopped', answer.id);
      await answer.done;
      await stopped;
      first = { id: answer.id, status: answer.status, text: answer.text };
      // a long answer: generated at once, played for seconds; cut once it is done generating
      const long = await session.response.generate();
      const started = next(session, 'output_audio_started', long.id);
      const cleared = next(session, 'output_audio_cleared', long.id);
      await long.done;
      await started;
      const result = await session.interrupt();
      await cleared;
      second = { id: long.id, clearedResponseId: result.clearedResponseId };
      packets = await inboundPackets(peers[0]);
    }
    const closing = performance.now();
    await model.close();
    closeMs = performance.now() - closing;
  } catch (error) {
    // a refused connection rejects what was asked of it: the `closed` event says why
    errors.push(`thrown:${(error as { code?: string }).code ?? String(error)}`);
  }
  stream.getTracks().forEach((t) => t.stop());
  audio.remove();
  return {
    audioPath,
    first,
    second,
    timeline,
    remoteStream,
    inboundPackets: packets,
    posts,
    closeMs,
    closedWith: await closed,
    peerStates: peers.map((pc) => pc.connectionState),
    errors,
  };
}

(globalThis as unknown as { voxwireWebRtc: typeof run }).voxwireWebRtc = run;
