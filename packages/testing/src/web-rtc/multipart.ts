/**
 * The unified WebRTC call request: `POST /v1/realtime/calls` as `multipart/form-data` with an
 * `sdp` part (the offer) and a `session` part (the session config, JSON), authorized with a
 * standard key. Parsed from the text body (the ws fake, a client that encodes its form itself)
 * or from a `FormData` handed to the in-memory `fetch`.
 * @module
 */

/** The parts a unified call request carries (`undefined`: the part is absent). */
export interface CallForm {
  readonly sdp: string | undefined;
  readonly session: string | undefined;
}

/** The boundary of a `multipart/form-data` content type, or `undefined` for another type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const [type, ...params] = (contentType ?? '').split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') return undefined;
  for (const p of params) {
    const m = /^\s*boundary\s*=\s*"?([^";]+)"?\s*$/i.exec(p);
    if (m?.[1]) return m[1];
  }
  return '';
}

/**
 * The text parts of a multipart body, by name (files read as text too), or `undefined` when it
 * is not one (no boundary, no closing delimiter).
 */
export function parseMultipart(body: string, boundary: string): CallForm | undefined {
  if (!boundary) return undefined;
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter);
  // a preamble, then one chunk per part, then the `--` epilogue after the closing delimiter
  if (chunks.length < 3 || !chunks[chunks.length - 1]?.startsWith('--')) return undefined;
  const parts = new Map<string, string>();
  for (const chunk of chunks.slice(1, -1)) {
    const text = chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
    const split = /\r?\n\r?\n/.exec(text);
    if (!split) return undefined;
    const head = text.slice(0, split.index);
    const name = /content-disposition:[^\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name !== undefined && !parts.has(name))
      parts.set(name, text.slice(split.index + split[0].length));
  }
  return { sdp: parts.get('sdp'), session: parts.get('session') };
}

// a FormData's value: a string, or a Blob/File read as text
type FormValue = string | { text(): Promise<string> } | null;

/** The parts of a `FormData` (anything with `get(name)`), files read as text. */
export async function readFormData(form: { get(name: string): unknown }): Promise<CallForm> {
  const read = async (name: string): Promise<string | undefined> => {
    const value = form.get(name) as FormValue;
    if (value === null || value === undefined) return undefined;
    return typeof value === 'string' ? value : await value.text();
  };
  return { sdp: await read('sdp'), session: await read('session') };
}
