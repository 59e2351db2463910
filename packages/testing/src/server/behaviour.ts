/**
 * What a response contains: the handler API tests script with (`ctx.say`, `ctx.text`,
 * `ctx.callFunction`, `ctx.fail`), and the default demo agent.
 * @module
 */
import { FakeServerError } from '../errors.js';
import type { JsonObject } from './wire.js';

/** One planned output of a response. */
export type PlannedOutput =
  | { readonly kind: 'audio'; readonly transcript: string }
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'function_call';
      readonly name: string;
      readonly arguments: string;
      readonly callId?: string | undefined;
    };

/** How a response ends when it is not simply `completed`. */
export type PlannedEnding =
  | { readonly status: 'failed'; readonly error: { readonly type: string; readonly code: string } }
  | { readonly status: 'incomplete'; readonly reason: 'max_output_tokens' | 'content_filter' };

/** What a handler sees about the response being produced. */
export interface ResponseRequest {
  /** The response id (`resp_…`). */
  readonly responseId: string;
  /** What started it: a client `response.create`, the server VAD, or the idle timeout. */
  readonly trigger: 'client' | 'vad' | 'idle_timeout';
  /** The `response` object of `response.create` (empty for VAD-started responses). */
  readonly params: JsonObject;
  /** Whether it is out of band (`conversation: "none"`). */
  readonly outOfBand: boolean;
  /** The items the model sees: the conversation, or the `input` of the request. */
  readonly input: readonly JsonObject[];
  /** The effective session (with the request's overrides applied). */
  readonly session: JsonObject;
  /** The words of the latest user turn (text, or the scripted/derived transcription of audio). */
  readonly userText: string | undefined;
  /** Function tools this response may call: none under `tool_choice: "none"`, only the named one under `{type: "function", name}`. */
  readonly tools: readonly { readonly name: string; readonly description?: string | undefined }[];
  /** The output modality in effect: `audio` (with transcript) or `text`. */
  readonly modality: 'audio' | 'text';
}

/** The handler API: each call adds one output item, in call order. */
export interface ResponseContext extends ResponseRequest {
  /** Speaks `text` (an audio item with transcript; a text item when the modality is text). */
  say(text: string): void;
  /** Writes `text` as a text item, whatever the modality. */
  text(text: string): void;
  /** Calls a function; `args` is JSON-stringified unless it already is a string. */
  callFunction(name: string, args: unknown, options?: { callId?: string | undefined }): void;
  /** Ends the response as `failed` (defaults: `server_error` / `internal_error`). */
  fail(error?: { type?: string | undefined; code?: string | undefined }): void;
  /** Ends the response as `incomplete` after the outputs added so far. */
  incomplete(reason?: 'max_output_tokens' | 'content_filter'): void;
}

/**
 * A response script. It may be async (awaiting a test's deferred, say); its context calls count
 * until it returns or its promise settles, and a later call throws (`RESPONSE_CONTEXT_CLOSED`).
 */
export type ResponseHandler = (ctx: ResponseContext) => void | Promise<void>;

/**
 * Collects a handler's calls into a plan. Once `seal()` is called (the handler has returned or
 * its promise settled) the plan is being produced, so a later call cannot take effect: it throws
 * a {@link FakeServerError} `RESPONSE_CONTEXT_CLOSED` and is passed to `onLateCall` (so that
 * `assertComplete` reports it even when the throw lands in a promise nobody awaits).
 */
export function createContext(
  request: ResponseRequest,
  onLateCall: (error: FakeServerError) => void = () => undefined,
): {
  ctx: ResponseContext;
  outputs: PlannedOutput[];
  ending: () => PlannedEnding | undefined;
  seal: () => void;
} {
  const outputs: PlannedOutput[] = [];
  let ending: PlannedEnding | undefined;
  let sealed = false;
  const open = (method: string) => {
    if (!sealed) return;
    const error = new FakeServerError(
      'RESPONSE_CONTEXT_CLOSED',
      `ctx.${method}() of response ${request.responseId} was called after the response handler returned; return (or await) the promise that calls it`,
    );
    onLateCall(error);
    throw error;
  };
  const ctx: ResponseContext = {
    ...request,
    say(text) {
      open('say');
      outputs.push(
        request.modality === 'audio' ? { kind: 'audio', transcript: text } : { kind: 'text', text },
      );
    },
    text(text) {
      open('text');
      outputs.push({ kind: 'text', text });
    },
    callFunction(name, args, options) {
      open('callFunction');
      outputs.push({
        kind: 'function_call',
        name,
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
        callId: options?.callId,
      });
    },
    fail(error) {
      open('fail');
      ending = {
        status: 'failed',
        error: { type: error?.type ?? 'server_error', code: error?.code ?? 'internal_error' },
      };
    },
    incomplete(reason = 'max_output_tokens') {
      open('incomplete');
      ending = { status: 'incomplete', reason };
    },
  };
  return {
    ctx,
    outputs,
    ending: () => ending,
    seal: () => {
      sealed = true;
    },
  };
}

/**
 * The default behaviour, good enough for a playground: answers a function result with a
 * sentence about it, calls a matching tool when the user asks for weather or time (and the
 * session has such a tool), and otherwise answers the user's words.
 */
export const demoAgent: ResponseHandler = (ctx) => {
  const last = ctx.input[ctx.input.length - 1];
  if (last?.['type'] === 'function_call_output') {
    ctx.say(`Here is what I found: ${summarise(String(last['output'] ?? ''))}.`);
    return;
  }
  const words = (ctx.userText ?? '').trim();
  const lower = words.toLowerCase();
  const tool = (re: RegExp) =>
    ctx.tools.find((t) => re.test(t.name) || re.test(t.description ?? ''));
  if (/weather|temperature|forecast/.test(lower)) {
    const t = tool(/weather|forecast/i);
    if (t) {
      const city =
        /\b(?:in|for|at)\s+([A-Z][\p{L}-]*(?:\s+[A-Z][\p{L}-]*)*)/u.exec(words)?.[1] ?? 'Paris';
      ctx.callFunction(t.name, { location: city });
      return;
    }
  }
  if (/\btime\b|\bclock\b/.test(lower)) {
    const t = tool(/time|clock/i);
    if (t) {
      ctx.callFunction(t.name, {});
      return;
    }
  }
  if (!words) {
    ctx.say('Hello! I am the voxwire demo agent. How can I help?');
    return;
  }
  ctx.say(`You said: ${words}`);
};

function summarise(output: string): string {
  const flat = output
    .replace(/[{}"[\]:,]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat || 'nothing';
}
