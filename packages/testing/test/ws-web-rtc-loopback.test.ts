/**
 * The werift peer keeps to loopback whatever the offer's line endings: werift parses an SDP with
 * bare `\n` line endings too, so the candidate filter must read them as lines as well.
 */
import { describe, expect, it } from 'vitest';
import { loopbackOnly } from '../src/ws/werift-peer.js';

const lines = [
  'v=0',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 38103 typ host generation 0',
  'a=candidate:2 1 udp 2122260223 192.168.1.4 38104 typ host generation 0',
  'a=candidate:3 1 udp 2122260223 abcd.local 38105 typ host generation 0',
  'a=mid:0',
];

describe('loopbackOnly', () => {
  it('drops the non-loopback and mDNS candidates of an offer with bare LF line endings', () => {
    // werift would resolve `abcd.local` with a multicast query on the LAN
    expect(loopbackOnly(`${lines.join('\n')}\n`)).toBe(
      `${[lines[0], lines[1], lines[4]].join('\r\n')}\r\n`,
    );
  });

  it('drops them with mixed line endings too, and keeps a CRLF offer as it was', () => {
    const mixed = `${lines[0]}\r\n${lines[1]}\n${lines[2]}\r\n${lines[3]}\n${lines[4]}\r\n`;
    expect(loopbackOnly(mixed)).toBe(`${[lines[0], lines[1], lines[4]].join('\r\n')}\r\n`);
    const crlf = `${[lines[0], lines[1], lines[4]].join('\r\n')}\r\n`;
    expect(loopbackOnly(crlf)).toBe(crlf);
  });
});
