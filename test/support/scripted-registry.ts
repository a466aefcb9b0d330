// An HTTPS server that answers registry requests from a script, for the answers
// a real registry never gives (hostile pages, lying digests, huge bodies) and
// for the auth handshakes; it records every request it got.
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { TestCa } from './tls';

export interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void;

export async function scriptedRegistry(ca: TestCa, handler: Handler): Promise<{ host: string; seen: Seen[]; close(): Promise<void>; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res, seen);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    server,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
