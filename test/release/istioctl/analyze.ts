// `istioctl analyze` over the live cluster, with the analyzers that matter for Bookinfo routing:
// IST0101 ReferencedResourceNotFound (VirtualService host, host+subset without a DestinationRule,
// gateway; Gateway selector without pods), IST0102 NamespaceNotInjected, IST0103 PodMissingProxy.
// Output format, levels, JSON shape and exit codes (79 when issues ≥ threshold) follow the real one.
import { bool, parseArgs, str, type FlagSpec } from './args.js';
import type { Cluster, Obj } from './cluster.js';
import type { Cli } from './main.js';

export const ANALYZE_FLAGS: FlagSpec[] = [
  { name: 'all-namespaces', short: 'A', type: 'bool' },
  { name: 'output', short: 'o', type: 'string', default: 'log' },
  { name: 'failure-threshold', type: 'string', default: 'Error' },
  { name: 'output-threshold', type: 'string', default: 'Info' },
  { name: 'use-kube', type: 'bool', default: true },
  { name: 'suppress', short: 'S', type: 'list' },
  { name: 'timeout', type: 'string' },
  { name: 'revision', short: 'r', type: 'string' },
  { name: 'color', type: 'bool' },
  { name: 'ignore-unknown', type: 'bool' },
  { name: 'recursive', short: 'R', type: 'bool' }
];

type Level = 'Error' | 'Warning' | 'Info';
const RANK: Record<Level, number> = { Error: 3, Warning: 2, Info: 1 };

export interface Message {
  code: string;
  level: Level;
  origin: string;
  namespace: string;
  message: string;
}

const SYSTEM_NAMESPACES = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
  'local-path-storage'
]);
const NET = 'networking.istio.io/v1alpha3';

const notFound = (origin: string, ns: string, reftype: string, refval: string): Message => ({
  code: 'IST0101',
  level: 'Error',
  origin,
  namespace: ns,
  message: `Referenced ${reftype} not found: ${JSON.stringify(refval)}`
});

/** Resolves a VirtualService/DestinationRule host to its FQDN, as Istio does for short names. */
export function fqdn(host: string, namespace: string): string {
  if (host.includes('*')) return host;
  if (!host.includes('.')) return `${host}.${namespace}.svc.cluster.local`;
  if (host.split('.').length === 2) return `${host}.svc.cluster.local`;
  return host;
}

interface Snapshot {
  namespaces: Obj[];
  services: Obj[];
  serviceEntries: Obj[];
  virtualServices: Obj[];
  destinationRules: Obj[];
  gateways: Obj[];
  pods: Obj[];
}

const spec = (o: Obj): Record<string, unknown> => (o.spec ?? {}) as Record<string, unknown>;
const nsOf = (o: Obj): string => o.metadata?.namespace ?? 'default';
const nameOf = (o: Obj): string => o.metadata?.name ?? '';

