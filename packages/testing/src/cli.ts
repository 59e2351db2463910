#!/usr/bin/env node
/**
 * `voxwire-fake-server [--port N] [--host H] [--api-key K] [--beta accept|refuse] [--models a,b]
 * [--realtime] [--webrtc] [--webhook-url URL --webhook-secret whsec_…]`: serves the demo agent
 * over WebSocket and prints its base URL as the first line of stdout (with `--webrtc`, the
 * WebRTC calls URL next; with `--webhook-url`, the URL that places a SIP call last). Bound to
 * every interface (`--host 0.0.0.0`, `::`), that URL names loopback, and stderr says so.
 * @module
 */
import { networkInterfaces } from 'node:os';
import type { FetchLike } from '@voxwire/protocol';
import { listenErrorMessage, wildcardNotice } from './cli-listen.js';
import { closeGoingAway } from './cli-stop.js';

export {
  CLI_STOP_CLOSE_CODE,
  CLI_STOP_CLOSE_REASON,
  CLI_STOP_GRACE_MS,
  closeGoingAway,
  type CloseGoingAwayOptions,
} from './cli-stop.js';
import { FakeServerOptionsError, WebRtcUnavailableError } from './errors.js';
import { checkModels } from './server/served-models.js';
import {
  checkWebhookOptions,
  webhookFailureText,
  type WebhookOptions,
} from './server/calls/webhook.js';
import { FAKE_SIP_CALLS_PATH, FAKE_SIP_INCOMING_PATH } from './ws/fake-sip-http.js';
import { startFakeWsServer } from './ws/server.js';
import { WERIFT_VERSION } from './ws/werift-peer.js';

/** Parsed command-line options. */
export interface CliOptions {
  /** @default 0 (a free port) */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host: string;
  /** @default undefined (any key) */
  readonly apiKey?: string | undefined;
  /** What the beta header does on `/v1/realtime` (`--beta`). @default 'refuse' */
  readonly beta: 'accept' | 'refuse';
  /**
   * The model names served (`--models a,b`); any other is refused with `invalid_model`.
   * @default undefined (every model is served)
   */
  readonly models?: readonly string[] | undefined;
  /** Pace audio in real time. @default false */
  readonly realtime: boolean;
  /**
   * Also serve WebRTC (`POST /v1/realtime/calls`, a werift peer on 127.0.0.1), as
   * `startFakeWsServer({ webRtc: true })`; needs the optional peer dependency werift.
   * @default false
   */
  readonly webRtc: boolean;
  /**
   * Where SIP calls' `realtime.call.incoming` webhooks go, signed with the secret
   * (`--webhook-url`, `--webhook-secret`, given together).
   * @default undefined (no webhook)
   */
  readonly webhook?: WebhookOptions | undefined;
}

/** `--help` was asked for: the usage goes to stdout, and the exit code is 0. */
export class CliHelp extends Error {
  override readonly name = 'CliHelp';
}

