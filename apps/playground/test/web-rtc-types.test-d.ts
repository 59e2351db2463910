/**
 * A browser's own `RTCPeerConnection` and `fetch` are what `webRtcConnector` takes, with no cast,
 * in a strict project with the DOM lib (`exactOptionalPropertyTypes` included), as core's README
 * shows. Checked by the type checker (vitest typecheck and `tsc`): a mismatch fails the build.
 */
import { expectTypeOf, test } from 'vitest';
import { webRtcConnector } from '@voxwire/core';
import type {
  FetchLike,
  RtcPeerConnectionConstructor,
  RtcPeerConnectionLike,
  RtcTrackEventLike,
} from '@voxwire/protocol';

test("the browser's objects fit the connector's structural types", () => {
  // plain assignments: the checker refuses any that does not fit
  const ctor: RtcPeerConnectionConstructor = RTCPeerConnection;
  const peer: RtcPeerConnectionLike = new RTCPeerConnection();
  const fetchLike: FetchLike = fetch.bind(globalThis);
  const track: RtcTrackEventLike = new RTCTrackEvent('track', {} as RTCTrackEventInit);
  expectTypeOf([ctor, peer, fetchLike, track]).toBeArray();
  // the README's call, verbatim in its types
  const connector = () =>
    webRtcConnector({
      RTCPeerConnection,
      fetch: fetch.bind(globalThis),
      clientSecret: () => 'ek_x',
      onRemoteAudio: (e) => {
        new Audio().srcObject = e.streams[0] as MediaStream;
      },
    });
  expectTypeOf(connector).toBeFunction();
});
