/**
 * Reading a webhook's body with a bound: Twilio's form and OpenAI's signed JSON are small, and a
 * larger body is refused rather than buffered.
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** The raw body of `req` (a signature covers its exact bytes); `undefined` past `max` bytes. */
export async function readBoundedBody(
  req: IncomingMessage,
  max: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
