// `istioctl install` (alias `apply`): resolve settings, confirm, apply each component with
// server-side apply, wait for its workloads up to --readiness-timeout, prune what the new manifest
// no longer has, and report like the real one (progress lines, ✘ errors, exit 1 on failure).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadAll } from 'js-yaml';
import type { Manifest } from '../model/bookinfo.js';
import {
  installedState,
  ISTIO_NS,
  renderInstall,
  type Component,
  type InjectorEndpoint,
  type InstallSettings
} from '../model/install.js';
import type { Spec } from '../model/profiles.js';
import { bool, formatDuration, list, parseArgs, parseDuration, str, type FlagSpec } from './args.js';
import type { Cluster, Obj, ReadyTarget } from './cluster.js';
import { resolveSettings, SettingsError } from './settings.js';
import type { Cli } from './main.js';

export const INSTALL_FLAGS: FlagSpec[] = [
  { name: 'set', short: 's', type: 'list' },
  { name: 'filename', short: 'f', type: 'list' },
  { name: 'revision', short: 'r', type: 'string' },
  { name: 'skip-confirmation', short: 'y', type: 'bool' },
  { name: 'readiness-timeout', type: 'string', default: '300s' },
  { name: 'force', type: 'bool' },
  { name: 'verify', type: 'bool' },
  { name: 'manifests', short: 'd', type: 'string' },
  { name: 'charts', type: 'string' }
];

const SIM_NS = 'ask-istio-sim';

function readOperatorFiles(files: string[]): Spec[] {
  return files.map((f) => {
    const docs = loadAll(readFileSync(f, 'utf8')) as unknown[];
    const iop = docs.find(
      (d): d is { kind: string; spec?: Spec } =>
        typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'IstioOperator'
    );
    if (!iop) throw new SettingsError(`${f}: no IstioOperator found`);
    return iop.spec ?? {};
  });
}

async function confirm(cli: Cli, prompt: string): Promise<boolean> {
  // Like fmt.Scanln: one line from stdin; EOF (no input) means "no".
  cli.out(`${prompt} `, false);
  const rl = createInterface({ input: process.stdin });
  const answer = await new Promise<string | undefined>((resolve) => {
    rl.once('line', (l) => resolve(l));
    rl.once('close', () => resolve(undefined));
  });
  rl.close();
  return answer !== undefined && ['y', 'yes'].includes(answer.trim().toLowerCase());
}

function imageTag(image: unknown): string | undefined {
  return typeof image === 'string' ? image.slice(image.lastIndexOf(':') + 1) : undefined;
}

function workloads(objects: Manifest[]): ReadyTarget[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
    .map((o) => ({
      kind: o.kind as 'Deployment' | 'DaemonSet',
      namespace: o.metadata.namespace ?? ISTIO_NS,
      name: o.metadata.name
    }));
}

