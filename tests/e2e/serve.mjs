// Serves a built site (dist/) on 127.0.0.1 as a static host does: the
// right MIME types (the wasm as application/wasm, so it compiles while it
// downloads), and compressed bodies. A file's precompressed copy
// (`NAME.br`, `NAME.gz`, which `cargo xtask dist` writes) is sent when the
// browser accepts it; without one, the body is gzipped on the fly at
// level 6 (nginx's `gzip on`, most hosts' default), once per file.
// Plain Node, no dependencies.
//
//   node serve.mjs                      (DIST_DIR, PORT from the environment)
//   import { serve } from './serve.mjs' (the load benchmark serves two builds)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};
const compressible = new Set(['.html', '.js', '.wasm', '.css', '.svg', '.json']);

async function readOrNull(file) {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/** Serves `root` on 127.0.0.1:`port` (0: one the system picks); resolves to the server once it listens. */
export function serve(root, port = 0) {
  root = resolve(root);
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    const accepts = (req.headers['accept-encoding'] ?? '').split(',').map((e) => e.trim().split(';')[0]);
    const headers = {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      // Trunk's file names carry a content hash; index.html does not.
      'cache-control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
    };
    let body = null;
    for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
      if (!accepts.includes(encoding)) continue;
      body = await readOrNull(file + suffix);
      if (body) {
        headers['content-encoding'] = encoding;
        break;
      }
    }
    if (!body) {
      const raw = await readOrNull(file);
      if (!raw) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      body = raw;
      if (accepts.includes('gzip') && compressible.has(extname(file))) {
        if (!gzipped.has(file)) gzipped.set(file, gzipSync(raw, { level: 6 }));
        body = gzipped.get(file);
        headers['content-encoding'] = 'gzip';
      }
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.env.DIST_DIR ?? new URL('../../dist', import.meta.url).pathname;
  const server = await serve(root, Number(process.env.PORT ?? 8091));
  console.log(`serving ${resolve(root)} on http://127.0.0.1:${server.address().port}`);
}
