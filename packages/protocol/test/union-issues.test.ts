/**
 * A field that takes one of several forms (a mode or an object, a name or `{id}`) and is given a
 * known object form with a broken field: the issue names that field, not only "expected one of
 * the forms, received object", so that a user can see what to fix.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolEncodeError, gaCodec, type ClientEvent } from '../src/index.js';

function encodeIssues(session: Record<string, unknown>): ProtocolEncodeError {
  try {
    gaCodec.encodeClientEvent({
      type: 'session.update',
      session: { type: 'realtime', ...session },
    } as unknown as ClientEvent);
  } catch (error) {
    if (error instanceof ProtocolEncodeError) return error;
    throw error;
  }
  throw new Error('encoded');
}

describe('issues of fields that take several forms', () => {
  it('name the broken field of the object form that was meant', () => {
    const noName = encodeIssues({ tool_choice: { type: 'function' } });
    expect(noName.issues).toEqual([
      // valibot's wording for a missing key, as everywhere else
      { path: 'session.tool_choice.name', message: 'expected "name", received undefined' },
    ]);
    expect(noName.message).toMatch(/session\.tool_choice\.name: expected "name"/);

    const kind = encodeIssues({ tool_choice: { type: 'functoin', name: 'f' } });
    expect(kind.issues.map((i) => i.path)).toEqual(['session.tool_choice.type']);
    expect(kind.issues[0]?.message).toMatch(/"function" \| "mcp"/);

    const voice = encodeIssues({ audio: { output: { voice: { id: 7 } } } });
    expect(voice.issues).toEqual([
      { path: 'session.audio.output.voice.id', message: 'expected string, received number' },
    ]);
  });

  it('a value of the wrong kind altogether still names the field and its forms', () => {
    const mode = encodeIssues({ tool_choice: 'autos' });
    expect(mode.issues.map((i) => i.path)).toEqual(['session.tool_choice']);
    expect(mode.issues[0]?.message).toMatch(/"none" \| "auto" \| "required"/);
    const number = encodeIssues({ tool_choice: 3 });
    expect(number.issues.map((i) => i.path)).toEqual(['session.tool_choice']);
  });

  it('decoding reports them the same way', () => {
    const result = gaCodec.decodeServerEvent(
      JSON.stringify({
        type: 'session.updated',
        event_id: 'e',
        session: { type: 'realtime', tool_choice: { type: 'mcp', name: 'x' } },
      }),
    );
    expect(result.kind).toBe('violation');
    if (result.kind !== 'violation') return;
    expect(result.violation.issues?.map((i) => i.path)).toEqual([
      'session.tool_choice.server_label',
    ]);
  });
});
