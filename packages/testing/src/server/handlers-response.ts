/**
 * `response.create` / `response.cancel`, and the runner that turns a behaviour's plan into a
 * paced {@link ResponseRun} (one default-conversation response at a time; out-of-band ones in
 * parallel, protocol.md §7.4 and §7.8).
 * @module
 */
import { createContext, type ResponseRequest } from './behaviour.js';
import type { FakeConnection } from './connection.js';
import { Errors } from './error-catalog.js';
import { ResponseRun } from './response.js';
import { inputTokensOf } from './tokens.js';
import { sentModalities, withSentModalities } from './beta-modalities.js';
import { formatWithRate, sessionValue } from './session-config.js';
import { checkResponseValues } from './session-values.js';
import { clone, isObject, type JsonObject } from './wire.js';

/** Starts responses for one connection. */
export class ResponseRunner {
  #conversationId: string;

  constructor(private readonly conn: FakeConnection) {
    this.#conversationId = conn.host.newId('conv');
  }

  /**
   * The id of the connection's default conversation: each of its responses names it in
   * `conversation_id`, and a beta session announces it in `conversation.created`.
   */
  get conversationId(): string {
    return this.#conversationId;
  }

  /** Starts a response; returns it, or `undefined` when refused (an error was sent). */
  start(
    trigger: ResponseRequest['trigger'],
    params: JsonObject,
    eventId: string | null,
  ): ResponseRun | undefined {
    const conn = this.conn;
    // the same values a session.update takes: refused before anything starts
    const bad = checkResponseValues(params, conn.dialect, eventId);
    if (bad) {
      conn.error(bad);
      return undefined;
    }
    const outOfBand = params['conversation'] === 'none';
    if (!outOfBand && conn.active) {
      conn.error(Errors.activeResponse(conn.active.id, eventId));
      return undefined;
    }
    const session = effectiveSession(conn.session, params);
    const input = this.#inputOf(params, outOfBand, eventId);
    if (input === undefined) return undefined;
    const modalities = (session['output_modalities'] as unknown[] | undefined) ?? ['audio'];
    const modality: 'audio' | 'text' = modalities.includes('audio') ? 'audio' : 'text';
    const outputFormat = String(sessionValue(session, 'audio.output.format.type') ?? 'audio/pcm');
    const id = conn.host.newId('resp');
    const base: JsonObject = {
      id,
      object: 'realtime.response',
      ...(outOfBand ? {} : { conversation_id: this.#conversationId }),
      output_modalities: modalities,
      max_output_tokens: session['max_output_tokens'] ?? 'inf',
      audio: {
        output: {
          format: formatWithRate(
            sessionValue(session, 'audio.output.format') ?? { type: 'audio/pcm' },
          ),
          voice: sessionValue(session, 'audio.output.voice') ?? 'alloy',
        },
      },
      metadata: params['metadata'] ?? null,
    };
    if (conn.dialect === 'beta' && typeof session['temperature'] === 'number')
      base['temperature'] = session['temperature'];
    // a beta response echoes the modalities its request (or else the session) was sent with, not
    // the GA model's mapping of them (see beta-modalities.ts)
    const echoed =
      conn.dialect === 'beta'
        ? withSentModalities(
            base,
            sentModalities(conn.rawEvent?.['response']) ??
              (params['output_modalities'] === undefined ? conn.betaModalities : undefined),
          )
        : base;
    const instructions = typeof session['instructions'] === 'string' ? session['instructions'] : '';
    const audioMs = (itemId: string) => {
      const stored = conn.conversation.get(itemId);
      return stored?.audio
        ? Math.round((stored.audio.length * 1000) / (stored.sampleRate ?? 24_000))
        : 0;
    };
    const run = new ResponseRun(
      {
        clock: conn.host.clock,
        conversation: conn.conversation,
        emit: (e) => conn.emit(e),
        newId: (p) => conn.host.newId(p),
        finished: (r) => this.#finished(r),
        // over WebRTC the server plays the audio itself (protocol.md §7.4)
        play:
          conn.audioPath === 'media'
            ? (itemId, samples, rate) => conn.outputAudio.play(id, itemId, samples, rate)
            : undefined,
      },
      echoed,
      inputTokensOf(input, instructions, audioMs),
      conn.host.pacing,
      outputFormat,
    );
    conn.runs.add(run);
    if (!outOfBand) conn.active = run;
    conn.clearIdleTimer();
    run.start();
    const tools = callableTools(session);
    const request: ResponseRequest = {
      responseId: id,
      trigger,
      params: clone(params),
      outOfBand,
      input,
      session,
      userText: this.#userText(input),
      tools,
      modality,
    };
    void this.#drive(run, request);
    return run;
  }

  async #drive(run: ResponseRun, request: ResponseRequest): Promise<void> {
    const { ctx, outputs, ending, seal } = createContext(request, (error) =>
      this.conn.host.reportHandlerError(error),
    );
    const settled = this.conn.host.handlerRunning?.(this.conn, request, () => run.done);
    try {
      const handler = this.conn.host.takeHandler(this.conn, request);
      const result = handler(ctx);
      if (result && typeof (result as Promise<void>).then === 'function') await result;
    } catch (error) {
      seal();
      this.conn.host.reportHandlerError(error);
      run.finish({ status: 'failed', error: { type: 'server_error', code: 'handler_error' } });
      return;
    } finally {
      settled?.();
    }
    // from here the plan is produced: a call from a promise the handler did not return would
    // be lost, so it throws instead
    seal();
    await run.produce(outputs, ending());
  }

  #finished(run: ResponseRun): void {
    const conn = this.conn;
    conn.runs.delete(run);
    if (conn.active === run) conn.active = undefined;
    conn.emit({
      type: 'rate_limits.updated',
      rate_limits: conn.host.rateLimits(run.totalTokens, conn.dialect),
    });
    if (!run.outOfBand) conn.armIdleTimer();
    // stopped comes after response.done, once the audio has played (protocol.md §7.4)
    conn.outputAudio.responseDone(run.id);
    conn.settleClose();
  }

