// The cloud load balancer (Alibaba SLB/CLB): gives LoadBalancer Services an address after a delay,
// per lb.json — a unique loopback IP, the hostname "localhost", or never (to exercise fallbacks).
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { apiErrorText, isNotFound, type Apis } from './informers.js';
import type { LbBehaviour } from './behaviour.js';
import type { AddressPlan } from './addresses.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class CloudLoadBalancer {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  private readonly apis: Apis;
  private readonly plan: AddressPlan;
  private readonly config: () => Record<string, LbBehaviour>;
  private readonly log: (l: string) => void;

  constructor(
    apis: Apis,
    plan: AddressPlan,
    config: () => Record<string, LbBehaviour>,
    log: (l: string) => void
  ) {
    this.apis = apis;
    this.plan = plan;
    this.config = config;
    this.log = log;
  }

  onService(svc: V1Service, verb: 'add' | 'update' | 'delete'): void {
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    if (verb === 'delete' || svc.spec?.type !== 'LoadBalancer') {
      clearTimeout(this.pending.get(key));
      this.pending.delete(key);
      return;
    }
    if (this.stopped || this.pending.has(key) || svc.status?.loadBalancer?.ingress?.length) return;
    const behaviour = this.config()[key] ?? { mode: 'ip' };
    if (behaviour.mode === 'never') return;
    const ingress =
      behaviour.mode === 'hostname'
        ? { hostname: 'localhost' }
        : { ip: this.plan.lbIp(svc.metadata?.uid ?? key) };
    const timer = setTimeout(() => {
      this.apis.core
        .patchNamespacedServiceStatus(
          {
            name: svc.metadata?.name ?? '',
            namespace: svc.metadata?.namespace ?? '',
            body: { status: { loadBalancer: { ingress: [ingress] } } }
          },
          mergePatch
        )
        .then(() => this.log(`load balancer for ${key}: ${ingress.ip ?? ingress.hostname}`))
        .catch((err: unknown) => {
          if (!isNotFound(err)) this.log(`load balancer for ${key}: ${apiErrorText(err)}`);
        })
        .finally(() => this.pending.delete(key));
    }, behaviour.delayMs ?? 0);
    this.pending.set(key, timer);
  }

  /** lb.json changed: services still without an address get another look. */
  reconsider(all: readonly V1Service[]): void {
    for (const svc of all) this.onService(svc, 'update');
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
