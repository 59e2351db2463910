/**
 * The CLI's pure parts, without a process: its flags and the words it prints about its address.
 */
import { describe, expect, it } from 'vitest';
import { FakeServerOptionsError } from '../src/index.js';
import { CliHelp, parseCliArgs } from '../src/cli.js';
import { wildcardNotice } from '../src/cli-listen.js';
import { WERIFT_VERSION } from '../src/ws/index.js';
import { wildcardLoopback } from '../src/ws/listen-address.js';

describe('voxwire-fake-server CLI arguments', () => {
  it('parses options and refuses bad ones with a typed error', () => {
    expect(parseCliArgs([])).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      // api.openai.com refuses the beta header (protocol.md §0): so does the CLI by default
      beta: 'refuse',
      realtime: false,
    });
    expect(parseCliArgs(['--port', '8123', '--api-key=sk-x', '--beta', 'accept'])).toMatchObject({
      port: 8123,
      apiKey: 'sk-x',
      beta: 'accept',
    });
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(FakeServerOptionsError);
    expect(() => parseCliArgs(['--port'])).toThrow(/needs a value/);
    expect(() => parseCliArgs(['--what'])).toThrow(/unknown option/);
    // a switch: `=false` keeps it off, and anything else is refused
    expect(parseCliArgs(['--realtime']).realtime).toBe(true);
    expect(parseCliArgs(['--realtime=false']).realtime).toBe(false);
    expect(() => parseCliArgs(['--realtime=yes'])).toThrow(FakeServerOptionsError);
    // --models: the names served, comma-separated; any model without it
    expect(parseCliArgs([]).models).toBeUndefined();
    expect(parseCliArgs(['--models', 'gpt-realtime,gpt-realtime-mini']).models).toEqual([
      'gpt-realtime',
      'gpt-realtime-mini',
    ]);
    expect(parseCliArgs(['--models=gpt-realtime, my-dep']).models).toEqual([
      'gpt-realtime',
      'my-dep',
    ]);
    expect(() => parseCliArgs(['--models'])).toThrow(/needs a value/);
    expect(() => parseCliArgs(['--models', 'a,,b'])).toThrow(FakeServerOptionsError);
    expect(() => parseCliArgs(['--models', 'a,'])).toThrow(/--models .*empty/);
    // --webrtc: a switch, off by default
    expect(parseCliArgs([]).webRtc).toBe(false);
    expect(parseCliArgs(['--webrtc']).webRtc).toBe(true);
    expect(parseCliArgs(['--webrtc=false']).webRtc).toBe(false);
    expect(() => parseCliArgs(['--webrtc=on'])).toThrow(/--webrtc takes no value/);
    // --help is no error: the CLI prints it to stdout and exits 0, and documents --webrtc
    expect(() => parseCliArgs(['--help'])).toThrow(CliHelp);
    const help = (() => {
      try {
        parseCliArgs(['--help']);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(help).toMatch(/\[--webrtc\]/);
    expect(help).toMatch(/--webrtc +also serve WebRTC: POST \/v1\/realtime\/calls/);
    expect(help).toContain(`werift@${WERIFT_VERSION}`);
  });

  it('--webhook-url and --webhook-secret: parsed together, the secret checked', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(
      parseCliArgs(['--webhook-url', 'http://127.0.0.1:9/h', '--webhook-secret', secret]).webhook,
    ).toEqual({
      url: 'http://127.0.0.1:9/h',
      secret,
    });
    expect(parseCliArgs([]).webhook).toBeUndefined();
    expect(() => parseCliArgs(['--webhook-url', 'http://127.0.0.1:9/h'])).toThrow(/go together/);
    expect(() => parseCliArgs(['--webhook-secret', secret])).toThrow(FakeServerOptionsError);
    expect(() =>
      parseCliArgs(['--webhook-url', 'http://a.example', '--webhook-secret', 'nope']),
    ).toThrow(/whsec_/);
    expect(() => parseCliArgs(['--help'])).toThrow(/--webhook-url URL --webhook-secret whsec_/);
  });

  it('a wildcard host names loopback in the URL, in every spelling; any other host is printed as it is', () => {
    expect(wildcardLoopback('0.0.0.0')).toBe('127.0.0.1');
    expect(wildcardLoopback('::')).toBe('::1');
    expect(wildcardLoopback('0:0:0:0:0:0:0:0')).toBe('::1');
    for (const host of ['127.0.0.1', '::1', '10.0.0.2', 'localhost', '[::]'])
      expect(wildcardLoopback(host)).toBeUndefined();
    expect(wildcardNotice('ws://127.0.0.1:8080/v1', '127.0.0.1', {})).toBeUndefined();
    const eth = (address: string, family: 'IPv4' | 'IPv6') =>
      ({ address, family, internal: false, netmask: '', mac: '', cidr: null }) as never;
    expect(
      wildcardNotice('ws://[::1]:8080/v1', '::', {
        eth0: [eth('192.0.2.2', 'IPv4'), eth('2001:db8::2', 'IPv6'), eth('fe80::1', 'IPv6')],
      }),
    ).toContain('(ws://192.0.2.2:8080/v1, ws://[2001:db8::2]:8080/v1)');
  });
});
