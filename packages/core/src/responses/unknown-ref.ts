/**
 * The protocol violation of a response event that names a response, output or content the
 * tracker does not know.
 * @module
 */
import { VoxwireError } from '../errors.js';

/** `PROTOCOL_VIOLATION` for `type` naming something unknown (`data.reason: 'unknown_reference'`). */
export function unknownRef(type: string, message: string): VoxwireError {
  return new VoxwireError('PROTOCOL_VIOLATION', `${type}: ${message}`, {
    data: { type, reason: 'unknown_reference' },
  });
}
