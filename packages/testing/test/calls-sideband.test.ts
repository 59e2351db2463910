/**
 * Side-band connections (`?call_id=`): a server's socket joins a WebRTC call's session, sees
 * its events, runs its tools; closing it keeps the call; the call's end closes it.
 */
import { RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import { createFakeServer, createFakeWebRtc, SimulatedClock } from '../src/index.js';

type Ev = { type: string; [k: string]: any };

const flush = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

async function webRtcCall() {
  const clock = new SimulatedClock();
  const kit = createFakeWebRtc({ clock });
  const pc = new kit.RTCPeerConnection();
  pc.addTrack(kit.microphone());
  const channel = pc.createDataChannel(RTC_EVENTS_CHANNEL);
  const media: Ev[] = [];
  channel.onmessage = (e) => media.push(JSON.parse(String(e.data)) as Ev);
  let mediaClosed = false;
  channel.onclose = () => (mediaClosed = true);
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const res = await kit.fetch('https://api.openai.com/v1/realtime/calls', {
    method: 'POST',
    headers: { Authorization: 'Bearer sk-test', 'Content-Type': 'application/sdp' },
    body: offer.sdp ?? '',
  });
  const callId = String(res.headers.get('location')).split('/').pop() ?? '';
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  await flush();
  return {
    clock,
    kit,
    server: kit.server,
    pc,
    channel,
    media,
    callId,
    mediaClosed: () => mediaClosed,
  };
}

async function sideband(server: ReturnType<typeof createFakeWebRtc>['server'], callId: string) {
  const { transport } = createFakeServer({ server, callId });
  const events: Ev[] = [];
  let closed: { code: number; reason: string } | undefined;
  transport.onmessage = (frame) => events.push(JSON.parse(String(frame)) as Ev);
  transport.onclose = (code, reason) => (closed = { code, reason });
  await transport.start();
  await flush();
  return {
    transport,
    events,
    types: () => events.map((e) => e.type),
    send: (e: Ev) => transport.send(JSON.stringify(e)),
    closed: () => closed,
  };
}

describe('side-band connections to a WebRTC call', () => {
  it("the call is registered active; a side-band gets its session's session.created, then its events", async () => {
    const c = await webRtcCall();
    const call = c.server.calls[0];
    expect(call).toMatchObject({ callId: c.callId, kind: 'webrtc', state: 'active' });
    expect(call?.connection).toBe(c.kit.calls[0]?.connection);
    const sb = await sideband(c.server, c.callId);
    expect(sb.types()).toEqual(['session.created']);
    expect(sb.events[0]?.session.id).toBe(call?.connection?.session['id']);
    // one session: no second connection was made for the side-band
    expect(c.server.connections).toHaveLength(1);
    c.server.queueResponse((ctx) => ctx.say('Hi'));
    c.channel.send(JSON.stringify({ type: 'response.create' }));
    await c.clock.advanceAsync(0);
    await flush();
    const mediaTypes = c.media.map((e) => e.type).filter((t) => t !== 'session.created');
    expect(sb.types().slice(1)).toEqual(mediaTypes);
    expect(sb.types()).toContain('response.done');
    expect(sb.types()).toContain('output_audio_buffer.started');
  });

  it("a side-band's tool output and response.create reach the call's session; clientEvents name the leg", async () => {
    const c = await webRtcCall();
    const sb = await sideband(c.server, c.callId);
    c.server.queueResponse(
      (ctx) => ctx.callFunction('lookup', { q: 'x' }, { callId: 'call_1' }),
      (ctx) => ctx.say('Found it'),
    );
    c.channel.send(JSON.stringify({ type: 'response.create' }));
    await c.clock.advanceAsync(0);
    await flush();
    expect(sb.events.some((e) => e.type === 'response.function_call_arguments.done')).toBe(true);
    sb.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' },
    });
    sb.send({ type: 'response.create' });
    await flush();
    await c.clock.advanceAsync(0);
    await flush();
    const conv = c.server.calls[0]?.connection?.conversation.snapshot() ?? [];
    expect(conv.map((i) => i['type'])).toEqual([
      'function_call',
      'function_call_output',
      'message',
    ]);
    // the media leg sees the answer the side-band asked for
    const done = c.media.filter((e) => e.type === 'response.done');
    expect(done).toHaveLength(2);
    expect(c.server.calls[0]?.clientEvents.map((e) => [e.via, e.event['type']])).toEqual([
      ['media', 'response.create'],
      ['sideband', 'conversation.item.create'],
      ['sideband', 'response.create'],
    ]);
  });

  it("a side-band's close leaves the call up; a hangup closes the call and every side-band (1000)", async () => {
    const c = await webRtcCall();
    const first = await sideband(c.server, c.callId);
    const second = await sideband(c.server, c.callId);
    await first.transport.close(1000, 'done');
    await flush();
    const call = c.server.calls[0];
    expect(call?.state).toBe('active');
    expect(call?.sidebands.map((s) => s.open)).toEqual([false, true]);
    expect(call?.connection?.open).toBe(true);
    expect(c.server.hangupCall(c.callId)).toEqual({ status: 200, body: undefined });
    await flush();
    expect(call).toMatchObject({ state: 'ended', endReason: 'hangup' });
    expect(second.closed()).toEqual({ code: 1000, reason: '' });
    expect(call?.sidebands[1]).toMatchObject({
      open: false,
      closeInfo: { code: 1000, reason: '' },
    });
    expect(c.mediaClosed()).toBe(true);
    expect(c.pc.connectionState).toBe('closed');
    // a second hangup: the call is over
    expect(c.server.hangupCall(c.callId).status).toBe(400);
  });

  it('sideband.close() drops one side-band from the server end (1006 by default); the call goes on and takes another', async () => {
    const c = await webRtcCall();
    const first = await sideband(c.server, c.callId);
    const call = c.server.calls[0]!;
    call.sidebands[0]!.close();
    await flush();
    expect(first.closed()).toEqual({ code: 1006, reason: '' });
    expect(call.sidebands[0]).toMatchObject({ open: false, closeInfo: { code: 1006, reason: '' } });
    expect(call).toMatchObject({ state: 'active' });
    expect(call.connection?.open).toBe(true);
    // a closed side-band hears nothing more, and a second close does nothing
    call.sidebands[0]!.close(1000);
    expect(call.sidebands[0]?.closeInfo).toEqual({ code: 1006, reason: '' });
    const again = await sideband(c.server, c.callId);
    expect(again.types()).toEqual(['session.created']);
    c.server.emit({ type: 'rate_limits.updated', rate_limits: [] });
    await flush();
    expect(again.types()).toEqual(['session.created', 'rate_limits.updated']);
    expect(first.types()).not.toContain('rate_limits.updated');
  });

  it('the app closing the peer ends the call and closes its side-bands', async () => {
    const c = await webRtcCall();
    const sb = await sideband(c.server, c.callId);
    c.pc.close();
    await flush();
    expect(c.server.calls[0]).toMatchObject({ state: 'ended', endReason: 'closed' });
    expect(sb.closed()).toEqual({ code: 1000, reason: '' });
  });

  it('a side-band to an unknown or ended call is refused: an invalid_request_error naming the call, then close 4000', async () => {
    const c = await webRtcCall();
    const unknown = await sideband(c.server, 'rtc_nope');
    expect(unknown.events).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({
          type: 'invalid_request_error',
          code: 'call_not_found',
          message: expect.stringContaining('rtc_nope'),
        }),
      }),
    ]);
    expect(unknown.closed()).toEqual({
      code: 4000,
      reason: 'invalid_request_error.call_not_found',
    });
    c.server.hangupCall(c.callId);
    await flush();
    const late = await sideband(c.server, c.callId);
    expect(late.events[0]?.error).toMatchObject({
      code: 'invalid_call_state',
      message: expect.stringContaining(c.callId),
    });
    expect(late.closed()?.code).toBe(4000);
    expect(c.server.calls[0]?.sidebands).toHaveLength(0);
  });

  it('createFakeServer refuses callId without the server that carries the call', () => {
    expect(() => createFakeServer({ callId: 'rtc_x' })).toThrow(/callId/);
  });
});
