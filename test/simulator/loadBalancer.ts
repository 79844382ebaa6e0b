// The cloud load balancer (Alibaba SLB/CLB): gives LoadBalancer Services an address after a delay,
// per lb.json — a unique loopback IP, the hostname "localhost", or never (to exercise fallbacks).
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { apiErrorText, isNotFound, type Apis } from './informers.js';
import type { LbBehaviour } from './behaviour.js';
import type { AddressPlan } from './addresses.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A failed status write is tried again after this long, doubling up to RETRY_MAX_MS, as a cloud controller's queue does. */
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 2_000;

export class CloudLoadBalancer {
  /** Services with an address being assigned (a timer pending or a write in flight or waiting to be retried). */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** The newest copy of each LoadBalancer Service seen, so a retry acts on what the cluster has now. */
  private readonly latest = new Map<string, V1Service>();
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
      this.latest.delete(key);
      return;
    }
    this.latest.set(key, svc);
    // Every Service event of the cluster comes here: one with an address needs no timer at all.
    if (this.stopped || this.pending.has(key) || svc.status?.loadBalancer?.ingress?.length) return;
    this.schedule(key, this.config()[key]?.delayMs ?? 0, RETRY_FIRST_MS);
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

  /**
   * Gives the Service its address after `delayMs`, unless by then it has one or lb.json says never. A write
   * that fails (the API server overloaded, restarting, a dropped connection) is tried again with backoff:
   * once the Service has no address, no further event may come that would make the LB look again.
   */
  private schedule(key: string, delayMs: number, retryMs: number): void {
    const timer = setTimeout(() => {
      const svc = this.latest.get(key);
      const behaviour = this.config()[key] ?? { mode: 'ip' };
      if (this.stopped || !svc || svc.status?.loadBalancer?.ingress?.length || behaviour.mode === 'never') {
        this.pending.delete(key);
        return;
      }
      const ingress =
        behaviour.mode === 'hostname'
          ? { hostname: 'localhost' }
          : { ip: this.plan.lbIp(svc.metadata?.uid ?? key) };
      this.apis.core
        .patchNamespacedServiceStatus(
          {
            name: svc.metadata?.name ?? '',
            namespace: svc.metadata?.namespace ?? '',
            body: { status: { loadBalancer: { ingress: [ingress] } } }
          },
          mergePatch
        )
        .then(
          () => {
            this.pending.delete(key);
            this.log(`load balancer for ${key}: ${ingress.ip ?? ingress.hostname}`);
          },
          (err: unknown) => {
            if (isNotFound(err) || this.stopped) {
              this.pending.delete(key);
              return;
            }
            this.log(`load balancer for ${key}: ${apiErrorText(err)}; retrying in ${retryMs} ms`);
            this.schedule(key, retryMs, Math.min(retryMs * 2, RETRY_MAX_MS));
          }
        );
    }, delayMs);
    this.pending.set(key, timer);
  }
}
