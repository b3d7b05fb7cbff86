import http from 'node:http';
import type { HostileRequest } from './hostile-requests.js';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

// A connection per request: a refusal sent before the body was read may close the socket, and a reused one would then fail.
const agent = new http.Agent({ keepAlive: false, maxSockets: 1 });

/** Sends one request to the service on 127.0.0.1 exactly as built (raw body, chunked if asked), within 10 s. */
export function send(baseUrl: string, request: HostileRequest): Promise<Answer> {
  const { port } = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...request.headers };
  const body = request.padBytes === undefined ? request.body : JSON.stringify({ ...JSON.parse(request.body ?? '{}'), pad: 'x'.repeat(request.padBytes) });
  // Node frames a body as chunks by default only for methods that usually have one: say so for all.
  if (body !== undefined) headers[request.chunked ? 'Transfer-Encoding' : 'Content-Length'] = request.chunked ? 'chunked' : Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer within 10 s: ${request.method} ${request.path}`)));
    req.on('error', reject);
    if (body !== undefined && request.chunked) {
      const middle = Math.floor(body.length / 2);
      req.write(body.slice(0, middle));
      req.write(body.slice(middle));
    } else if (body !== undefined) req.write(body);
    req.end();
  });
}

export const closeConnections = () => agent.destroy();
