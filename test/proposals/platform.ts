// A real upstream for the proposal tests: it records every request with its body and
// keeps JSON documents by path (GET answers the stored one or 404; PUT/POST store the
// body, 201 when new; DELETE removes), so a replay's effect and a diff's "before" show.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlatformRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Platform {
  url: string;
  received: PlatformRequest[];
  /** Documents by path (without query). */
  documents: Map<string, string>;
  /** The requests that could change something (anything but GET and HEAD). */
  writes(): PlatformRequest[];
  close(): Promise<void>;
}

export async function startPlatform(): Promise<Platform> {
  const received: PlatformRequest[] = [];
  const documents = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '';
      const method = req.method ?? '';
      received.push({ method, url, headers: req.headers, body });
      const path = url.split('?')[0] ?? '';
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (method === 'GET') {
        const doc = documents.get(path);
        if (doc === undefined) return json(404, { error: 'not_found' });
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(doc);
      }
      if (method === 'DELETE') {
        const existed = documents.delete(path);
        return json(existed ? 200 : 404, { deleted: existed });
      }
      const created = !documents.has(path);
      documents.set(path, body);
      return json(created ? 201 : 200, { stored: path, bytes: Buffer.byteLength(body) });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    documents,
    writes: () => received.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