/** Runs the analyzers over a snapshot; `target` limits which objects' messages are reported. */
export function analyzeSnapshot(snap: Snapshot, target: string | undefined): Message[] {
  const inTarget = (o: Obj): boolean => target === undefined || nsOf(o) === target;
  const msgs: Message[] = [];
  const known = new Set<string>();
  for (const s of snap.services) known.add(`${nameOf(s)}.${nsOf(s)}.svc.cluster.local`);
  for (const se of snap.serviceEntries)
    for (const h of (spec(se).hosts as string[] | undefined) ?? []) known.add(h);
  const subsets = new Set<string>();
  for (const dr of snap.destinationRules) {
    const host = fqdn(String(spec(dr).host ?? ''), nsOf(dr));
    for (const sub of (spec(dr).subsets as { name?: string }[] | undefined) ?? [])
      subsets.add(`${host}+${sub.name ?? ''}`);
  }
  const gateways = new Set(snap.gateways.map((g) => `${nsOf(g)}/${nameOf(g)}`));

  for (const vs of snap.virtualServices.filter(inTarget)) {
    const ns = nsOf(vs);
    const origin = `VirtualService ${ns}/${nameOf(vs)}`;
    for (const gw of (spec(vs).gateways as string[] | undefined) ?? []) {
      if (gw === 'mesh') continue;
      const ref = gw.includes('/') ? gw : `${ns}/${gw}`;
      if (!gateways.has(ref)) msgs.push(notFound(origin, ns, 'gateway', gw));
    }
    const routes = ['http', 'tcp', 'tls'].flatMap((k) =>
      ((spec(vs)[k] as { route?: unknown[] }[] | undefined) ?? []).flatMap((r) => r.route ?? [])
    );
    for (const r of routes as { destination?: { host?: string; subset?: string } }[]) {
      const host = r.destination?.host;
      if (!host) continue;
      const full = fqdn(host, ns);
      if (!full.includes('*') && !known.has(full) && !known.has(host)) {
        msgs.push(notFound(origin, ns, 'host', host));
        continue;
      }
      const subset = r.destination?.subset;
      if (subset && !subsets.has(`${full}+${subset}`)) {
        msgs.push(notFound(origin, ns, 'host+subset in destinationrule', `${host}+${subset}`));
      }
    }
  }

  for (const gw of snap.gateways.filter(inTarget)) {
    const selector = (spec(gw).selector ?? {}) as Record<string, string>;
    const entries = Object.entries(selector);
    if (entries.length === 0) continue;
    const match = snap.pods.some((p) => entries.every(([k, v]) => p.metadata?.labels?.[k] === v));
    if (!match) {
      const text = entries.map(([k, v]) => `${k}=${v}`).join(',');
      msgs.push(notFound(`Gateway ${nsOf(gw)}/${nameOf(gw)}`, nsOf(gw), 'selector', text));
    }
  }

  for (const ns of snap.namespaces) {
    const name = nameOf(ns);
    if (SYSTEM_NAMESPACES.has(name) || (target !== undefined && name !== target)) continue;
    const labels = ns.metadata?.labels ?? {};
    const injected = labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined;
    if (labels['istio-injection'] === undefined && labels['istio.io/rev'] === undefined) {
      msgs.push({
        code: 'IST0102',
        level: 'Info',
        origin: `Namespace ${name}`,
        namespace: name,
        message: `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${name} istio-injection=enabled' to enable it, or 'kubectl label namespace ${name} istio-injection=disabled' to explicitly mark it as not needing injection.`
      });
    }
    if (!injected) continue;
    for (const pod of snap.pods.filter((p) => nsOf(p) === name)) {
      const optOut =
        pod.metadata?.annotations?.['sidecar.istio.io/inject'] === 'false' ||
        pod.metadata?.labels?.['sidecar.istio.io/inject'] === 'false';
      const containers = ((spec(pod).containers as { name?: string }[] | undefined) ?? []).map((c) => c.name);
      if (!optOut && !containers.includes('istio-proxy')) {
        msgs.push({
          code: 'IST0103',
          level: 'Warning',
          origin: `Pod ${name}/${nameOf(pod)}`,
          namespace: name,
          message:
            'The pod is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.'
        });
      }
    }
  }
  // Sorted and de-duplicated, as SortedDedupedCopy does.
  const seen = new Set<string>();
  return msgs
    .filter((x) => {
      const k = `${x.code}|${x.origin}|${x.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) ||
        a.code.localeCompare(b.code) ||
        a.origin.localeCompare(b.origin) ||
        a.message.localeCompare(b.message)
    );
}

async function snapshot(cluster: Cluster): Promise<Snapshot> {
  const [namespaces, services, serviceEntries, virtualServices, destinationRules, gateways, pods] =
    await Promise.all([
      cluster.list('v1', 'Namespace'),
      cluster.list('v1', 'Service'),
      cluster.list(NET, 'ServiceEntry'),
      cluster.list(NET, 'VirtualService'),
      cluster.list(NET, 'DestinationRule'),
      cluster.list(NET, 'Gateway'),
      cluster.list('v1', 'Pod')
    ]);
  return { namespaces, services, serviceEntries, virtualServices, destinationRules, gateways, pods };
}

function suppressed(m: Message, rules: string[]): boolean {
  return rules.some((r) => {
    const [code, pattern] = r.split('=');
    if (code !== m.code) return false;
    const re = new RegExp(`^${(pattern ?? '*').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(m.origin);
  });
}

export async function analyzeCommand(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs(argv, ANALYZE_FLAGS);
  if (p.positionals.length > 0 || p.flags.get('use-kube') === false) {
    return cli.fail('the stand-in istioctl analyzes the live cluster only (no file arguments)', 64);
  }
  const cluster = cli.cluster();
  const all = bool(p, 'all-namespaces');
  const target = all ? undefined : (str(p, 'namespace') ?? cluster.contextNamespace());
  const output = str(p, 'output') ?? 'log';
  const outThreshold = (str(p, 'output-threshold') ?? 'Info') as Level;
  const failThreshold = (str(p, 'failure-threshold') ?? 'Error') as Level;
  for (const [flag, v] of [
    ['output-threshold', outThreshold],
    ['failure-threshold', failThreshold]
  ] as const) {
    if (!(v in RANK)) return cli.fail(`${flag} must be one of Info, Warning, Error`, 64);
  }
  const rules = (p.flags.get('suppress') as string[] | undefined) ?? [];
  const msgs = analyzeSnapshot(await snapshot(cluster), target).filter((m) => !suppressed(m, rules));
  const shown = msgs.filter((m) => RANK[m.level] >= RANK[outThreshold]);
  const docs = `https://istio.io/v1.${cli.model.minor}/docs/reference/config/analysis`;
  const targetText = all ? 'all namespaces' : `namespace: ${target}`;
  if (output === 'json' || output === 'yaml') {
    const list = shown.map((m) => ({
      code: m.code,
      documentationUrl: `${docs}/${m.code.toLowerCase()}/?ref=istioctl`,
      level: m.level,
      message: m.message,
      origin: m.origin
    }));
    cli.out(
      output === 'json'
        ? JSON.stringify(list, null, '\t')
        : list
            .map(
              (m) =>
                `- ${Object.entries(m)
                  .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
                  .join('\n  ')}`
            )
            .join('\n')
    );
    return 0; // the real command computes its exit code for `log` output only
  }
  if (output !== 'log')
    return cli.fail(`invalid output format "${output}": must be one of log, json, yaml`, 64);
  if (shown.length === 0) {
    cli.err(`✔ No validation issues found when analyzing ${targetText}.`);
  } else {
    for (const m of shown) cli.out(`${m.level} [${m.code}] (${m.origin}) ${m.message}`);
  }
  if (msgs.some((m) => RANK[m.level] >= RANK[failThreshold])) {
    return cli.fail(
      `Analyzers found issues when analyzing ${targetText}.\nSee ${docs} for more information about causes and resolutions.`,
      79
    );
  }
  return 0;
}
