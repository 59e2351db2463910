/**
 * Ephemeral client secrets (`POST /v1/realtime/client_secrets`, protocol.md §5 "ephemeral key,
 * GA"): the body's validation with the API's error codes, the `ek_…` values minted, and the
 * session each one starts. The HTTP layer is the ws mode's; this part is transport-free so that
 * a `FakeServer` shared across modes keeps one list.
 * @module
 */
import type { Dialect } from '@voxwire/protocol';
import { Errors, serverError, type ServerErrorBody } from './error-catalog.js';
import { modelRefusal } from './served-models.js';
import { defaultSession, mergeSession } from './session-config.js';
import { checkRawSessionUpdate } from './session-keys.js';
import { checkSessionValues } from './session-values.js';
import { clone, isObject, type JsonObject } from './wire.js';

/** Default lifetime of a minted secret, seconds (protocol.md §7.11). */
export const CLIENT_SECRET_DEFAULT_TTL_S = 600;
/** Shortest lifetime `expires_after.seconds` may ask for. */
export const CLIENT_SECRET_MIN_TTL_S = 10;
/** Longest lifetime `expires_after.seconds` may ask for. */
export const CLIENT_SECRET_MAX_TTL_S = 7200;

/** One minted secret, as `server.clientSecrets` shows it (a snapshot). */
export interface ClientSecretRecord {
  /** The secret (`ek_…`). */
  readonly value: string;
  /** When it stops authenticating new connections, epoch seconds of the server's clock. */
  readonly expiresAt: number;
  /** The resolved session the mint answered with (what `session.created` starts from). */
  readonly session: JsonObject;
  /** How many connections it authenticated so far. */
  readonly usedBy: number;
}

/** The answer to a mint: the HTTP status and JSON body to send. */
export interface MintResult {
  /** 200 when minted, 400 when the body was refused. */
  readonly status: 200 | 400;
  /** `{value, expires_at, session}`, or the API's `{error:{message,type,code,param}}`. */
  readonly body: JsonObject;
}

interface Minted {
  readonly value: string;
  readonly expiresAt: number;
  readonly expiresAtMs: number;
  readonly session: JsonObject;
  // the session fields the mint named (validated, GA model): what a connection starts with
  readonly requested: JsonObject;
  usedBy: number;
}

/** What minting needs of the server. */
export interface ClientSecretsHost {
  /** The server clock's now, ms. */
  now(): number;
  /** The server's id source (`ek`, `sess`). */
  newId(prefix: string): string;
  /** The model a session names when the mint does not. */
  readonly defaultModel: string;
  /** The model names served (`undefined`: all). */
  readonly models: readonly string[] | undefined;
}

/** The body of an HTTP error: the API's shape, without the `event_id` of an `error` event. */
export function httpErrorBody(error: ServerErrorBody): JsonObject {
  return {
    error: { message: error.message, type: error.type, code: error.code, param: error.param },
  };
}

/** The secrets a server minted, oldest first. Nothing is kept until the first mint. */
export class ClientSecrets {
  readonly #minted: Minted[] = [];
  readonly #byValue = new Map<string, Minted>();

  constructor(private readonly host: ClientSecretsHost) {}

  /** Snapshots of every secret minted, oldest first. */
  list(): ClientSecretRecord[] {
    return this.#minted.map((m) => ({
      value: m.value,
      expiresAt: m.expiresAt,
      session: clone(m.session),
      usedBy: m.usedBy,
    }));
  }

  /** Validates a parsed request body and mints a secret, or says which field is wrong. */
  mint(body: unknown): MintResult {
    const refused = (error: ServerErrorBody): MintResult => ({
      status: 400,
      body: httpErrorBody(error),
    });
    // assumed: the API's wording for a body that is JSON but not an object is not recorded in
    // protocol.md; the fake reports it as the type error the session fields get
    if (!isObject(body)) return refused(Errors.invalidType('body', 'an object', null));
    for (const key of Object.keys(body))
      if (key !== 'expires_after' && key !== 'session')
        return refused(Errors.unknownParameter(key, null));
    const ttl = checkExpiresAfter(body['expires_after']);
    if (typeof ttl !== 'number') return refused(ttl);
    const raw = body['session'] ?? { type: 'realtime' };
    // the session's own checks, as session.update has them (unknown keys, the required `type`,
    // values): a mint refuses what the session would
    const bad = checkRequestedSession(raw, this.host.models, this.host.defaultModel);
    if (bad) return refused(bad);
    const requested = clone(raw as JsonObject);
    // anchored on `created_at`, whole seconds as the API counts it: the secret ends at the
    // `expires_at` it answers, not up to a second later (a client reads only that)
    const expiresAt = Math.floor(this.host.now() / 1000) + ttl;
    const expiresAtMs = expiresAt * 1000;
    // as session.created would show it, with the secret's expiry (the session a connection
    // starts gets its own id and its own expiry, as each connection is a new session)
    const session = startingSession(requested, {
      id: this.host.newId('sess'),
      model: this.host.defaultModel,
      expiresAt,
      dialect: 'ga',
    });
    // the mint's session wins whole, its resolved model too: a connection's URL names a model
    // as well, and protocol.md does not say which the API keeps; the mint is the server-side
    // decision, which a browser's URL should not override
    if (session['type'] !== 'transcription') requested['model'] = session['model'];
    const minted: Minted = {
      value: this.host.newId('ek'),
      expiresAt,
      expiresAtMs,
      session,
      requested,
      usedBy: 0,
    };
    this.#minted.push(minted);
    this.#byValue.set(minted.value, minted);
    return {
      status: 200,
      body: { value: minted.value, expires_at: expiresAt, session: clone(session) },
    };
  }

  /**
   * Whether `value` is a secret this server minted: `'live'` until its expiry by the server's
   * clock, `'expired'` from then on, `undefined` when it never minted it.
   */
  state(value: string): 'live' | 'expired' | undefined {
    const m = this.#byValue.get(value);
    if (!m) return undefined;
    return this.host.now() < m.expiresAtMs ? 'live' : 'expired';
  }

  /**
   * Counts a connection started with `value` and returns the session fields its mint named.
   * @returns `undefined` when this server never minted `value`
   */
  use(value: string): JsonObject | undefined {
    const m = this.#byValue.get(value);
    if (!m) return undefined;
    m.usedBy++;
    return m.requested;
  }
}

