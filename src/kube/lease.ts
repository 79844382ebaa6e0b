// Mutual exclusion across concurrent runs (two previews installing the shared Istio at once) with a
// coordination.k8s.io Lease. Ownership is decided by server-side apply itself: each holder applies the
// Lease under its own field manager without force, so a second holder gets 409 Conflict while the first
// owns holderIdentity. An expired Lease (its holder died) is taken over with force.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import type { Kube } from './client.js';
import type { KubeObject } from './objects.js';
import { ActionError } from '../errors.js';

const LEASE_SECONDS = 60;

function leaseObject(namespace: string, name: string, holder: string, acquire: string): KubeObject {
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'ask-istio-action' } },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: LEASE_SECONDS,
      acquireTime: acquire,
      renewTime: now
    }
  };
}

export function leaseExpired(lease: KubeObject | undefined, now = Date.now()): boolean {
  const spec = lease?.spec as { renewTime?: string; leaseDurationSeconds?: number } | undefined;
  if (!spec?.renewTime) return true;
  return Date.parse(spec.renewTime) + (spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000 < now;
}

function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: number }).status === 409;
}

export async function withLease<T>(
  kube: Kube,
  opts: { namespace: string; name: string; timeoutMs: number },
  fn: () => Promise<T>
): Promise<T> {
  const holder = `${process.env.GITHUB_RUN_ID ?? 'local'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const mine = kube.withFieldManager(`ask-istio-lock-${holder}`);
  const acquire = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const ref = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: opts.namespace,
    name: opts.name
  };
  await kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace } }]);
  const deadline = Date.now() + opts.timeoutMs;
  let announced = false;
  for (;;) {
    try {
      await mine.apply([leaseObject(opts.namespace, opts.name, holder, acquire)], { force: false });
      break;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    const live = await kube.get(ref);
    if (live && leaseExpired(live)) {
      core.warning(
        `Lease ${opts.namespace}/${opts.name} of ${String((live.spec as { holderIdentity?: string }).holderIdentity)} expired; taking it over.`
      );
      await mine.apply([leaseObject(opts.namespace, opts.name, holder, acquire)], { force: true });
      break;
    }
    if (!announced) {
      core.info(
        `Another run holds Lease ${opts.namespace}/${opts.name}; waiting for it to finish installing Istio.`
      );
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new ActionError(
        `Timed out waiting for Lease ${opts.namespace}/${opts.name} held by another run.`,
        {
          hint: 'another workflow is installing Istio on this cluster; retry later or raise wait-timeout'
        }
      );
    }
    // Wait for the lease to be released (deleted) or to expire, whichever comes first.
    await kube
      .waitFor(
        { ...ref },
        (items) => ({ done: items.length === 0 || leaseExpired(items[0]), progress: 'lease held' }),
        {
          timeoutMs: Math.max(1000, Math.min(deadline - Date.now(), LEASE_SECONDS * 1000))
        }
      )
      .catch(() => undefined);
  }
  const renew = setInterval(
    () => {
      mine
        .apply([leaseObject(opts.namespace, opts.name, holder, acquire)], { force: true })
        .catch(() => undefined);
    },
    (LEASE_SECONDS * 1000) / 3
  );
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    const live = await kube.get(ref).catch(() => undefined);
    if ((live?.spec as { holderIdentity?: string } | undefined)?.holderIdentity === holder)
      await kube.delete(ref).catch(() => undefined);
  }
}
