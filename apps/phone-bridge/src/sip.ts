/**
 * SIP mode: phone calls that reach OpenAI's SIP trunk. OpenAI POSTs a signed
 * `realtime.call.incoming` webhook for each call; the bridge verifies it, answers 200 at once
 * (OpenAI retries a slow webhook), then, off the request, accepts the call with the bridge's
 * session settings and drives it over a side-band session (`?call_id=`). The call's audio never
 * passes through the bridge: OpenAI carries it on the SIP leg.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RealtimeModel, RealtimeSession, SessionOverrides } from '@voxwire/core';
import type { RealtimeCalls } from '@voxwire/node';
import { CallControlError, verifyWebhook, WebhookVerificationError } from '@voxwire/node';
import { isRealtimeCallIncoming, systemClock } from '@voxwire/protocol';
import type { Clock, RealtimeCallIncomingEvent } from '@voxwire/protocol';
import { readBoundedBody } from './http-body.js';
import type { BridgeLog } from './log.js';
import { createSipCall, type SipCall } from './sip-call.js';

export type { SipCall } from './sip-call.js';

/** Path of OpenAI's webhook (`realtime.call.incoming`): the URL set in the OpenAI dashboard. */
export const OPENAI_WEBHOOK_PATH = '/openai/webhook';

/** The host of OpenAI's SIP trunk: a SIP trunk points at `sip:<project id>@` it. */
export const OPENAI_SIP_HOST = 'sip.api.openai.com';

/** The SIP URI a trunk sends a project's calls to (`transport=tls`, as OpenAI's guide has it). */
export function openaiSipUri(projectId: string): string {
  return `sip:${projectId}@${OPENAI_SIP_HOST};transport=tls`;
}

/** The instructions a SIP call is accepted with, unless {@link SipOptions.instructions} says otherwise. */
export const DEFAULT_SIP_INSTRUCTIONS =
  'You answer the phone. Greet the caller briefly and keep every answer short: they are listening, not reading.';

/** The voice a SIP call is answered in, unless {@link SipOptions.voice} says otherwise. */
export const DEFAULT_SIP_VOICE = 'marin';

/** The largest webhook body read (an event with its SIP headers is a few KiB). */
export const MAX_OPENAI_WEBHOOK_BYTES = 256 * 1024;

/** The call-control requests SIP mode makes (`realtimeCalls()` of `@voxwire/node` has them). */
export type SipCallControl = Pick<RealtimeCalls, 'accept' | 'reject' | 'hangup'>;

/** Options of SIP mode (`startPhoneBridgeServer({ sip })`). */
export interface SipOptions {
  /** The webhook's signing secret, `whsec_…` (OPENAI_WEBHOOK_SECRET). */
  readonly webhookSecret: string;
  /** Accepts, rejects and hangs up calls (`realtimeCalls({ apiKey })`). */
  readonly calls: SipCallControl;
  /**
   * The session options of a call's side-band: at least its `connector`
   * (`openaiConnector({ apiKey, callId })`), which attaches to the call rather than opening a
   * new session.
   */
  readonly sideband: (callId: string) => SessionOverrides;
  /** The model named in the accept. @default 'gpt-realtime' */
  readonly model?: string | undefined;
  /** The call's instructions (accept and side-band alike). @default DEFAULT_SIP_INSTRUCTIONS */
  readonly instructions?: string | undefined;
  /** The voice of the answers. @default DEFAULT_SIP_VOICE ('marin') */
  readonly voice?: string | undefined;
  /** Whether the model speaks first (a `response.create` once the side-band is open). @default true */
  readonly greet?: boolean | undefined;
  /**
   * The clock the webhook's timestamp is checked on (its epoch must be Unix's), and of
   * `hangUp`'s wait.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * Runs for each accepted call once its side-band session exists, before the greeting: per-caller
   * setup (`call.from`, `call.sipHeaders` → `session.sessionUpdate({ instructions })`), tools
   * (an `end_call` tool calling `call.hangUp()`). A throw is logged and the call goes on.
   * @default undefined
   */
  readonly onCall?: ((call: SipCall, session: RealtimeSession) => void) | undefined;
}

/** The webhook route and the calls it answered. */
export interface SipHandler {
  /** Answers `POST OPENAI_WEBHOOK_PATH`. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Calls in progress. */
  readonly calls: ReadonlySet<SipCall>;
  /** Refuses new webhooks (503), waits for accepts in flight, hangs up every call. */
  close(): Promise<void>;
}

/** How many ended calls' ids the bridge remembers, to ignore a late delivery of their webhook. */
const ENDED_KEPT = 256;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The fields of a call-control failure worth a log line (never a key: the error has none). */
function controlFailure(error: unknown): Record<string, unknown> {
  if (!(error instanceof CallControlError)) return { error: messageOf(error) };
  return {
    code: error.code,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.serverCode === undefined ? {} : { serverCode: error.serverCode }),
    error: error.message,
  };
}

