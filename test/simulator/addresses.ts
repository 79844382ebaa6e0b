// Address plan. Everything the test machine actually connects to is a loopback address (127/8):
// node InternalIPs and LoadBalancer IPs. Pod IPs are only data in pod status unless the apiserver
// runs with the egress selector from egress.ts, in which case it hands every connection to a pod
// to the simulator's CONNECT proxy instead of dialling — so no packet is ever sent to a pod IP.

/** One /16 inside 127/8 per simulator, so two simulators on one machine do not collide. */
export class AddressPlan {
  readonly block: number;
  private nextLb = 1;
  private nextPod = 1;
  private readonly lbByKey = new Map<string, string>();

  /** `podNetwork` 'egress': pod IPs from 10.88.0.0/16 (the apiserver reaches them only through the proxy). */
  readonly podNetwork: 'egress' | 'loopback';

  constructor(podNetwork: 'egress' | 'loopback', block = 100 + Math.floor(Math.random() * 100)) {
    this.podNetwork = podNetwork;
    this.block = block;
  }

  nodeIp(index: number): string {
    return `127.${this.block}.0.${10 + index}`;
  }

  /** Stable per service: a re-list after a watch reconnect must not hand out a second address. */
  lbIp(key: string): string {
    let ip = this.lbByKey.get(key);
    if (!ip) {
      ip = `127.${this.block}.1.${this.nextLb++}`;
      this.lbByKey.set(key, ip);
    }
    return ip;
  }

  private nextProcess = 1;

  /** A loopback address of its own for a pod whose containers run as real processes (127.B.200+.x). */
  processIp(): string {
    const n = this.nextProcess++;
    return `127.${this.block}.${200 + Math.floor(n / 250)}.${(n % 250) + 1}`;
  }

  podIp(): string {
    const n = this.nextPod++;
    const hi = Math.floor(n / 250);
    const lo = (n % 250) + 2;
    // Loopback pod IPs make Endpoints invalid ("may not be in the loopback range"), which is why
    // the egress mode exists; loopback mode keeps the simulator safe when egress is not configured.
    return this.podNetwork === 'egress' ? `10.88.${hi}.${lo}` : `127.${this.block}.${2 + hi}.${lo}`;
  }
}
