/**
 * A fake microphone's `speakTurn` does not lose a turn silently: spoken before the call is up
 * (or after it ended) it throws `NO_OPEN_CONNECTION`; `speak`, a live track's frames, still
 * drops them as a real track does. The README's WebRTC example, run as written, is answered.
 */
import { readFileSync } from 'node:fs';
import { RTC_EVENTS_CHANNEL } from '@voxwire/protocol';
import { describe, expect, it } from 'vitest';
import {
  createFakeWebRtc,
  FakeServer,
  FakeServerError,
  SimulatedClock,
  tone,
  type FakeMicrophone,
  type FakeWebRtcKit,
} from '../src/index.js';

const flush = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

// The README's WebRTC block, as written (its import given as arguments), returning its values.
function readmeWebRtcExample(): () => Promise<{ kit: FakeWebRtcKit; clock: SimulatedClock }> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((code) => code.includes('createFakeWebRtc({ clock })'));
  if (!block) throw new Error('the README has no WebRTC example');
  const body = block.replace(/^import .*\n/m, '') + '\nreturn { kit, clock };';
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<{ kit: FakeWebRtcKit; clock: SimulatedClock }>;
  const run = new AsyncFunction('SimulatedClock', 'createFakeWebRtc', body);
  return () => run(SimulatedClock, createFakeWebRtc);
}

// A peer with a microphone, its answer applied; `atAnswer` runs right after that, while the
// peer is still connecting (it connects over the next microtasks).
async function peerBeforeConnect(
  kit: FakeWebRtcKit,
  atAnswer: (mic: FakeMicrophone) => void = () => {},
) {
  const pc = new kit.RTCPeerConnection();
  const mic = kit.microphone();
  pc.addTrack(mic);
  pc.createDataChannel(RTC_EVENTS_CHANNEL);
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const key = String(kit.server.mintClientSecret({}).body['value']);
  const res = await kit.fetch('https://api.openai.com/v1/realtime/calls', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/sdp' },
    body: offer.sdp ?? '',
  });
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  atAnswer(mic);
  return { pc, mic };
}

describe("the README's WebRTC example", () => {
  it('speaks a turn the server hears and answers', async () => {
    const { kit, clock } = await readmeWebRtcExample()();
    await clock.advanceAsync(1_000);
    const connection = kit.calls[0]?.connection;
    expect(connection?.conversation.snapshot().map((i) => i['role'])).toEqual([
      'user',
      'assistant',
    ]);
    // the server plays its answer to the peer
    expect(connection?.outputAudio.entries[0]?.playedMs).toBeGreaterThan(0);
  });
});

describe('speakTurn when the call is not up', () => {
  it('throws NO_OPEN_CONNECTION while the peer is still connecting; speak drops a frame', async () => {
    const kit = createFakeWebRtc({ clock: new SimulatedClock() });
    let thrown: unknown;
    let spoke: boolean | undefined;
    const { pc, mic } = await peerBeforeConnect(kit, (early) => {
      spoke = early.speak(tone(100));
      try {
        early.speakTurn(500, 300);
      } catch (error) {
        thrown = error;
      }
    });
    expect(spoke).toBe(false);
    expect(thrown).toBeInstanceOf(FakeServerError);
    expect(thrown).toMatchObject({
      code: 'NO_OPEN_CONNECTION',
      message: expect.stringMatching(
        /microphone .* is on no call that is up, so the turn would be lost/,
      ),
    });
    await flush();
    expect(pc.connectionState).toBe('connected');
    expect(mic.speakTurn(500, 300)).toBe(true);
  });

  it('throws for a microphone on no peer, and once the call has ended', async () => {
    const kit = createFakeWebRtc({ clock: new SimulatedClock() });
    expect(() => kit.microphone().speakTurn(100, 100)).toThrow(/turn would be lost/);
    const { mic } = await peerBeforeConnect(kit);
    await flush();
    kit.calls[0]?.hangUp();
    await flush();
    expect(mic.speak(tone(100))).toBe(false);
    expect(() => mic.speakTurn(100, 100)).toThrow(/turn would be lost/);
  });

  it('returns false when the call ends during the turn (its start was heard)', async () => {
    const kit = createFakeWebRtc({ clock: new SimulatedClock() });
    const { mic } = await peerBeforeConnect(kit);
    await flush();
    kit.server.faults.closeAt('input_audio_buffer.speech_started', { code: 1011 });
    expect(mic.speakTurn(500, 300)).toBe(false);
    expect(kit.calls[0]?.connection?.open).toBe(false);
  });

  it("throws for a SIP call's caller before the call is accepted", () => {
    const server = new FakeServer({ clock: new SimulatedClock() });
    const call = server.sip.incoming({ from: 'sip:+14155550123@carrier.example' });
    expect(call.say(tone(100))).toBe(false);
    expect(() => call.speakTurn(500, 600)).toThrow(/turn would be lost/);
  });
});
