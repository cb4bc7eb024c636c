// A minimal static file server for the built site, so the browser test needs nothing
// but Node. It resolves URLs the way a static host does for Docusaurus's output with
// `trailingSlash: false`: /chapters/boot -> chapters/boot.html, / -> index.html.

import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The file a URL path maps to, or undefined (never outside `root`). */
export async function resolveStatic(root: string, urlPath: string): Promise<string | undefined> {
  const clean = path.posix.normalize(decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/'));
  if (clean.split('/').includes('..')) return undefined;
  const base = path.join(root, clean);
  const candidates = clean.endsWith('/')
    ? [path.join(base, 'index.html')]
    : [base, `${base}.html`, path.join(base, 'index.html')];
  for (const c of candidates) if (await isFile(c)) return c;
  return undefined;
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const file = await resolveStatic(root, req.url ?? '/');
      const status = file ? 200 : 404;
      const body = await readFile(file ?? path.join(root, '404.html')).catch(() => 'not found');
      const type = file
        ? (TYPES[path.extname(file)] ?? 'application/octet-stream')
        : 'text/html; charset=utf-8';
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
