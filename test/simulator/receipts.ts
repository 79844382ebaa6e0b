// Receipts for sim-behaviour (BEHAVIOUR_APPLIED_CONFIGMAP): once the simulator has applied a version of
// its behaviour ConfigMap, it says so in the cluster. The simulator learns of a change through a watch, so
// a test that writes behaviour and at once creates objects would otherwise race it (under load the event
// can come seconds later, and the objects then get the old behaviour).
import type { V1ConfigMap } from '@kubernetes/client-node';
import { apiErrorText, isNotFound, type Apis } from './informers.js';
import { BEHAVIOUR_APPLIED_CONFIGMAP, SIM_NAMESPACE } from './behaviour.js';

const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 2_000;

export class BehaviourReceipts {
  /** The newest version applied, and the error it had if it was refused. */
  private wanted: { resourceVersion: string; error?: string } | undefined;
  private written: string | undefined;
  private writing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly apis: Apis;
  private readonly log: (l: string) => void;

  constructor(apis: Apis, log: (l: string) => void) {
    this.apis = apis;
    this.log = log;
  }

  /** Records that this version of sim-behaviour is in force (or was refused with `error`). */
  record(resourceVersion: string | undefined, error?: string): void {
    if (!resourceVersion || this.stopped) return;
    // The watch delivers versions in order; a relist may repeat an older one, which changes nothing.
    if (this.wanted && newerOrSame(this.wanted.resourceVersion, resourceVersion)) return;
    this.wanted = { resourceVersion, ...(error ? { error } : {}) };
    this.flush(RETRY_FIRST_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One write at a time, always of the newest receipt, so receipts never go backwards. */
  private flush(retryMs: number): void {
    const receipt = this.wanted;
    if (this.writing || this.stopped || !receipt || receipt.resourceVersion === this.written) return;
    this.writing = true;
    const body = {
      metadata: { name: BEHAVIOUR_APPLIED_CONFIGMAP, namespace: SIM_NAMESPACE },
      data: { ...receipt }
    };
    this.write(body).then(
      () => {
        this.writing = false;
        this.written = receipt.resourceVersion;
        this.flush(RETRY_FIRST_MS);
      },
      (err: unknown) => {
        this.writing = false;
        if (this.stopped) return;
        this.log(`${BEHAVIOUR_APPLIED_CONFIGMAP}: ${apiErrorText(err)}; retrying in ${retryMs} ms`);
        this.timer = setTimeout(() => this.flush(Math.min(retryMs * 2, RETRY_MAX_MS)), retryMs);
      }
    );
  }

  /** Replaces the receipt, or creates it the first time. */
  private async write(body: V1ConfigMap): Promise<void> {
    const ref = { name: BEHAVIOUR_APPLIED_CONFIGMAP, namespace: SIM_NAMESPACE };
    try {
      await this.apis.core.replaceNamespacedConfigMap({ ...ref, body });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.apis.core.createNamespacedConfigMap({ namespace: SIM_NAMESPACE, body });
    }
  }
}

/**
 * Whether resourceVersion `a` is the same as or newer than `b`. Kubernetes calls resourceVersions opaque;
 * the apiservers this harness runs (etcd 3) give integers that grow with every write, and the simulator
 * only needs to skip a repeated old version.
 */
export function newerOrSame(a: string, b: string): boolean {
  try {
    return BigInt(a) >= BigInt(b);
  } catch {
    return a === b;
  }
}