/** Creates SIP mode's webhook handler; `model` makes each call's side-band session. */
export function createSipHandler(
  options: SipOptions,
  model: RealtimeModel,
  log: BridgeLog,
): SipHandler {
  const instructions = options.instructions ?? DEFAULT_SIP_INSTRUCTIONS;
  const voice = options.voice ?? DEFAULT_SIP_VOICE;
  const clock = options.clock ?? systemClock;
  // each live call and its end (hang up now, without waiting: the bridge is stopping)
  const live = new Map<SipCall, () => Promise<void>>();
  // answers between the webhook's 200 and the call's session (the accept is in flight)
  const answering = new Set<Promise<void>>();
  // the calls being answered or live, by id: OpenAI delivers a webhook at least once (a retry
  // after a lost 200, a duplicate), and a second accept of a live call would be refused
  const known = new Set<string>();
  // the calls that went live and ended, the newest ENDED_KEPT: a delivery of one's webhook after
  // the hang-up (a late retry, a replay) would accept a call that is over, which the API refuses,
  // and an operator would read the refusal logged as an error
  const ended = new Set<string>();
  let closing = false;

  const hangUpCall = async (callId: string): Promise<void> => {
    try {
      await options.calls.hangup(callId);
    } catch (error) {
      log('warn', 'SIP hangup failed', { callId, ...controlFailure(error) });
    }
  };

  const answer = async (data: RealtimeCallIncomingEvent['data']): Promise<void> => {
    const callId = data.call_id;
    const from = data.sip_headers.find((h) => h.name.toLowerCase() === 'from')?.value;
    log('info', 'SIP call incoming', { callId, from });
    try {
      await options.calls.accept(callId, {
        model: options.model ?? 'gpt-realtime',
        instructions,
        // the side-band's session.update says the same: µ-law, the phone network's own format
        audio: {
          input: { format: { type: 'audio/pcmu' } },
          output: { format: { type: 'audio/pcmu' }, voice },
        },
      });
    } catch (error) {
      log('error', 'SIP call could not be accepted', { callId, ...controlFailure(error) });
      try {
        await options.calls.reject(callId);
      } catch (rejectError) {
        // a call that is gone (hung up, rung out) cannot be rejected either
        log('warn', 'SIP reject failed', { callId, ...controlFailure(rejectError) });
      }
      return;
    }
    if (closing) {
      // the bridge is stopping: a call accepted meanwhile is not left ringing on
      await hangUpCall(callId);
      return;
    }
    const session = model.session({
      ...options.sideband(callId),
      instructions,
      voice,
      inputAudioFormat: 'g711_ulaw',
      outputAudioFormat: 'g711_ulaw',
    });
    const { call, end } = createSipCall({
      callId,
      sipHeaders: data.sip_headers,
      session,
      clock,
      log,
      hangUpCall: () => hangUpCall(callId),
      onEnded: () => {
        live.delete(call);
        known.delete(callId);
        ended.add(callId);
        if (ended.size > ENDED_KEPT) ended.delete(ended.values().next().value!);
      },
    });
    live.set(call, end);
    log('info', 'SIP call accepted', { callId });
    try {
      options.onCall?.(call, session);
    } catch (error) {
      log('warn', 'onCall threw', { callId, error: messageOf(error) });
    }
    if (options.greet ?? true)
      session.response.create().catch((error: unknown) => {
        log('warn', 'greeting failed', { callId, error: messageOf(error) });
      });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBoundedBody(req, MAX_OPENAI_WEBHOOK_BYTES).catch(() => undefined);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('webhook body too large');
      return;
    }
    let event;
    try {
      // the RAW body: JSON parsed and serialized again no longer matches its signature
      event = verifyWebhook(body, req.headers, {
        secret: options.webhookSecret,
        clock: options.clock,
        env: {},
      });
    } catch (error) {
      const code = error instanceof WebhookVerificationError ? error.code : 'UNKNOWN';
      log('warn', 'OpenAI webhook refused', { code, error: messageOf(error) });
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad webhook');
      return;
    }
    if (!isRealtimeCallIncoming(event)) {
      // OpenAI sends every event type the endpoint subscribed to: the others are not for us
      log('info', 'OpenAI webhook ignored', { type: event.type });
      res.writeHead(200).end();
      return;
    }
    if (closing) {
      // 503: OpenAI retries the webhook, maybe to a bridge that is up again
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('stopping');
      return;
    }
    // answered now: OpenAI retries a webhook not answered in time, and the accept takes a while
    res.writeHead(200).end();
    const callId = event.data.call_id;
    if (known.has(callId)) {
      log('info', 'SIP call repeated', { callId });
      return;
    }
    if (ended.has(callId)) {
      log('info', 'SIP call already ended: webhook ignored', { callId });
      return;
    }
    known.add(callId);
    const answered = answer(event.data).catch((error: unknown) => {
      log('error', 'SIP call failed', { callId, error: messageOf(error) });
    });
    answering.add(answered);
    void answered.finally(() => {
      answering.delete(answered);
      // a call that never went live (refused, failed, hung up at a stop) is forgotten at once
      if (![...live.keys()].some((call) => call.callId === callId)) known.delete(callId);
    });
  };

  return {
    handle,
    get calls() {
      return new Set(live.keys());
    },
    async close() {
      closing = true;
      await Promise.allSettled([...answering]);
      await Promise.allSettled([...live.values()].map((end) => end()));
    },
  };
}
