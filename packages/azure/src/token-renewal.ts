/**
 * One retry of a connect whose Microsoft Entra token the service refused at the upgrade (HTTP
 * 401): a cached `credential` token can be revoked, or judged on a clock skewed against the
 * token's own timestamps. The token is dropped from the cache, the credential asked once more,
 * and the connect made again inside the same attempt (same deadline, same abort signal), so the
 * session sees one connect, not a failure. A second 401 is final.
 * @module
 */
import { TransportError } from '@voxwire/node';
import type { Transport } from '@voxwire/protocol';

/** Whether `error` is a refused upgrade with HTTP 401 (a 403 is a role, not a token, problem). */
export function isRefusedToken(error: unknown): boolean {
  return error instanceof TransportError && error.httpStatus === 401;
}

/**
 * A transport that starts `first` and, when its upgrade is refused with 401, starts the one
 * `renew()` makes instead (once). It keeps the `Transport` contract for its owner: one `onclose`
 * whatever happened (the refused socket's close is held and dropped when the renewed one takes
 * over), and a `close()` during the renewal ends the connect with `ABORTED` at once, without waiting for
 * the credential's answer.
 */
export class TokenRenewingTransport implements Transport {
  onmessage: Transport['onmessage'];
  onclose: Transport['onclose'];
  onerror: Transport['onerror'];
  #current: Transport;
  readonly #renew: () => Promise<Transport>;
  readonly #refusedAgain: () => void;
  // the refused transport's close, held while the renewal may still replace it
  #heldClose: { code: number; reason: string } | undefined;
  #holding = false;
  // close() came while the renewal was under way: the renewed transport is never started
  #closeRequested = false;
  #renewing = false;
  #closed: Promise<void> | undefined;
  #settleClosed: (() => void) | undefined;
  // ends start()'s wait for the renewal when close() comes: a credential that never answers
  // (a request on a dead socket) must not hold the close, nor the connect, with no socket left
  #abortRenewal: (() => void) | undefined;

  /**
   * @param first the transport to start first, unstarted
   * @param renew asked once after `first`'s 401: refuses the token and returns a transport
   *   carrying a fresh one, unstarted
   * @param refusedAgain called when the renewed connect is refused with 401 as well (so the
   *   fresh token is not cached for the next connect either)
   */
  constructor(first: Transport, renew: () => Promise<Transport>, refusedAgain: () => void) {
    this.#current = first;
    this.#renew = renew;
    this.#refusedAgain = refusedAgain;
    this.#wire(first);
  }

  get bufferedAmount(): number {
    return this.#current.bufferedAmount ?? 0;
  }

  get raw(): unknown {
    return this.#current.raw;
  }

  async start(): Promise<void> {
    const first = this.#current;
    this.#holding = true;
    try {
      await first.start();
      this.#release();
      return;
    } catch (error) {
      if (!isRefusedToken(error) || this.#closeRequested) {
        this.#release();
        throw error;
      }
    }
    this.#renewing = true;
    const renewal = this.#renew();
    const aborted = new Promise<undefined>(
      (resolve) => (this.#abortRenewal = () => resolve(undefined)),
    );
    let next: Transport | undefined;
    try {
      next = await Promise.race([renewal, aborted]);
    } catch (error) {
      // no second connect: the refused one's close is the transport's close
      this.#renewing = false;
      this.#abortRenewal = undefined;
      this.#release();
      throw error;
    }
    this.#renewing = false;
    this.#abortRenewal = undefined;
    if (next === undefined || this.#closeRequested) {
      // a renewal that answers after the close is closed unstarted, its failure dropped
      renewal
        .then(
          (late) => late.close(),
          () => undefined,
        )
        .catch(() => undefined);
      this.#release();
      throw new TransportError('ABORTED', 'The transport was closed while connecting.');
    }
    // the renewed connect takes over: the refused socket's close is not this transport's
    first.onmessage = first.onclose = first.onerror = undefined;
    this.#heldClose = undefined;
    this.#holding = false;
    this.#current = next;
    this.#wire(next);
    try {
      await next.start();
    } catch (error) {
      if (!isRefusedToken(error)) throw error;
      this.#refusedAgain();
      throw new TransportError(
        'AUTH_FAILED',
        `Azure refused the Microsoft Entra token with HTTP 401, and a freshly fetched one too: check that the identity has a role on this resource (Cognitive Services User or OpenAI User), that the credential's tenant is the resource's, and the token scope (tokenScope). ${(error as TransportError).message}`,
        { httpStatus: 401, cause: error },
      );
    }
  }

  send(frame: string): void {
    this.#current.send(frame);
  }

  close(code?: number, reason?: string): Promise<void> {
    if (!this.#renewing) return this.#current.close(code, reason);
    // the refused socket is gone and the renewed one not made yet: nothing to close but the
    // connect itself, which start() ends once the renewal answers
    this.#closeRequested = true;
    const closed = (this.#closed ??= new Promise<void>(
      (resolve) => (this.#settleClosed = resolve),
    ));
    this.#abortRenewal?.();
    return closed;
  }

  #wire(transport: Transport): void {
    transport.onmessage = (frame) => this.onmessage?.(frame);
    transport.onerror = (error) => this.onerror?.(error);
    transport.onclose = (code, reason) => {
      if (this.#holding && transport === this.#current) this.#heldClose = { code, reason };
      else this.onclose?.(code, reason);
    };
  }

  /** Stops holding the current transport's close, delivering one that came meanwhile. */
  #release(): void {
    this.#holding = false;
    const held = this.#heldClose;
    this.#heldClose = undefined;
    if (held !== undefined) this.onclose?.(held.code, held.reason);
    this.#settleClosed?.();
  }
}
