/**
 * A provider outage as the page hears of it, on the in-memory fake with a simulated clock: one
 * message per thing that happened, so the page shows one toast per outage.
 */
import { SimulatedClock, createFakeServer } from '@voxwire/testing';
import type { FakeServer } from '@voxwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PageSession } from '../src/server/page-session.js';
import { MessageRecorder } from './helpers.js';

let session: PageSession | undefined;

afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

function open(): { page: MessageRecorder; fake: FakeServer; clock: SimulatedClock } {
  const clock = new SimulatedClock();
  const kit = createFakeServer({ clock });
  const page = new MessageRecorder();
  session = new PageSession({
    socket: { send: (t) => page.record(t), close: () => undefined },
    provider: {
      info: { kind: 'fake', label: 'test fake', model: 'demo' },
      connector: () => kit.connector,
      transcription: true,
    },
    now: () => 0,
    clock,
  });
  return { page, fake: kit.server, clock };
}

describe('PageSession: a provider outage', () => {
  it('a dropped connection is told once, as the link going down with its cause, not also as an error', async () => {
    const { page, fake, clock } = open();
    await page.next('link', (m) => m.state === 'connected');
    const from = page.messages.length;
    fake.close(1006); // the socket drops without a close frame
    const retrying = await page.next('link', (m) => m.state === 'reconnecting');
    expect(retrying.detail).toMatch(/^the connection closed unexpectedly \(1006.*retrying in/);
    clock.advance(clock.nextTimerAt()! - clock.now());
    await page.next('link', (m) => m.detail === 'reconnected');
    const told = page.messages.slice(from).filter((m) => m.type === 'link' || m.type === 'error');
    expect(told).toEqual([
      {
        type: 'link',
        state: 'disconnected',
        detail: expect.stringMatching(/^the connection closed unexpectedly \(1006/),
      },
      retrying,
      expect.objectContaining({ type: 'link', state: 'connecting' }),
      { type: 'link', state: 'connected' },
      { type: 'link', state: 'connected', detail: 'reconnected' },
    ]);
  });

  it('an error that is no outage still reaches the page, before what follows it', async () => {
    const { page, fake } = open();
    await page.next('link', (m) => m.state === 'connected');
    fake.emit({
      type: 'error',
      event_id: 'evt_x',
      error: { type: 'invalid_request_error', code: 'some_code', message: 'refused', param: null },
    });
    expect(await page.next('error')).toMatchObject({ code: 'some_code', message: 'refused' });
    // a refusal at connect (a wrong key): the error, then the session's end, in that order
    fake.close(3000, 'invalid_api_key');
    await page.next('link', (m) => m.state === 'closed');
  });
});