async function waitCrdsEstablished(cluster: Cluster, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await cluster.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, name);
      const conds =
        (crd?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      // CRD establishment takes milliseconds and has no useful watch here; a short re-read is fine.
      if (Date.now() > deadline)
        throw new Error(`failed to verify CRD creation: CRD ${name} not established`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function applyComponent(cli: Cli, cluster: Cluster, comp: Component, timeoutMs: number): Promise<void> {
  // CRDs and the namespace-less objects first, as the real ordering does; CRs after their CRDs.
  for (const o of comp.objects) await cluster.apply(o as unknown as Obj);
  if (comp.name === 'Base') {
    const crds = comp.objects
      .filter((o) => o.kind === 'CustomResourceDefinition')
      .map((o) => o.metadata.name);
    await waitCrdsEstablished(cluster, crds, timeoutMs);
  }
  const notReady = await cluster.waitReady(workloads(comp.objects), timeoutMs);
  if (notReady.length > 0) {
    const lines = await Promise.all(
      notReady.map(async (t) => {
        const why = await cluster.notReadyReason(t);
        return `  ${t.kind}/${t.namespace}/${t.name}${why ? ` (${why})` : ''}`;
      })
    );
    cli.debug(`not ready: ${lines.join('; ')}`);
    throw new Error(
      `failed to wait for resource: resources not ready after ${formatDuration(timeoutMs)}: timed out waiting for the condition\n${lines.join('\n')}`
    );
  }
}

const PRUNE_KINDS: [apiVersion: string, kind: string, namespaced: boolean][] = [
  ['apps/v1', 'Deployment', true],
  ['apps/v1', 'DaemonSet', true],
  ['v1', 'Service', true],
  ['v1', 'ServiceAccount', true],
  ['v1', 'ConfigMap', true],
  ['rbac.authorization.k8s.io/v1', 'Role', true],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', true],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', false]
];

/** Deletes objects this revision owns that the new manifest no longer renders (never Base/CRDs). */
async function prune(
  cli: Cli,
  cluster: Cluster,
  m: { pdbApiVersion: string },
  rev: string,
  desired: Manifest[]
): Promise<void> {
  const keep = new Set(desired.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const kinds: [string, string, boolean][] = [...PRUNE_KINDS, [m.pdbApiVersion, 'PodDisruptionBudget', true]];
  for (const [apiVersion, kind] of kinds) {
    const items = await cluster.list(
      apiVersion,
      kind,
      undefined,
      `operator.istio.io/managed=Reconcile,istio.io/rev=${rev},operator.istio.io/component!=Base`
    );
    for (const o of items) {
      const key = `${kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
      if (keep.has(key)) continue;
      await cluster.delete({ ...o, apiVersion, kind });
      cli.out(`  Removed ${kind}:${o.metadata?.namespace ?? ''}:${o.metadata?.name ?? ''}.`);
    }
  }
}

async function injectorEndpoint(cli: Cli, cluster: Cluster): Promise<InjectorEndpoint | undefined> {
  const data = await cluster.configMap(SIM_NS, 'sim-injector');
  if (!data?.url || !data.caBundle) {
    cli.err(
      `! ConfigMap ${SIM_NS}/sim-injector not found: the sidecar injector webhook (MutatingWebhookConfiguration istio-sidecar-injector) is not installed (stand-in istioctl: no simulator running)`
    );
    return undefined;
  }
  return { url: data.url, caBundle: data.caBundle };
}

async function announceVersionChange(cli: Cli, cluster: Cluster, s: InstallSettings): Promise<void> {
  const istiods = await cluster.list('apps/v1', 'Deployment', ISTIO_NS, 'app=istiod');
  const tags = [
    ...new Set(
      istiods
        .map((d) =>
          imageTag(
            ((d.spec as { template?: { spec?: { containers?: { image?: string }[] } } }).template?.spec
              ?.containers ?? [])[0]?.image
          )
        )
        .filter((t): t is string => !!t)
    )
  ];
  const current = tags[0];
  if (!current || current === s.tag) return;
  if (!s.revision) {
    // 1.13's wording (including its "A newer" for an older installed version).
    cli.out(
      `! Istio control planes installed: ${tags.join(', ')}.\n! ${current < s.tag ? 'A newer' : 'An older'} installed version of Istio has been detected. Running this command will overwrite it.`
    );
  } else if (current < s.tag) {
    cli.out(
      `! Istio is being upgraded from ${current} -> ${s.tag}.\n! Before upgrading, you may wish to use 'istioctl analyze' to check for IST0002 and IST0135 deprecation warnings.`
    );
  } else {
    cli.out(`! Istio is being downgraded from ${current} -> ${s.tag}.`);
  }
}

export async function installCommand(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs(argv, INSTALL_FLAGS);
  const m = cli.model;
  const sets = list(p, 'set');
  const revision = str(p, 'revision');
  if (revision !== undefined) sets.push(`revision=${revision}`);
  let settings: InstallSettings;
  try {
    settings = resolveSettings(m, readOperatorFiles(list(p, 'filename')), sets);
  } catch (err) {
    if (err instanceof SettingsError) return cli.fail(`generate config: ${err.message}`);
    throw err;
  }
  if (settings.revision && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(settings.revision)) {
    return cli.fail(`invalid revision specified: ${settings.revision}`);
  }
  const timeoutMs = parseDuration(str(p, 'readiness-timeout') ?? '300s');
  const cluster = cli.cluster();
  const server = await cluster.serverVersion();
  if (server.minor < m.minK8sMinor) {
    cli.out(
      `\nThe Kubernetes version ${server.gitVersion} is not supported by Istio ${m.version}. The minimum supported Kubernetes version is 1.${m.minK8sMinor}.\n` +
        'Proceeding with the installation, but you might experience problems. See https://istio.io/latest/docs/releases/supported-releases/ for a list of supported versions.'
    );
  }
  await announceVersionChange(cli, cluster, settings);
  const components = renderInstall(m, settings, undefined);
  const dryRun = bool(p, 'dry-run');
  if (!dryRun && !bool(p, 'skip-confirmation')) {
    const prompt = m.installedStateCR
      ? `This will install the Istio ${m.version} ${settings.profile} profile with [${components.map((c) => JSON.stringify(c.title)).join(' ')}] components into the cluster. Proceed? (y/N)`
      : `This will install the Istio ${m.version} profile "${settings.profile}" into the cluster. Proceed? (y/N)`;
    if (!(await confirm(cli, prompt))) {
      cli.out('Cancelled.');
      return 1;
    }
  }
  if (dryRun) {
    cli.out('Installation complete (dry run: nothing applied)');
    return 0;
  }
  const rendered = renderInstall(m, settings, await injectorEndpoint(cli, cluster));
  const mark = (c: Component, ok: boolean, err?: string): void => {
    const emoji = m.progressEmoji && ok ? ` ${c.emoji}` : '';
    cli.out(ok ? `✔ ${c.title} installed${emoji}` : `✘ ${c.title} encountered an error: ${err ?? ''}`);
  };
  const errors: string[] = [];
  const run = async (c: Component): Promise<boolean> => {
    try {
      await applyComponent(cli, cluster, c, timeoutMs);
      return true;
    } catch (err) {
      errors.push(`${c.title}: ${err instanceof Error ? err.message : String(err)}`);
      mark(c, false, err instanceof Error ? err.message : String(err));
      return false;
    }
  };
  await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NS } });
  const [base, ...rest] = rendered;
  if (base && (await run(base))) {
    mark(base, true);
    // Pilot (and CNI) next; the gateways depend on Istiod and are installed together.
    const gateways = rest.filter((c) => c.name === 'IngressGateways' || c.name === 'EgressGateways');
    for (const c of rest.filter((x) => !gateways.includes(x))) if (await run(c)) mark(c, true);
    const results = await Promise.all(gateways.map(async (c) => [c, await run(c)] as const));
    for (const [c, ok] of results) if (ok) mark(c, true);
  }
  if (errors.length === 0) {
    await prune(
      cli,
      cluster,
      m,
      settings.revision || 'default',
      rendered.flatMap((c) => c.objects)
    );
    if (m.installedStateCR) await cluster.apply(installedState(m, settings) as unknown as Obj);
  }
  if (errors.length > 0) {
    return cli.fail(`failed to install manifests: errors occurred during operation`);
  }
  cli.out('✔ Installation complete');
  if (m.installedStateCR) {
    cli.out('Making this installation the default for injection and validation.');
    cli.err(
      `\nThank you for installing Istio 1.${m.minor}.  Please take a few minutes to tell us about your install/upgrade experience!`
    );
  }
  return 0;
}
