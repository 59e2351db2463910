/**
 * webRtcConnector's happy path and option checks, on a scripted peer and fetch: what is posted,
 * what the connection says, mic vs listen-only, the remote audio, frames both ways.
 */
import { SimulatedClock } from '@voxwire/testing';
import { describe, expect, it } from 'vitest';
import { VoxwireError, webRtcConnector, type WebRtcConnectorOptions } from '../../src/index.js';
import { ANSWER_SDP, OFFER_SDP, fakeFetch, fakeRtc, harness } from './fake-rtc.js';

describe('webRtcConnector: the happy path', () => {
  it('posts the offer with the key, applies the answer, and opens when the channel does', async () => {
    const h = await harness();
    expect(h.started.done).toBe(false);
    await h.settle();
    expect(h.started).toEqual({ value: undefined, done: true });
    expect(h.http.calls).toHaveLength(1);
    const call = h.http.calls[0]!;
    expect(call.url).toBe('https://api.openai.com/v1/realtime/calls');
    expect(call.method).toBe('POST');
    expect(call.headers).toEqual({
      'Content-Type': 'application/sdp',
      Authorization: 'Bearer ek_test_secret',
    });
    expect(call.body).toBe(OFFER_SDP);
    expect(call.signal).toBeInstanceOf(AbortSignal);
    const peer = h.rtc.last();
    expect(peer.local).toEqual({ type: 'offer', sdp: OFFER_SDP });
    expect(peer.remote).toEqual({ type: 'answer', sdp: ANSWER_SDP });
    expect(peer.channels.map((c) => c.label)).toEqual(['oai-events']);
    expect(h.transport.raw).toEqual({
      peerConnection: peer,
      dataChannel: peer.channel,
      callId: 'rtc_1',
    });
    expect(h.connection).toMatchObject({
      dialect: 'ga',
      audioPath: 'media',
      maxSessionDurationMs: 3_600_000,
      description: 'webrtc https://api.openai.com/v1/realtime/calls',
    });
    expect(h.connection.description).not.toContain('ek_');
  });

  it('appends ?model= when given, and takes a URL per attempt (loopback http allowed)', async () => {
    const h = await harness({
      url: () => 'http://127.0.0.1:8080/v1/realtime/calls?tenant=a',
      model: 'gpt-realtime',
    });
    await h.settle();
    expect(h.http.calls[0]!.url).toBe(
      'http://127.0.0.1:8080/v1/realtime/calls?tenant=a&model=gpt-realtime',
    );
    expect(h.connection.description).toBe('webrtc http://127.0.0.1:8080/v1/realtime/calls');
  });

  it('sends the microphone track when given, else adds a recvonly audio transceiver', async () => {
    const mic = { kind: 'audio' };
    const withMic = await harness({ microphone: async () => mic });
    await withMic.settle();
    expect(withMic.rtc.last().tracks).toEqual([mic]);
    expect(withMic.rtc.last().transceivers).toEqual([]);
    const listenOnly = await harness();
    await listenOnly.settle();
    expect(listenOnly.rtc.last().tracks).toEqual([]);
    expect(listenOnly.rtc.last().transceivers).toEqual([
      { kind: 'audio', init: { direction: 'recvonly' } },
    ]);
  });

  it('hands the remote track to onRemoteAudio; a throwing one is reported and the connection stays', async () => {
    const seen: unknown[] = [];
    const ok = await harness({ onRemoteAudio: (event) => seen.push(event.streams[0]) });
    await ok.settle();
    expect(seen).toEqual(['remote-stream']);

    const bad = await harness({
      onRemoteAudio: () => {
        throw new Error('no audio element');
      },
    });
    await bad.settle();
    expect(bad.started).toEqual({ value: undefined, done: true });
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]).toMatchObject({
      code: 'LISTENER_FAILED',
      data: { event: 'onRemoteAudio' },
    });
    expect(bad.rtc.last().closeCalls).toBe(0);
  });

  it('passes text frames both ways and binary frames in as bytes; reads bufferedAmount', async () => {
    const h = await harness();
    await h.settle();
    const channel = h.rtc.last().channel;
    h.transport.send('{"type":"session.update"}');
    expect(channel.sent).toEqual(['{"type":"session.update"}']);
    channel.bufferedAmount = 42;
    expect(h.transport.bufferedAmount).toBe(42);
    channel.message('{"type":"session.created"}');
    channel.message(new Uint8Array([1, 2]).buffer);
    channel.message(new Uint8Array([0, 3, 4]).subarray(1));
    expect(h.frames).toEqual([
      '{"type":"session.created"}',
      new Uint8Array([1, 2]),
      new Uint8Array([3, 4]),
    ]);
  });

  it('asks for the secret and the microphone again on every attempt', async () => {
    let n = 0;
    const rtc = fakeRtc();
    const http = fakeFetch();
    const mics = [{ kind: 'audio' }, { kind: 'audio' }];
    const connector = webRtcConnector({
      RTCPeerConnection: rtc.RTCPeerConnection,
      fetch: http.fetch,
      clientSecret: async () => `ek_${++n}`,
      microphone: ({ attempt }) => mics[attempt],
      clock: new SimulatedClock(),
    });
    for (const attempt of [0, 1]) {
      const c = await connector({ attempt, signal: new AbortController().signal });
      await c.transport.start();
      const closed = c.transport.close();
      rtc.last().channel.closed();
      await closed;
    }
    expect(http.calls.map((c) => c.headers['Authorization'])).toEqual([
      'Bearer ek_1',
      'Bearer ek_2',
    ]);
    expect(rtc.peers.map((p) => p.tracks[0])).toEqual(mics);
  });
});

