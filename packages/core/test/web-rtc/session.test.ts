/**
 * A real session over webRtcConnector: a scripted peer whose data channel is bridged to an
 * in-memory fake server connection, so the events the engine sends on the channel reach the
 * fake and its answers come back on the channel. Shows a session connects over WebRTC, sends
 * its configuration and gets a text response; then closes, letting the peer go.
 */
import { createFakeServer, SimulatedClock, type FakeServerKit } from '@voxwire/testing';
import type { RtcPeerConnectionConstructor, RtcSessionDescriptionLike } from '@voxwire/protocol';
import { expect, it } from 'vitest';
import { RealtimeModel, webRtcConnector, type RealtimeResponse } from '../../src/index.js';
import { fakeFetch, FakePeer } from './fake-rtc.js';

/** A peer that, once the answer is applied, opens a fake server connection behind its channel. */
function bridgedRtc(kit: FakeServerKit): {
  RTCPeerConnection: RtcPeerConnectionConstructor;
  peers: FakePeer[];
} {
  const peers: FakePeer[] = [];
  class BridgedPeer extends FakePeer {
    constructor(configuration?: unknown) {
      super(configuration, { openOnAnswer: false });
      peers.push(this);
    }

    override async setRemoteDescription(description: RtcSessionDescriptionLike): Promise<void> {
      await super.setRemoteDescription(description);
      const { transport } = await kit.connector({
        attempt: 0,
        signal: new AbortController().signal,
      });
      const channel = this.channel;
      channel.send = (data) => {
        channel.sent.push(data);
        transport.send(data);
      };
      channel.close = () => {
        channel.closeCalls++;
        channel.readyState = 'closing';
        void transport.close();
      };
      transport.onmessage = (frame) => channel.message(frame);
      transport.onclose = () => channel.closed();
      void transport.start().then(() => channel.open());
    }
  }
  return { RTCPeerConnection: BridgedPeer, peers };
}

it('a session connects over webRtcConnector and a text response comes back', async () => {
  const clock = new SimulatedClock();
  const kit = createFakeServer({ clock });
  kit.server.queueResponse((ctx) => ctx.say('Hello over WebRTC!'));
  const rtc = bridgedRtc(kit);
  const http = fakeFetch();
  const model = new RealtimeModel({
    connector: webRtcConnector({
      RTCPeerConnection: rtc.RTCPeerConnection,
      fetch: http.fetch,
      clientSecret: async () => 'ek_page_secret',
      clock,
    }),
    clock,
    modalities: ['text'],
  });
  const session = model.session();
  const errors: unknown[] = [];
  session.on('error', (error) => errors.push(error));
  const done = new Promise<RealtimeResponse>((resolve) => session.once('response_done', resolve));
  void session.conversation.item.create({ role: 'user', content: 'Hi!' });
  const requested = session.response.create();
  await clock.advanceAsync(0);

  expect(http.calls).toHaveLength(1);
  expect(http.calls[0]!.headers['Authorization']).toBe('Bearer ek_page_secret');
  expect(await requested).toBe(true);
  const response = await done;
  expect(response.status).toBe('completed');
  expect(response.text).toBe('Hello over WebRTC!');
  // the events went over the channel, to the fake server
  const sent = rtc.peers[0]!.channel.sent.map(
    (frame) => (JSON.parse(frame) as { type: string }).type,
  );
  expect(sent).toEqual(expect.arrayContaining(['session.update', 'response.create']));
  expect(errors).toEqual([]);

  const closed = model.close();
  await clock.advanceAsync(0);
  await closed;
  expect(rtc.peers).toHaveLength(1);
  expect(rtc.peers[0]!.closeCalls).toBe(1);
  expect(rtc.peers[0]!.channel.closeCalls).toBeGreaterThan(0);
});

it('an onRemoteAudio that throws while connecting is reported on error once the session is open', async () => {
  const clock = new SimulatedClock();
  const kit = createFakeServer({ clock });
  const rtc = bridgedRtc(kit);
  const model = new RealtimeModel({
    connector: webRtcConnector({
      RTCPeerConnection: rtc.RTCPeerConnection,
      fetch: fakeFetch().fetch,
      clientSecret: 'ek_page_secret',
      onRemoteAudio: () => {
        throw new Error('no audio element');
      },
      clock,
    }),
    clock,
  });
  const session = model.session();
  const errors: { code?: string; message: string }[] = [];
  session.on('error', (error) => errors.push(error as never));
  await clock.advanceAsync(0);
  // the browser fires ontrack inside setRemoteDescription, before the channel opens
  expect(session.connectionState.status).toBe('open');
  await clock.advanceAsync(10_000);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ code: 'LISTENER_FAILED' });
  expect(errors[0]!.message).toContain('no audio element');
  expect(session.connectionState.status).toBe('open');
  await model.close();
});
