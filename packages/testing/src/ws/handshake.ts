/**
 * How the real services judge a WebSocket handshake (protocol.md §5): which path means which
 * provider and dialect, where the key and model come from, and what is refused at the HTTP
 * level (Azure GA with an `api-version`) versus after the 101 (everything else).
 * @module
 */
import type { Dialect } from '@voxwire/protocol';
import { BETA_HEADER, Subprotocol } from '@voxwire/protocol';
import { Errors, type ServerErrorBody } from '../server/error-catalog.js';
import { judgeKey } from '../server/key-check.js';
import { modelRefusal, REQUEST_SHAPE_CLOSE_CODE } from '../server/served-models.js';

export { closeReasonOf } from '../server/error-catalog.js';

/** One recorded handshake, for assertions. */
export interface HandshakeRecord {
  /** The request URL (path and query, as sent). */
  readonly url: string;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Offered subprotocols, in order. */
  readonly subprotocols: readonly string[];
  /** What the server decided. */
  outcome: 'accepted' | 'stalled' | `http ${number}` | `closed ${number}`;
}

/** The verdict on a handshake. */
export type HandshakeVerdict =
  | { readonly kind: 'http'; readonly status: number; readonly body: string }
  | {
      readonly kind: 'fatal';
      readonly error: ServerErrorBody;
      readonly closeCode: number;
      readonly dialect: Dialect;
    }
  | {
      readonly kind: 'accept';
      readonly dialect: Dialect;
      readonly model: string;
      readonly provider: 'openai' | 'azure';
      /** `?intent=transcription`: a transcription-only session. */
      readonly transcription: boolean;
      /** The minted secret (`ek_…`) the client authenticated with, if it used one. */
      readonly clientSecret?: string | undefined;
      /** `?call_id=`: a side-band to that call's session (GA paths, standard key). */
      readonly callId?: string | undefined;
    };

/** What the server accepts. */
export interface HandshakePolicy {
  /**
   * The only key accepted (any non-empty key when absent).
   * @default undefined
   */
  readonly apiKey?: string | undefined;
  /**
   * Whether the Azure paths are served.
   * @default true (in startFakeWsServer)
   */
  readonly azure: boolean;
  /**
   * What the `OpenAI-Beta` header does on the OpenAI path.
   * @default 'refuse' (in startFakeWsServer)
   */
  readonly beta: 'accept' | 'refuse';
  /**
   * The model (or Azure deployment) names served; any other is refused with `invalid_model`.
   * @default undefined (every model is served)
   */
  readonly models?: readonly string[] | undefined;
  /**
   * Whether an `ek_…` key is a client secret the server minted (`'live'`, `'expired'`) or not
   * (`undefined`). A live one authenticates the GA paths; an expired one is refused as a wrong
   * key is; one never minted is judged as any other key (by `apiKey`).
   * @default undefined (no secret is minted)
   */
  readonly clientSecret?: ((key: string) => 'live' | 'expired' | undefined) | undefined;
}

/** A request header's (first) value. */
export function header(headers: HandshakeRecord['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The key of an `Authorization: Bearer <key>` header, if any. */
export function bearerOf(headers: HandshakeRecord['headers']): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '')?.[1]?.trim();
}

