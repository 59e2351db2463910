/**
 * Static files for the page: a handful of known files from a few directories. Only plain names
 * are served (no sub-paths, no dot files), which rules out path traversal by construction.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * Headers on every response. The CSP keeps the page offline-only and script-injection-proof:
 * scripts and sockets come from this origin alone, so nothing is ever fetched from a CDN.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** Options of {@link createStaticHandler}. */
export interface StaticOptions {
  /** Directories searched in order for a requested file name. */
  dirs: readonly string[];
  /** Extra JSON endpoints (path → body factory), e.g. `/api/info`. @default {} */
  json?: Record<string, () => unknown>;
}

/** Answers GET/HEAD for the page's files; 404 for anything else, 405 for other methods. */
export function createStaticHandler(
  options: StaticOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const json = options.json ?? {};
  return (req, res) => {
    void serve(req, res, options.dirs, json).catch((error: unknown) => {
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  dirs: readonly string[],
  json: Record<string, () => unknown>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const endpoint = json[path];
  if (endpoint) {
    const body = JSON.stringify(endpoint());
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const name = path === '/' ? 'index.html' : path.slice(1);
  const type = CONTENT_TYPES[extname(name)];
  if (!SAFE_NAME.test(name) || !type) return notFound(res);
  for (const dir of dirs) {
    const body = await readFile(join(dir, name)).catch(() => undefined);
    if (!body) continue;
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.byteLength,
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  notFound(res);
}

function notFound(res: ServerResponse): void {
  res
    .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS })
    .end('not found');
}
