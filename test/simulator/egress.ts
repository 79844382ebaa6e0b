// The apiserver's path to pods. A 1.20 apiserver refuses loopback endpoint addresses (Endpoints
// validation: "may not be in the loopback range (127.0.0.0/8)"), and its service proxy only talks to
// addresses of Endpoints that belong to a Pod with that IP. So pods need non-loopback IPs, yet this
// machine may send traffic only to loopback. The apiserver's egress selector squares that: with
// `--egress-selector-config-file` pointing at the file written here, every cluster-bound connection
// (service/pod proxy) becomes an HTTP CONNECT on a unix socket that the simulator serves in-process.
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface EgressFiles {
  /** Pass to kube-apiserver as `--egress-selector-config-file`. */
  configPath: string;
  /** Pass to startSimulator({ egressSocketPath }). */
  socketPath: string;
}

/**
 * Writes the EgressSelectorConfiguration into `dir`. `apiserver.k8s.io/v1beta1` is the newest version of
 * that kind in 1.20 and still in 1.35 (its kube-apiserver registers only v1alpha1 and v1beta1 for it, and
 * refuses a `v1` file: "no kind EgressSelectorConfiguration is registered for version apiserver.k8s.io/v1").
 */
export function writeEgressSelectorConfig(dir: string): EgressFiles {
  mkdirSync(dir, { recursive: true });
  const socketPath = join(dir, 'egress.sock');
  const configPath = join(dir, 'egress-selector.yaml');
  writeFileSync(
    configPath,
    [
      'apiVersion: apiserver.k8s.io/v1beta1',
      'kind: EgressSelectorConfiguration',
      'egressSelections:',
      '- name: cluster',
      '  connection:',
      '    proxyProtocol: HTTPConnect',
      '    transport:',
      '      uds:',
      `        udsName: ${socketPath}`,
      ''
    ].join('\n')
  );
  return { configPath, socketPath };
}

/** Returns a consumer for a tunnel to host:port, or undefined when nothing listens there. */
export type TunnelHandler = (host: string, port: number) => ((socket: Socket) => void) | undefined;

const MAX_HEADER = 16 * 1024;

/**
 * Serves HTTP CONNECT on a unix socket. Loopback targets (e.g. a webhook URL on 127.0.0.1) are
 * piped through; other targets go to `handler`; nothing is ever dialled off-box.
 */
export async function startEgressProxy(
  socketPath: string,
  handler: TunnelHandler,
  log: (l: string) => void
): Promise<Server> {
  try {
    unlinkSync(socketPath);
  } catch {
    // no stale socket
  }
  const server = createServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEADER) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.pause();
      const rest = head.subarray(end + 4);
      const requestLine = head.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
      const m =
        /^CONNECT (\S+):(\d+) HTTP\/1\.[01]$/.exec(requestLine) ??
        /^CONNECT \[(\S+)\]:(\d+) HTTP\/1\.[01]$/.exec(requestLine);
      if (!m) {
        socket.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      const host = m[1] ?? '';
      const port = Number(m[2]);
      if (rest.length) socket.unshift(rest);
      if (/^127\./.test(host) || host === 'localhost') {
        const upstream = connect(port, host, () => {
          socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
          upstream.pipe(socket);
          socket.pipe(upstream);
          socket.resume();
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
        return;
      }
      const consume = handler(host, port);
      if (!consume) {
        // What a network proxy answers when the dial fails (the apiserver reports it as an error).
        log(`egress: nothing listens on ${host}:${port}`);
        socket.end(
          `HTTP/1.1 503 Service Unavailable\r\n\r\ndial tcp ${host}:${port}: connect: connection refused`
        );
        return;
      }
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      consume(socket);
      socket.resume();
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return server;
}