describe('webRtcConnector: options', () => {
  const base = (): WebRtcConnectorOptions => ({
    RTCPeerConnection: fakeRtc().RTCPeerConnection,
    fetch: fakeFetch().fetch,
    clientSecret: 'ek_x',
  });
  const refused = (options: unknown, argument: string) => {
    let error: unknown;
    try {
      webRtcConnector(options as WebRtcConnectorOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VoxwireError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', data: { argument } });
    return (error as Error).message;
  };

  it('refuses a missing RTCPeerConnection or fetch, naming what to pass', () => {
    expect(refused({ ...base(), RTCPeerConnection: undefined }, 'RTCPeerConnection')).toContain(
      'pass `RTCPeerConnection`',
    );
    expect(refused(undefined, 'RTCPeerConnection')).toContain('RTCPeerConnection');
    expect(refused({ ...base(), fetch: undefined }, 'fetch')).toContain('fetch.bind(globalThis)');
  });

  it('refuses a missing, empty or non-string secret, but not a key of another shape', () => {
    refused({ ...base(), clientSecret: undefined }, 'clientSecret');
    refused({ ...base(), clientSecret: '' }, 'clientSecret');
    refused({ ...base(), clientSecret: 42 }, 'clientSecret');
    expect(() => webRtcConnector({ ...base(), clientSecret: 'azure-ephemeral-key' })).not.toThrow();
    // an OpenAI standard key, which anyone can read in a page
    expect(refused({ ...base(), clientSecret: 'sk-proj-abc123' }, 'clientSecret')).toContain(
      'ephemeral ek_',
    );
  });

  it('refuses a URL that is not https (http only for loopback), or does not parse', () => {
    expect(refused({ ...base(), url: 'http://example.com/calls' }, 'url')).toContain('clear text');
    refused({ ...base(), url: 'wss://api.openai.com/v1/realtime' }, 'url');
    refused({ ...base(), url: 'not a url' }, 'url');
    expect(() => webRtcConnector({ ...base(), url: 'http://localhost:1234/calls' })).not.toThrow();
  });

  it('refuses bad model, microphone, onRemoteAudio, description, closeTimeoutMs, maxSessionDurationMs', () => {
    refused({ ...base(), model: '' }, 'model');
    refused({ ...base(), microphone: { kind: 'video' } }, 'microphone');
    refused({ ...base(), onRemoteAudio: 'audio' }, 'onRemoteAudio');
    refused({ ...base(), description: 3 }, 'description');
    refused({ ...base(), closeTimeoutMs: 0 }, 'closeTimeoutMs');
    refused({ ...base(), maxSessionDurationMs: 60 }, 'maxSessionDurationMs');
  });

  it('refuses a key that is no option, naming the one it was likely meant to be', () => {
    expect(refused({ ...base(), clientsecret: 'ek_y' }, 'clientsecret')).toBe(
      'clientsecret is no option of webRtcConnector (did you mean clientSecret?)',
    );
    expect(refused({ ...base(), rtcConfig: {} }, 'rtcConfig')).toContain('no option');
    // left undefined (a spread config) is no option given
    expect(() => webRtcConnector({ ...base(), extra: undefined } as never)).not.toThrow();
  });

  it('fails the attempt (INVALID_ARGUMENT, fatal) when a function gives a bad value, before any peer', async () => {
    const rtc = fakeRtc();
    for (const bad of [
      { clientSecret: async () => '' },
      { url: () => 'http://example.com/calls' },
      { microphone: () => ({ kind: 'video' }) },
    ]) {
      const connector = webRtcConnector({
        ...base(),
        RTCPeerConnection: rtc.RTCPeerConnection,
        ...bad,
      });
      await expect(
        connector({ attempt: 0, signal: new AbortController().signal }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(rtc.peers).toHaveLength(0);
  });

  it('a secret function that returns no secret is refused saying to throw instead (a thrown failure is retried)', async () => {
    const connector = webRtcConnector({
      ...base(),
      clientSecret: async () => undefined as unknown as string,
    });
    await expect(
      connector({ attempt: 0, signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message:
        'clientSecret must be a non-empty string (an ephemeral key minted by your server) (the clientSecret function returned undefined: throw from it when your secret route fails, and the connect is retried)',
    });
  });
});