/**
 * Parses argv (without node and script). Throws {@link FakeServerOptionsError} on bad input,
 * {@link CliHelp} for `--help`.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  let port = 0;
  let host = '127.0.0.1';
  let apiKey: string | undefined;
  // api.openai.com refuses the beta header now (protocol.md §0); `--beta accept` serves it
  let beta: 'accept' | 'refuse' = 'refuse';
  let realtime = false;
  let webRtc = false;
  let models: readonly string[] | undefined;
  let webhookUrl: string | undefined;
  let webhookSecret: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    // a switch: `--flag=false` must not turn it on
    const toggle = () => {
      if (inline === undefined || inline === 'true') return true;
      if (inline === 'false') return false;
      throw new FakeServerOptionsError(`${flag} takes no value (or true/false), got '${inline}'`);
    };
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new FakeServerOptionsError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') {
      const v = value();
      port = Number(v);
      if (!/^\d+$/.test(v) || port > 65_535)
        throw new FakeServerOptionsError(`--port must be an integer 0–65535, got '${v}'`);
    } else if (flag === '--host') host = value();
    else if (flag === '--api-key') apiKey = value();
    else if (flag === '--beta') {
      const v = value();
      if (v !== 'accept' && v !== 'refuse')
        throw new FakeServerOptionsError(`--beta must be 'accept' or 'refuse', got '${v}'`);
      beta = v;
    } else if (flag === '--models') {
      // spaces after the commas are the shell user's, not the names'; an empty name (`a,,b`,
      // `a,`) is a typo that would otherwise be checked as a model no client can ask for
      const names = value()
        .split(',')
        .map((n) => n.trim());
      if (names.includes(''))
        throw new FakeServerOptionsError(
          `--models takes comma-separated model names, got an empty one in '${inline ?? argv[i]}'`,
        );
      models = checkModels(names);
    } else if (flag === '--realtime') realtime = toggle();
    else if (flag === '--webrtc') webRtc = toggle();
    else if (flag === '--webhook-url') webhookUrl = value();
    else if (flag === '--webhook-secret') webhookSecret = value();
    else if (flag === '--help' || flag === '-h') throw new CliHelp(USAGE);
    else throw new FakeServerOptionsError(`unknown option '${arg}'\n${USAGE}`);
  }
  // one without the other would sign nothing, or deliver nowhere
  if ((webhookUrl === undefined) !== (webhookSecret === undefined))
    throw new FakeServerOptionsError('--webhook-url and --webhook-secret go together');
  const webhook =
    webhookUrl !== undefined && webhookSecret !== undefined
      ? { url: webhookUrl, secret: webhookSecret }
      : undefined;
  checkWebhookOptions(webhook);
  return { port, host, apiKey, beta, models, realtime, webRtc, webhook };
}

/**
 * The `idSalt` of one CLI process: its pid and start time (base 36), so a restarted server never
 * hands out the ids of the one before it (a client reconnecting across the restart would take
 * them for the old connection's).
 */
export function processIdSalt(pid: number, startedAtMs: number): string {
  // the time at a fixed width first (8 digits hold every ms until 2059), so no two pairs read
  // the same once joined
  return `${Math.floor(startedAtMs).toString(36).padStart(8, '0')}${pid.toString(36)}`;
}

const USAGE = `usage: voxwire-fake-server [--port N] [--host 127.0.0.1] [--api-key KEY] [--beta accept|refuse] [--models a,b] [--realtime] [--webrtc] [--webhook-url URL --webhook-secret whsec_…]

Prints the WebSocket base URL (ws://HOST:PORT/v1) as the first line of stdout; with --host 0.0.0.0
or :: (every interface) it names loopback (127.0.0.1, [::1]), and stderr says other hosts are served.
  --beta accept|refuse
            what the OpenAI-Beta: realtime=v1 header does on /v1/realtime: refuse it as
            api.openai.com does (beta_api_shape_disabled, close 4000; the default), or accept it
            and speak beta (for a beta client's tests). Azure's preview path speaks beta always.
  --webrtc  also serve WebRTC: POST /v1/realtime/calls (and Azure's /openai/v1/realtime/calls),
            answered by a real peer on 127.0.0.1 (the browser must run on this machine; Chromium
            needs --allow-loopback-in-peer-connection); its URL is the second line of stdout.
            Needs the optional peer dependency werift: npm i -D werift@${WERIFT_VERSION}
  --webhook-url URL --webhook-secret whsec_…
            POST each SIP call's realtime.call.incoming webhook to URL, signed with the secret
            (Standard Webhooks). The last stdout line is then the URL that places a SIP call
            (POST ${FAKE_SIP_INCOMING_PATH}, JSON {from?, to?}, loopback clients only); answer it
            with POST /v1/realtime/calls/{id}/accept and a side-band ?call_id= WebSocket. Its
            caller speaks a turn at POST ${FAKE_SIP_CALLS_PATH}/{id}/speak (JSON {speechMs?,
            silenceMs?}) and hangs up at POST ${FAKE_SIP_CALLS_PATH}/{id}/hangup (loopback only).`;

/**
 * What the CLI prints on stdout once listening: the WebSocket base URL first (scripts read that
 * line), then with WebRTC the calls URL, then with a webhook the URL that places a SIP call.
 * @param url the ws server's base URL (`ws://HOST:PORT/v1`)
 * @param sip whether to print the SIP hook's URL. @default false
 */
export function startupLines(url: string, webRtc: boolean, sip = false): string[] {
  const http = url.replace(/^ws/, 'http');
  return [
    url,
    ...(webRtc ? [`${http}/realtime/calls`] : []),
    ...(sip ? [`${http.replace(/\/v1$/, '')}${FAKE_SIP_INCOMING_PATH}`] : []),
  ];
}

