/**
 * The rule both call modes' hang-up follows for function calls: a response that ended with them
 * is followed by the model's answer to their outputs (the engine asks for it once its tools
 * answered), so a goodbye said there — after an `end_call` tool — must be waited for too.
 * @module
 */
import type { RealtimeSession } from '@voxwire/core';

/**
 * Follows `session`'s responses; the returned function says whether the model still owes an
 * answer to the function calls of the last response. `responseDone` runs after each
 * `response_done`, once that is updated (a response ends on every path — done, cancelled, lost
 * with the connection — with `response_done`, after it left the responses in progress).
 */
export function watchOwedAnswer(session: RealtimeSession, responseDone: () => void): () => boolean {
  let owed = false;
  session.on('response_created', () => {
    owed = false;
  });
  session.on('response_done', (response) => {
    owed =
      response.status === 'completed' && response.output.some((o) => o.type === 'function_call');
    responseDone();
  });
  return () => owed;
}