/** Judges a handshake. */
export function judgeHandshake(rec: HandshakeRecord, policy: HandshakePolicy): HandshakeVerdict {
  const url = new URL(rec.url, 'http://fake.invalid');
  const path = url.pathname.replace(/\/+$/, '');
  const q = url.searchParams;
  const betaAsked =
    header(rec.headers, BETA_HEADER.name)?.trim() === BETA_HEADER.value ||
    rec.subprotocols.includes(Subprotocol.Beta);
  const bearer = bearerOf(rec.headers);
  // the verdict on a key, or the minted secret it is (GA paths only: the preview path predates
  // `client_secrets`)
  const keyCheck = (
    key: string | undefined,
    dialect: Dialect,
    ephemeral: boolean,
  ): { readonly bad?: HandshakeVerdict; readonly secret?: string | undefined } => {
    const { error, secret } = judgeKey(key, policy, ephemeral);
    return error ? { bad: { kind: 'fatal', error, closeCode: 3000, dialect } } : { secret };
  };
  // after the key, as the real server judges it (a bad key and a bad model close with 3000)
  const modelCheck = (model: string, dialect: Dialect): HandshakeVerdict | undefined => {
    const error = modelRefusal(policy.models, model);
    return error
      ? { kind: 'fatal', error, closeCode: REQUEST_SHAPE_CLOSE_CODE, dialect }
      : undefined;
  };

  // a side-band is a server's, with its standard key: a minted secret is refused as a bad
  // key is (assumed wording; protocol.md records none)
  const callId = q.get('call_id') ?? undefined;
  const sidebandKey = (
    secret: string | undefined,
    dialect: Dialect,
  ): HandshakeVerdict | undefined =>
    callId !== undefined && secret !== undefined
      ? {
          kind: 'fatal',
          error: {
            ...Errors.invalidApiKey(secret),
            message: `Ephemeral client secrets (ek_…) cannot open a side-band connection (call_id=${callId}); use a standard API key.`,
          },
          closeCode: 3000,
          dialect,
        }
      : undefined;

  if (path === '/v1/realtime') {
    const dialect: Dialect = betaAsked ? 'beta' : 'ga';
    const subKey = rec.subprotocols
      .find((p) => p.startsWith(Subprotocol.InsecureApiKeyPrefix))
      ?.slice(Subprotocol.InsecureApiKeyPrefix.length);
    const { bad, secret } = keyCheck(bearer ?? subKey, dialect, true);
    if (bad) return bad;
    const ephemeralSideband = sidebandKey(secret, dialect);
    if (ephemeralSideband) return ephemeralSideband;
    const model = q.get('model');
    // a minted secret's session names its model (the mint's, or the default)
    if (!model && !q.get('intent') && !q.get('call_id') && !secret)
      return { kind: 'fatal', error: Errors.missingModel(), closeCode: 4000, dialect };
    // a transcription or side-band (call_id) session may name no model: none to refuse
    const unserved = model ? modelCheck(model, dialect) : undefined;
    if (unserved) return unserved;
    if (betaAsked && policy.beta === 'refuse')
      return { kind: 'fatal', error: Errors.betaDisabled(), closeCode: 4000, dialect };
    return {
      kind: 'accept',
      dialect,
      model: model ?? 'gpt-realtime',
      provider: 'openai',
      transcription: q.get('intent') === 'transcription',
      clientSecret: secret,
      callId,
    };
  }
  if (policy.azure && path === '/openai/v1/realtime') {
    // Azure GA refuses an api-version before the upgrade (protocol.md §5.2)
    if (q.has('api-version'))
      return {
        kind: 'http',
        status: 401,
        body: 'api-version is not allowed on the /openai/v1 realtime path',
      };
    const { bad, secret } = keyCheck(
      header(rec.headers, 'api-key') ?? q.get('api-key') ?? bearer,
      'ga',
      true,
    );
    if (bad) return bad;
    const ephemeralSideband = sidebandKey(secret, 'ga');
    if (ephemeralSideband) return ephemeralSideband;
    const model = q.get('model') ?? q.get('deployment');
    if (!model && !secret && callId === undefined)
      return { kind: 'fatal', error: Errors.missingModel(), closeCode: 4000, dialect: 'ga' };
    const unserved = model ? modelCheck(model, 'ga') : undefined;
    if (unserved) return unserved;
    return {
      kind: 'accept',
      dialect: 'ga',
      model: model ?? 'gpt-realtime',
      provider: 'azure',
      transcription: q.get('intent') === 'transcription',
      clientSecret: secret,
      callId,
    };
  }
  if (policy.azure && path === '/openai/realtime') {
    if (!q.get('api-version'))
      return { kind: 'http', status: 404, body: 'Resource not found (missing api-version)' };
    const { bad } = keyCheck(
      header(rec.headers, 'api-key') ?? q.get('api-key') ?? bearer,
      'beta',
      false,
    );
    if (bad) return bad;
    const deployment = q.get('deployment');
    if (!deployment)
      return { kind: 'fatal', error: Errors.missingModel(), closeCode: 4000, dialect: 'beta' };
    const unserved = modelCheck(deployment, 'beta');
    if (unserved) return unserved;
    return {
      kind: 'accept',
      dialect: 'beta',
      model: deployment,
      provider: 'azure',
      transcription: false,
    };
  }
  return { kind: 'http', status: 404, body: `No realtime endpoint at ${path}` };
}
