/** A werift client on loopback for the ws fake's WebRTC tests: a real offer (audio + `oai-events`). */
import { RTCPeerConnection } from 'werift';

/** A browser-like werift client; close its `pc` when done. */
export async function weriftClient() {
  const pc = new RTCPeerConnection({
    // one transport, as a browser bundles: an unbundled one's socket outlives close()
    bundlePolicy: 'max-bundle',
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceFilterCandidatePair: (pair) => pair.remoteCandidate.host === '127.0.0.1',
  });
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  const channel = pc.createDataChannel('oai-events');
  // the first frame the server sends (session.created): the channel is bridged
  const opened = new Promise<void>((resolve) => channel.onMessage.once(() => resolve()));
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, channel, sdp: pc.localDescription!.sdp, opened };
}
