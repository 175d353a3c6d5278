import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PhotoStore } from '../src/server/photos/photo-store';

/**
 * The floor for photo serving: node:http streaming the very same files from the photo
 * store, with no authentication, no database and no framework. Started as its own
 * process, like the real server, so both are measured the same way.
 */
const dataDir = process.argv[2]!;
const formats = JSON.parse(fs.readFileSync(process.argv[3]!, 'utf8')) as Record<
  string,
  'jpeg' | 'png' | 'webp' | 'bmp'
>;
const store = new PhotoStore(dataDir);

const server = http.createServer((request, response) => {
  const match = /^\/(thumb|original)\/([A-Za-z0-9_-]{22})$/.exec(request.url ?? '');
  const format = match ? formats[match[2]!] : undefined;
  if (!match || !format) {
    response.writeHead(404).end();
    return;
  }
  const file = store.pathOf(match[2]!, match[1] === 'thumb' ? 'thumb' : 'original', format);
  response.writeHead(200, { 'content-type': 'image/jpeg' });
  fs.createReadStream(file).pipe(response);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
