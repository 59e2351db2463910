/** A werift client on loopback for the ws fake's WebRTC tests: a real offer (audio + `oai-events`). */
import { RTCPeerConnection } from 'werift';

/** A browser-like werift client; close its `pc` when done. */
export async function weriftClient(
  options: {
    /** The data channel's label. @default 'oai-events' */
    label?: string;
    /** The audio transceiver's direction. @default 'sendrecv' */
    direction?: 'sendrecv' | 'recvonly';
  } = {},
) {
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
  pc.addTransceiver('audio', { direction: options.direction ?? 'sendrecv' });
  const channel = pc.createDataChannel(options.label ?? 'oai-events');
  // the events the server sent, in order, and a way to wait for one (each arrival wakes it)
  const inbox: { type: string; [key: string]: unknown }[] = [];
  let wake = () => {};
  channel.onMessage.subscribe((data) => {
    inbox.push(JSON.parse(data.toString()) as { type: string });
    wake();
  });
  const event = async (type: string) => {
    for (;;) {
      const found = inbox.find((e) => e.type === type);
      if (found) return found;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  // the first frame the server sends (session.created): the channel is bridged
  const opened = event('session.created').then(() => undefined);
  const channelOpen = new Promise<void>((resolve) =>
    channel.stateChanged.subscribe((state) => state === 'open' && resolve()),
  );
  const channelClosed = new Promise<void>((resolve) =>
    channel.stateChanged.subscribe((state) => state === 'closed' && resolve()),
  );
  await pc.setLocalDescription(await pc.createOffer());
  return {
    pc,
    channel,
    sdp: pc.localDescription!.sdp,
    opened,
    channelOpen,
    channelClosed,
    inbox,
    event,
  };
}
