import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PhotoStore } from '../src/server/photos/photo-store';

/**
 * The floors for photo serving: node:http answering the very same files with no
 * authentication, no database and no framework, started as its own process like the
 * real server. `readfile`: the fastest plain way from disk, callback fs.readFile and a
 * Content-Length (keep-alive is node:http's default). `memory`: the same bytes from a Map
 * loaded at start, the ceiling of node:http on this machine.
 */
const dataDir = process.argv[2]!;
const formats = JSON.parse(fs.readFileSync(process.argv[3]!, 'utf8')) as Record<
  string,
  'jpeg' | 'png' | 'webp' | 'bmp'
>;
const mode = process.argv[4] === 'memory' ? 'memory' : 'readfile';
const store = new PhotoStore(dataDir);
const pathOf = (kind: string, id: string): string =>
  store.pathOf(id, kind === 'thumb' ? 'thumb' : 'original', formats[id]!);

const memory = new Map<string, Buffer>();
if (mode === 'memory') {
  for (const id of Object.keys(formats)) {
    for (const kind of ['thumb', 'original']) memory.set(`/${kind}/${id}`, fs.readFileSync(pathOf(kind, id)));
  }
}

function send(response: http.ServerResponse, bytes: Buffer): void {
  response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': bytes.length });
  response.end(bytes);
}

const server = http.createServer((request, response) => {
  const match = /^\/(thumb|original)\/([A-Za-z0-9_-]{22})$/.exec(request.url ?? '');
  if (!match || !formats[match[2]!]) {
    response.writeHead(404).end();
    return;
  }
  if (mode === 'memory') {
    send(response, memory.get(request.url!)!);
    return;
  }
  fs.readFile(pathOf(match[1]!, match[2]!), (error, bytes) => {
    if (error) response.writeHead(500).end();
    else send(response, bytes);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
