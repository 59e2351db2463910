import { describe, expect, it } from 'vitest';
import {
  clearMessage,
  markMessage,
  mediaMessage,
  parseTwilioMessage,
} from '../src/twilio-messages.js';

describe('Twilio messages', () => {
  it('reads each message Twilio sends, extra fields kept', () => {
    const start = parseTwilioMessage(
      JSON.stringify({
        event: 'start',
        sequenceNumber: '1',
        streamSid: 'MZ1',
        start: {
          streamSid: 'MZ1',
          callSid: 'CA1',
          accountSid: 'AC1',
          tracks: ['inbound'],
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
          customParameters: { caller: 'alice' },
        },
      }),
    );
    expect(start).toMatchObject({
      ok: true,
      message: {
        event: 'start',
        sequenceNumber: '1',
        start: { streamSid: 'MZ1', callSid: 'CA1', customParameters: { caller: 'alice' } },
      },
    });
    for (const message of [
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
      { event: 'media', media: { track: 'inbound', chunk: '2', timestamp: '5', payload: 'AA==' } },
      { event: 'mark', streamSid: 'MZ1', mark: { name: '7' } },
      { event: 'dtmf', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit: '5' } },
      { event: 'stop', streamSid: 'MZ1', stop: { accountSid: 'AC1', callSid: 'CA1' } },
    ])
      expect(parseTwilioMessage(JSON.stringify(message))).toEqual({ ok: true, message });
  });

  it('says why a frame is skipped, never throws', () => {
    expect(parseTwilioMessage('{not json')).toMatchObject({
      ok: false,
      problem: 'not_json',
      event: undefined,
    });
    expect(parseTwilioMessage('{"event":"hello"}')).toEqual({
      ok: false,
      problem: 'unknown_event',
      detail: 'unknown event "hello"',
      event: 'hello',
    });
    expect(parseTwilioMessage('[1]')).toMatchObject({ ok: false, problem: 'unknown_event' });
    expect(parseTwilioMessage('null')).toMatchObject({ ok: false, problem: 'unknown_event' });
    const noPayload = parseTwilioMessage('{"event":"media","media":{}}');
    expect(noPayload).toMatchObject({ ok: false, problem: 'malformed', event: 'media' });
    expect(noPayload.ok ? '' : noPayload.detail).toContain('payload');
    expect(parseTwilioMessage('{"event":"start","start":{"streamSid":""}}')).toMatchObject({
      ok: false,
      problem: 'malformed',
      event: 'start',
    });
    expect(parseTwilioMessage('{"event":"mark","mark":{"name":7}}')).toMatchObject({
      ok: false,
      problem: 'malformed',
    });
  });

  it('builds what the bridge sends', () => {
    expect(mediaMessage('MZ1', 'AAA=')).toEqual({
      event: 'media',
      streamSid: 'MZ1',
      media: { payload: 'AAA=' },
    });
    expect(markMessage('MZ1', '3')).toEqual({
      event: 'mark',
      streamSid: 'MZ1',
      mark: { name: '3' },
    });
    expect(clearMessage('MZ1')).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });
});
