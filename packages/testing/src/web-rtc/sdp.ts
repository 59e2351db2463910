/**
 * The SDP the scripted WebRTC peer offers and the fake calls endpoint answers: plausible,
 * browser-shaped text (one `m=audio`, one `m=application … webrtc-datachannel`), enough for a
 * connector that only passes it along. Nothing is negotiated: the fake links peers in memory.
 * @module
 */

const CRLF = '\r\n';

/** What an offer carries. */
export interface OfferShape {
  /** The audio section's direction: `sendrecv` with a microphone track, `recvonly` without. */
  readonly audio: 'sendrecv' | 'recvonly' | undefined;
  /** Whether a data channel was created (an `m=application` section). */
  readonly dataChannel: boolean;
}

function session(id: string, ufrag: string, bundle: string): string[] {
  return [
    'v=0',
    `o=- ${id} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${bundle}`,
    'a=msid-semantic: WMS',
    `a=ice-ufrag:${ufrag}`,
    'a=ice-pwd:voxwirefakeicepassword0000',
    'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
  ];
}

function audioSection(mid: string, direction: string, setup: string): string[] {
  return [
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    `a=${direction}`,
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
  ];
}

function channelSection(mid: string, setup: string): string[] {
  return [
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    'a=sctp-port:5000',
    'a=max-message-size:262144',
  ];
}

/** A browser-like offer with the sections `shape` asks for (audio first, as browsers order them). */
export function offerSdp(id: string, ufrag: string, shape: OfferShape): string {
  const mids = [
    ...(shape.audio ? ['0'] : []),
    ...(shape.dataChannel ? [shape.audio ? '1' : '0'] : []),
  ];
  const lines = [
    ...session(id, ufrag, mids.join(' ')),
    ...(shape.audio ? audioSection('0', shape.audio, 'actpass') : []),
    ...(shape.dataChannel ? channelSection(shape.audio ? '1' : '0', 'actpass') : []),
  ];
  return lines.join(CRLF) + CRLF;
}

/**
 * What an offer body holds, or why the calls endpoint refuses it: it must be SDP (`v=0` first)
 * with an audio section and a data channel section (the events travel on the channel).
 */
export function readOffer(body: string): OfferShape | { readonly refused: string } {
  if (!/^v=0\r?\n/.test(body)) return { refused: 'The request body is not an SDP offer.' };
  const audio = /^m=audio\s/m.test(body);
  const dataChannel = /^m=application\s+\S+\s+\S+\s+webrtc-datachannel/m.test(body);
  if (!audio) return { refused: 'The SDP offer has no audio media section (m=audio).' };
  if (!dataChannel)
    return {
      refused:
        'The SDP offer has no data channel section (m=application … webrtc-datachannel): the events travel on a data channel.',
    };
  const recvonly = /^a=recvonly\s*$/m.test(body);
  return { audio: recvonly ? 'recvonly' : 'sendrecv', dataChannel };
}

/** The answer to `offer`: the server sends audio back, and its ICE username names the call. */
export function answerSdp(id: string, callToken: string, offer: OfferShape): string {
  const lines = [
    ...session(id, callToken, '0 1'),
    ...audioSection('0', offer.audio === 'recvonly' ? 'sendonly' : 'sendrecv', 'active'),
    ...channelSection('1', 'active'),
  ];
  return lines.join(CRLF) + CRLF;
}

/** The call an answer names (its session-level ICE username), if any. */
export function callTokenOf(answer: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(answer)?.[1];
}