  #inputOf(
    params: JsonObject,
    outOfBand: boolean,
    eventId: string | null,
  ): JsonObject[] | undefined {
    const conn = this.conn;
    const given = params['input'];
    if (!Array.isArray(given)) return outOfBand ? [] : conn.conversation.snapshot();
    const out: JsonObject[] = [];
    for (const [i, entry] of given.entries()) {
      if (!isObject(entry)) continue;
      if (entry['type'] === 'item_reference') {
        const ref = conn.conversation.get(String(entry['id']));
        if (!ref) {
          conn.error(Errors.itemNotFound(`response.input[${i}].id`, String(entry['id']), eventId));
          return undefined;
        }
        out.push(clone(ref.item));
      } else {
        out.push(clone(entry));
      }
    }
    return out;
  }

  #userText(input: readonly JsonObject[]): string | undefined {
    for (let i = input.length - 1; i >= 0; i--) {
      const item = input[i];
      if (!item || item['role'] !== 'user') continue;
      // kept with the item: a persisted conversation's earlier turns were heard elsewhere
      const heard = this.conn.conversation.get(String(item['id']))?.heard;
      if (heard) return heard.text;
      const parts = Array.isArray(item['content']) ? item['content'] : [];
      const words = parts
        .map((p) =>
          isObject(p)
            ? typeof p['text'] === 'string'
              ? p['text']
              : typeof p['transcript'] === 'string'
                ? p['transcript']
                : ''
            : '',
        )
        .join(' ')
        .trim();
      return words || undefined;
    }
    return undefined;
  }
}

/**
 * The function tools a response may call: the session's (or request's) `tools` as its
 * `tool_choice` allows them. `"none"` allows none and a named function (`{type: "function",
 * name}`) only that one, so a handler choosing from `ctx.tools` (the demo agent) never calls a
 * tool the request ruled out; `"auto"` and `"required"` allow all.
 */
function callableTools(session: JsonObject): { name: string; description: string | undefined }[] {
  const choice = session['tool_choice'];
  if (choice === 'none') return [];
  const named =
    isObject(choice) && choice['type'] === 'function' && typeof choice['name'] === 'string'
      ? choice['name']
      : undefined;
  return ((session['tools'] as unknown[] | undefined) ?? [])
    .filter(
      (t): t is JsonObject =>
        isObject(t) && (t['type'] ?? 'function') === 'function' && typeof t['name'] === 'string',
    )
    .filter((t) => named === undefined || t['name'] === named)
    .map((t) => ({
      name: String(t['name']),
      description: typeof t['description'] === 'string' ? t['description'] : undefined,
    }));
}

/** The session with a request's overrides applied (they last for that response only). */
function effectiveSession(session: JsonObject, params: JsonObject): JsonObject {
  const s = clone(session);
  for (const key of [
    'instructions',
    'output_modalities',
    'tools',
    'tool_choice',
    'max_output_tokens',
    'temperature',
  ]) {
    if (params[key] !== undefined) s[key] = clone(params[key]);
  }
  const audio = params['audio'];
  if (
    isObject(audio) &&
    isObject(audio['output']) &&
    isObject(s['audio']) &&
    isObject(s['audio']['output'])
  ) {
    Object.assign(s['audio']['output'], clone(audio['output']));
  }
  return s;
}

/** Handles `response.*` client events; returns false for other types. */
export function handleResponseEvent(
  conn: FakeConnection,
  event: JsonObject,
  eventId: string | null,
): boolean {
  const type = event['type'];
  if (type === 'response.create') {
    const params = isObject(event['response']) ? event['response'] : {};
    if (conn.transcriptionOnly) {
      conn.error(
        Errors.invalidValue(
          'type',
          'response.create',
          [
            'session.update',
            'input_audio_buffer.append',
            'input_audio_buffer.commit',
            'input_audio_buffer.clear',
          ],
          eventId,
        ),
      );
      return true;
    }
    conn.responses.start('client', params, eventId);
    return true;
  }
  if (type === 'response.cancel') {
    const wanted = typeof event['response_id'] === 'string' ? event['response_id'] : undefined;
    const run = wanted ? [...conn.runs].find((r) => r.id === wanted) : conn.active;
    if (!run || !run.cancel('client_cancelled')) conn.error(Errors.cancelNotActive(eventId));
    return true;
  }
  return false;
}
