/**
 * What the fake's in-memory `fetch` endpoints (the WebRTC calls endpoint, the call-control
 * routes) read of a request the same way: its path, its headers in any case, and the
 * rejections `fetch` itself gives before any request.
 * @module
 */

/**
 * The request's path without trailing slashes, or the rejection `fetch` gives: the caller's
 * signal already aborted, or a URL that does not parse (a `TypeError`, before any request).
 */
export function fetchPath(
  url: string,
  signal: AbortSignal | undefined,
): { readonly path: string } | { readonly rejected: Promise<never> } {
  if (signal?.aborted)
    return { rejected: Promise.reject(signal.reason ?? new Error('The operation was aborted.')) };
  try {
    return { path: new URL(url).pathname.replace(/\/+$/, '') };
  } catch {
    return { rejected: Promise.reject(new TypeError(`Failed to parse URL from ${url}`)) };
  }
}

/** A request header's value, its name matched in any case. */
export function headerOf(
  headers: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}
