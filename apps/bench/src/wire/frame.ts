/**
 * Server-side WebSocket text frames built once. A server frame is unmasked (RFC 6455 §5.1), so
 * its bytes are the same on every connection: the load server frames a payload once and writes
 * the bytes to each TCP socket, instead of asking `ws` to frame it again for each send. That keeps
 * the server far cheaper than any client, so the clients, not the server, set the pace.
 * @module
 */

/** One unmasked, final text frame (FIN + opcode 1) carrying `payload`. */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + n);
  frame[0] = 0x81;
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** Several payloads framed back to back in one buffer (one socket write). */
export function textFrames(payloads: readonly Buffer[]): Buffer {
  return Buffer.concat(payloads.map(textFrame));
}

/** Parse back a buffer of server text frames (tests, and a sanity check of `textFrame`). */
export function parseTextFrames(bytes: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] !== 0x81) throw new Error(`not a final unmasked text frame at byte ${at}`);
    const len7 = bytes[at + 1]! & 0x7f;
    if ((bytes[at + 1]! & 0x80) !== 0) throw new Error(`masked frame at byte ${at}`);
    let length = len7;
    let header = 2;
    if (len7 === 126) {
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (len7 === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    out.push(bytes.subarray(at + header, at + header + length).toString());
    at += header + length;
  }
  return out;
}
