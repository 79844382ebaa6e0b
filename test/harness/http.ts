// A GET that may carry its own Host header, as `curl -H "Host: …"` does: fetch() drops Host (a forbidden
// header name), node:http does not. For requests through the simulated ingress to one preview's host.
import { request } from 'node:http';

export function httpGet(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
