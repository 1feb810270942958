// What every server the gateway bench runs in a child gives back once it listens: its URL
// and a way to close it; `serve` makes one from an http server.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening bench server. */
export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port; `close` drops connections, then runs `after`. */
export async function serve(
  server: Server,
  after: () => Promise<void> = async () => {},
): Promise<BenchServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await after();
    },
  };
}