/**
 * The one-line message the CLI prints for an error of starting the server, or `undefined` for
 * an unexpected one (printed with its stack): a missing werift names the version to install; a
 * listen that failed (the port in use, a `--host` that does not resolve or is not this
 * machine's) names the address and the flag to change.
 * @param listen the `--host` and `--port` it listened on. @default undefined (werift only)
 */
export function startupErrorMessage(
  error: unknown,
  listen?: { readonly host: string; readonly port: number },
): string | undefined {
  if (error instanceof WebRtcUnavailableError)
    return `voxwire-fake-server: --webrtc needs the optional peer dependency werift, which could not be imported: install werift@${WERIFT_VERSION} (npm i -D werift@${WERIFT_VERSION})`;
  return listen ? listenErrorMessage(error, listen.host, listen.port) : undefined;
}

/**
 * The webhook's `fetch` in the CLI: the global one, plus a line on stderr when a SIP call's
 * webhook is not delivered or the app answers it with a status other than 2xx, so a person
 * running the CLI sees it (`POST /fake/sip/incoming` says it in its answer too). It still
 * rejects or answers as the global fetch did, so `call.webhookDelivery` is unchanged.
 * @param write where the lines go. @default the process's stderr
 */
export function loggingWebhookFetch(
  url: string,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): FetchLike {
  return async (input, init) => {
    const callId = callIdOf(init.body);
    try {
      const res = await globalThis.fetch(input, init as RequestInit);
      if (res.status < 200 || res.status > 299)
        write(
          `voxwire-fake-server: the webhook of SIP call ${callId} was answered ${res.status} by ${url}`,
        );
      return res;
    } catch (error) {
      write(
        `voxwire-fake-server: the webhook of SIP call ${callId} could not be delivered to ${url}: ${webhookFailureText(error)}`,
      );
      throw error;
    }
  };
}

// the call id in a webhook's body, for the log line (`?` if it is not there)
function callIdOf(body: string): string {
  try {
    const id = (JSON.parse(body) as { data?: { call_id?: unknown } }).data?.call_id;
    return typeof id === 'string' ? id : '?';
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliHelp) {
      process.stdout.write(`${error.message}\n`);
      return;
    }
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  let ws: Awaited<ReturnType<typeof startFakeWsServer>>;
  try {
    ws = await startFakeWsServer({
      port: opts.port,
      host: opts.host,
      apiKey: opts.apiKey,
      beta: opts.beta,
      models: opts.models,
      pacing: opts.realtime ? { realtimeFactor: 1, textDeltaIntervalMs: 30 } : {},
      idSalt: processIdSalt(process.pid, Date.now()),
      webRtc: opts.webRtc,
      webhook: opts.webhook && { ...opts.webhook, fetch: loggingWebhookFetch(opts.webhook.url) },
    });
  } catch (error) {
    const message = startupErrorMessage(error, opts);
    if (message === undefined) throw error;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
    return;
  }
  const lines = startupLines(ws.url, opts.webRtc, opts.webhook !== undefined);
  const callsUrl = opts.webRtc ? lines[1] : undefined;
  process.stdout.write(`${lines.join('\n')}\n`);
  const wildcard = wildcardNotice(ws.url, opts.host, networkInterfaces());
  if (wildcard !== undefined) process.stderr.write(`${wildcard}\n`);
  if (opts.webhook !== undefined)
    process.stderr.write(
      `voxwire-fake-server: POST ${lines[lines.length - 1]} places a SIP call; its webhook goes to ${opts.webhook.url}\n`,
    );
  if (callsUrl !== undefined) {
    process.stderr.write(
      `voxwire-fake-server: WebRTC calls at ${callsUrl} (CORS allowed; the peer is on 127.0.0.1 only, so the browser must run on this machine; Chromium needs --allow-loopback-in-peer-connection)\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`voxwire-fake-server: ${signal}, stopping\n`);
    // a close frame first (1001, going away): `ws.close()` alone terminates the sockets, and a
    // client would take the shutdown for a network that died (1006)
    closeGoingAway(ws.sockets)
      .then(() => ws.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// run only as a program, not when imported (tests import parseCliArgs)
const invoked = process.argv[1] ?? '';
if (/(?:cli\.(?:m?js|cjs|ts)|voxwire-fake-server(?:\.mjs)?)$/.test(invoked)) {
  main().catch((error: unknown) => {
    process.stderr.write(`voxwire-fake-server: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
