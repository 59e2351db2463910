/**
 * What the function-calling feature knows about the calls of responses still in progress, so
 * that a disconnect accounts for every one of them (issue 8):
 *
 * - a call whose item the server finished (`conversation.item.done`, or the arguments are
 *   complete: `response.function_call_arguments.done`) but whose `response.output_item.done` the
 *   drop cut off is still run and answered after the restore;
 * - a call cut while the model was still writing its arguments is withdrawn: the restore leaves
 *   it out (and removes it from the mirror), so the model never sees a half call and nothing
 *   runs with arguments the model never finished;
 * - a call whose item is no longer in the mirror (it will not be restored) is not answered,
 *   since an output for it would be refused by the fresh server.
 *
 * Also remembers the connection's recently finished responses, so that a reordered
 * `response.output_item.done` arriving after its `response.done` (whose `output` already carried
 * the call) is not taken as the start of a new round that never finishes, and a `response.done`
 * delivered again does not run and answer its calls a second time.
 * @module
 */
import type { ChatFunctionCallItem, ChatItem } from '../conversation/chat-context.js';
import type { ConversationMirror } from '../conversation/mirror.js';
import type { FunctionCallItemInput } from '../tools/round.js';

/** A function call item of a response in progress, not yet handed to the tool runner. */
interface PendingCall {
  readonly responseId: string;
  /** Complete arguments, from `response.function_call_arguments.done`. */
  arguments?: string;
  callId?: string;
  name?: string;
}

// enough to recognise late events of the last few responses; the set never grows beyond it
const FINISHED_WINDOW = 32;

/** The bookkeeping of calls in flight. One per session. */
export class PendingCalls {
  readonly #calls = new Map<string, PendingCall>();
  readonly #finished: string[] = [];
  // the call items handed to the runner lately (made on the first): a call two paths reach (a
  // side-band's cut call retrieved after the re-attach, and the same call back through a healed
  // gap; or its response's rest heard after that) is run and answered once
  #claimed: string[] | undefined;

  /** Function-call items not yet handed to the runner (for tests and stats). */
  get size(): number {
    return this.#calls.size;
  }

  /** `response.output_item.added` of a function call. */
  added(responseId: string, itemId: string): void {
    if (!this.isFinished(responseId)) this.#calls.set(itemId, { responseId });
  }

  /** `response.function_call_arguments.done`: the arguments are complete. */
  argumentsDone(
    itemId: string,
    args: string,
    callId: string | undefined,
    name: string | undefined,
  ): void {
    const call = this.#calls.get(itemId);
    if (!call) return;
    call.arguments = args;
    if (callId) call.callId = callId;
    if (name) call.name = name;
  }

  /**
   * Claims the call item `itemId` for the runner: `false` when it was claimed already (it runs,
   * or ran, and is answered once). Remembers the last {@link FINISHED_WINDOW} claims.
   */
  claim(itemId: string): boolean {
    const claimed = (this.#claimed ??= []);
    if (claimed.includes(itemId)) return false;
    claimed.push(itemId);
    if (claimed.length > FINISHED_WINDOW) claimed.shift();
    return true;
  }

  /** The call was handed to the runner (its item is done). */
  taken(itemId: string): void {
    this.#calls.delete(itemId);
  }

  /** The response is over (`response.done`): forget its calls and remember it as finished. */
  finished(responseId: string): void {
    this.#forget(responseId);
    if (this.#finished.includes(responseId)) return;
    this.#finished.push(responseId);
    if (this.#finished.length > FINISHED_WINDOW) this.#finished.shift();
  }

  /** Whether `responseId` ended recently (its late events start nothing). */
  isFinished(responseId: string): boolean {
    return this.#finished.includes(responseId);
  }

  /**
   * The calls of `responseId` a side-band's drop left undecided (call before `recover`): every
   * call the mirror does not hold as completed, its arguments complete or not. The call's
   * session goes on with them, and may complete or drop each (the caller's next turn cancels
   * the response: a call cut before its item was done stays `incomplete`), so they are asked for
   * after the re-attach (`kept-session-calls.ts`) rather than decided here.
   */
  cut(responseId: string, mirror: ConversationMirror | undefined): string[] {
    const ids: string[] = [];
    for (const [itemId, call] of this.#calls) {
      if (call.responseId !== responseId) continue;
      const item = mirror?.get(itemId);
      if (item?.type !== 'function_call' || item.status !== 'completed') ids.push(itemId);
    }
    return ids;
  }

  /**
   * The connection was lost while `responseId` was in progress: returns the calls whose
   * arguments are complete but that were never handed to the runner, as runner input. A call
   * known complete only from `response.function_call_arguments.done` is marked completed in the
   * mirror (with those arguments), so that the restore re-creates it; calls cut mid-arguments
   * are left to the restore, which drops them. On a side-band's kept session (`keptSession`)
   * only calls the mirror holds completed are taken: the rest are `cut`. Forgets the
   * response's calls.
   */
  recover(
    responseId: string,
    mirror: ConversationMirror | undefined,
    keptSession = false,
  ): FunctionCallItemInput[] {
    const out: FunctionCallItemInput[] = [];
    for (const [itemId, call] of this.#calls) {
      if (call.responseId !== responseId) continue;
      const item = mirror?.get(itemId);
      if (item?.type !== 'function_call') continue;
      if (item.status === 'completed') {
        out.push(toInput(item));
      } else if (call.arguments !== undefined && mirror && !keptSession) {
        const args = call.arguments;
        const completed = mirror.update(itemId, (current) => ({
          ...(current as ChatFunctionCallItem),
          callId: (current as ChatFunctionCallItem).callId || call.callId || itemId,
          name: (current as ChatFunctionCallItem).name || call.name || '',
          arguments: args,
          status: 'completed',
        }));
        out.push(toInput(completed as ChatFunctionCallItem));
      }
    }
    this.#forget(responseId);
    return out;
  }

  /**
   * The connection is gone: forgets everything in flight, and the finished responses too. Ids are
   * the server session's: a new connection's server (a restarted one, a relay) may count them
   * from the start again, and a response of its own must not be taken for a finished one. The
   * claims stay on a side-band's kept session (`keptSession`), whose item ids go on.
   */
  clear(keptSession = false): void {
    this.#calls.clear();
    this.#finished.length = 0;
    // a side-band's kept session goes on with the same items: a call claimed before the drop
    // may come back by another path after the re-attach
    if (!keptSession) this.#claimed = undefined;
  }

  #forget(responseId: string): void {
    for (const [itemId, call] of this.#calls)
      if (call.responseId === responseId) this.#calls.delete(itemId);
  }
}

/**
 * Whether an output for the call item `itemId` can be placed after a restore: the item is a
 * function call the restore re-creates (completed, or with no status because the app made it).
 * Without a mirror there is nothing to check against, so every call is answered.
 */
export function answerableAfterRestore(
  itemId: string,
  mirror: ConversationMirror | undefined,
): boolean {
  if (!mirror) return true;
  const item: ChatItem | undefined = mirror.get(itemId);
  return (
    item?.type === 'function_call' && (item.status === undefined || item.status === 'completed')
  );
}

function toInput(item: ChatFunctionCallItem): FunctionCallItemInput {
  return {
    id: item.id,
    call_id: item.callId,
    name: item.name,
    arguments: item.arguments,
    status: 'completed',
  };
}
