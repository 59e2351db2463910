/**
 * Every way a WebRTC connect fails: the typed error, its classification by the engine's retry
 * policy (fatal or retried, `Retry-After`), and the peer closed on each path (no leak).
 */
import { describe, expect, it } from 'vitest';
import { WebRtcConnectError, type VoxwireError } from '../../src/index.js';
import { classifyFailure } from '../../src/reconnect/policy.js';
import { deferred, harness, type FakeAnswer, type Harness, type PeerScript } from './fake-rtc.js';

/** Runs a connect that fails and checks what every failure must: rejected, closed once, no leak. */
async function failing(
  answers: (FakeAnswer | Error)[],
  script: PeerScript = {},
  drive: (h: Harness) => void = () => undefined,
): Promise<{ error: VoxwireError; h: Harness }> {
  const h = await harness({}, answers, script);
  await h.settle();
  drive(h);
  await h.settle();
  expect(h.started.done).toBe(true);
  const error = h.started.error as VoxwireError;
  expect(error).toBeDefined();
  expect(h.closes).toEqual([[1006, error.message]]);
  for (const peer of h.rtc.peers) expect(peer.closeCalls).toBe(1);
  expect(h.clock.pendingTimers).toBe(0);
  return { error, h };
}

const klass = (error: unknown) => classifyFailure({ cause: error });

describe('webRtcConnector: HTTP refusals', () => {
  it.each([401, 403])(
    '%i is AUTH_FAILED, fatal, with the server message (key redacted)',
    async (status) => {
      const { error } = await failing([
        {
          status,
          body: JSON.stringify({
            error: {
              message: 'Incorrect API key provided: ek_test_secret',
              type: 'invalid_request_error',
            },
          }),
        },
      ]);
      expect(error).toBeInstanceOf(WebRtcConnectError);
      expect(error.code).toBe('AUTH_FAILED');
      expect(error.data).toMatchObject({ step: 'http', httpStatus: status, fatal: true });
      expect(error.message).toContain('Incorrect API key provided: [REDACTED]');
      expect(error.message).not.toContain('ek_test_secret');
      expect(klass(error)).toMatchObject({ fatal: true });
    },
  );

  it('400 is fatal and quotes the server error.message, truncated', async () => {
    const long = `Invalid SDP: ${'x'.repeat(1000)}`;
    const { error } = await failing([
      { status: 400, body: JSON.stringify({ error: { message: long } }) },
    ]);
    expect(error.code).toBe('CONNECT_FAILED');
    expect(error.message).toContain('HTTP 400: Invalid SDP: xxx');
    expect(error.message.length).toBeLessThan(600);
    expect(klass(error)).toMatchObject({ fatal: true });
  });

  it('404 is fatal (text body quoted as is)', async () => {
    const { error } = await failing([{ status: 404, body: 'Not Found' }]);
    expect(error.message).toContain('HTTP 404: Not Found');
    expect(klass(error)).toMatchObject({ fatal: true, retryAfterMs: undefined });
  });

  it.each([429, 500, 503])('%i is retriable and honours Retry-After (seconds)', async (status) => {
    const { error } = await failing([{ status, headers: { 'Retry-After': '7' } }]);
    expect(error.code).toBe('CONNECT_FAILED');
    expect(error.data).toMatchObject({
      step: 'http',
      httpStatus: status,
      retryAfterMs: 7000,
      fatal: false,
    });
    expect(klass(error)).toEqual({ fatal: false, retryAfterMs: 7000, immediate: false });
  });

  it("an HTTP-date Retry-After is measured from the answer's Date header", async () => {
    const { error } = await failing([
      {
        status: 503,
        headers: {
          'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT',
          date: 'Wed, 21 Oct 2015 07:28:00 GMT',
        },
      },
    ]);
    expect(klass(error).retryAfterMs).toBe(30_000);
  });

  it("Azure's retry-after-ms is read first, as on the node paths", async () => {
    const { error } = await failing([
      { status: 429, headers: { 'retry-after-ms': '2500', 'retry-after': '20' } },
    ]);
    expect(klass(error).retryAfterMs).toBe(2500);
  });
});

describe('webRtcConnector: network, answer and peer failures', () => {
  it('fetch rejecting (offline, DNS) is retriable', async () => {
    const { error } = await failing([new TypeError('Failed to fetch')]);
    expect(error).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { step: 'network', fatal: false },
    });
    expect(error.message).toContain('Failed to fetch');
    expect(klass(error)).toMatchObject({ fatal: false });
  });

  it('a 2xx whose body is cut off is retriable', async () => {
    const { error } = await failing([{ status: 201, bodyError: new Error('reset') }]);
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', data: { step: 'network' } });
    expect(klass(error).fatal).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['not SDP', '<html>hello</html>'],
  ])('a 2xx with an %s body is an invalid answer, fatal', async (_, body) => {
    const { error } = await failing([{ status: 200, body }]);
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', data: { step: 'answer', fatal: true } });
    expect(error.message).toContain('no SDP answer');
    expect(klass(error).fatal).toBe(true);
  });

  it('an answer the peer refuses is fatal', async () => {
    const { error } = await failing([], { remoteError: new Error('bad m-line') });
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', data: { step: 'answer', fatal: true } });
    expect(error.message).toContain('bad m-line');
  });

  it("the peer's connectionState 'failed' before the channel opens is retriable", async () => {
    const { error } = await failing([], { openOnAnswer: false }, (h) =>
      h.rtc.last().state('failed'),
    );
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', data: { step: 'peer', fatal: false } });
    expect(klass(error).fatal).toBe(false);
  });

  it('the data channel closing before it opens is retriable', async () => {
    const { error } = await failing([], { openOnAnswer: false }, (h) =>
      h.rtc.last().channel.closed(),
    );
    expect(error).toMatchObject({
      code: 'CONNECT_FAILED',
      data: { step: 'channel', fatal: false },
    });
    expect(klass(error).fatal).toBe(false);
  });

  it('createOffer rejecting fails the connect (retriable) and closes the peer', async () => {
    const offer = deferred<never>();
    offer.reject(new Error('no codecs'));
    const { error } = await failing([], { offer });
    expect(error).toMatchObject({ code: 'CONNECT_FAILED', data: { step: 'peer' } });
  });

  it('a constructor that throws (bad rtcConfiguration) is INVALID_ARGUMENT, no peer made', async () => {
    const h = await harness({}, [], { constructorError: new TypeError('bad iceServers') });
    await h.settle();
    expect(h.started.error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      data: { argument: 'rtcConfiguration' },
    });
    expect(klass(h.started.error).fatal).toBe(true);
    expect(h.closes).toHaveLength(1);
    expect(h.rtc.peers).toHaveLength(0);
  });
});