/**
 * The checks a session config given over HTTP gets (a mint's `session`, a SIP call's accept
 * body, a WebRTC call's `session` part): those of a `session.update` (unknown keys, the
 * required `type`, values), and a served model. `undefined` when it may start a session.
 */
export function checkRequestedSession(
  raw: unknown,
  models: readonly string[] | undefined,
  defaultModel: string,
): ServerErrorBody | undefined {
  return (
    checkRawSessionUpdate(raw, 'ga', null) ??
    checkSessionValues(raw as JsonObject, 'ga', null) ??
    modelOf(raw as JsonObject, models, defaultModel)
  );
}

/**
 * The session a connection started with a minted secret begins with: the defaults of its type
 * (and dialect), with the fields the mint named (and its resolved model) merged over them as a
 * `session.update` would, so its `session.created` shows what the mint answered.
 */
export function startingSession(
  requested: JsonObject,
  base: { id: string; model: string; expiresAt: number; dialect: Dialect },
): JsonObject {
  const transcription = requested['type'] === 'transcription';
  const merged = mergeSession(defaultSession({ ...base, transcription }), requested);
  if (transcription) merged['object'] = 'realtime.transcription_session';
  return merged;
}

// the lifetime asked for, seconds, or the error naming the field (protocol.md §5: anchor
// `created_at`, seconds 10–7200, default 600); both fields are optional, as in the SDK's types
function checkExpiresAfter(value: unknown): number | ServerErrorBody {
  if (value === undefined) return CLIENT_SECRET_DEFAULT_TTL_S;
  if (!isObject(value)) return Errors.invalidType('expires_after', 'an object', null);
  for (const key of Object.keys(value))
    if (key !== 'anchor' && key !== 'seconds')
      return Errors.unknownParameter(`expires_after.${key}`, null);
  const anchor = value['anchor'];
  if (anchor !== undefined && anchor !== 'created_at')
    return Errors.invalidValue('expires_after.anchor', anchor, ['created_at'], null);
  const seconds = value['seconds'];
  if (seconds === undefined) return CLIENT_SECRET_DEFAULT_TTL_S;
  const param = 'expires_after.seconds';
  if (typeof seconds !== 'number' || !Number.isInteger(seconds))
    return Errors.invalidType(param, 'an integer', null);
  if (seconds < CLIENT_SECRET_MIN_TTL_S)
    return Errors.belowMin(param, CLIENT_SECRET_MIN_TTL_S, seconds, true, null);
  if (seconds > CLIENT_SECRET_MAX_TTL_S)
    return Errors.aboveMax(param, CLIENT_SECRET_MAX_TTL_S, seconds, true, null);
  return seconds;
}

// a model the server does not serve is refused at the mint, naming the field, rather than at
// every connection the secret would start; so is the default a session naming none would run
// on (a transcription session runs no conversation model)
function modelOf(
  session: JsonObject,
  models: readonly string[] | undefined,
  defaultModel: string,
): ServerErrorBody | undefined {
  const model =
    session['model'] ?? (session['type'] === 'transcription' ? undefined : defaultModel);
  if (model === undefined) return undefined;
  if (typeof model !== 'string') return Errors.invalidType('session.model', 'a string', null);
  const refusal = modelRefusal(models, model);
  return refusal ? { ...refusal, param: 'session.model' } : undefined;
}

/** The 401 for an `ek_…` key used to mint: only a standard key may (assumed wording). */
export function ephemeralCannotMint(): ServerErrorBody {
  return serverError(
    'invalid_api_key',
    'Ephemeral client secrets (ek_…) cannot create client secrets; use a standard API key.',
  );
}
