// The bench's upstream: a plain node:http server answering every request at once with the
// same small JSON body, so whatever sits in front of it is what the bench measures.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type BenchServer, serve } from './bench-server.ts';

const BODY = Buffer.from(JSON.stringify({ id: 'page_1', title: 'Home', status: 'published' }));

function answer(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  });
}

export async function startUpstream(): Promise<BenchServer> {
  return serve(createServer({ keepAliveTimeout: 60_000 }, answer));
}
