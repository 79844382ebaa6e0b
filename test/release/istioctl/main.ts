// Stand-in istioctl entry point. The archive's `istioctl` shell script runs this file with Node 24 and
// ISTIOCTL_STANDIN_VERSION set; behaviour follows that version's real istioctl (release model).
// Per-test failures: ConfigMap ask-istio-sim/sim-istioctl, key faults.json,
// `[{"command": "install", "exitCode": 1, "stderr": "..."}]`, checked at the start of each command.
import { releaseModel, type ReleaseModel } from '../model/version.js';
import { ISTIO_NS } from '../model/install.js';
import { analyzeCommand } from './analyze.js';
import { bool, parseArgs, str, UsageError, type FlagSpec } from './args.js';
import { apiMessage, Cluster, type Obj } from './cluster.js';
import { installCommand } from './install.js';

export interface Cli {
  model: ReleaseModel;
  out(text: string, newline?: boolean): void;
  err(text: string): void;
  debug(text: string): void;
  /** Prints `Error: <message>` to stderr and returns the exit code (cobra's behaviour). */
  fail(message: string, code?: number): number;
  cluster(): Cluster;
}

interface Fault {
  command: string;
  exitCode: number;
  stderr?: string;
}

function makeCli(model: ReleaseModel, globals: { kubeconfig?: string; context?: string }): Cli {
  let cluster: Cluster | undefined;
  return {
    model,
    out: (text, newline = true) => process.stdout.write(newline ? `${text}\n` : text),
    err: (text) => process.stderr.write(`${text}\n`),
    debug: (text) => {
      if (process.env.ISTIOCTL_STANDIN_DEBUG) process.stderr.write(`[debug] ${text}\n`);
    },
    fail: (message, code = 1) => {
      process.stderr.write(`Error: ${message}\n`);
      return code;
    },
    cluster: () => (cluster ??= Cluster.load(globals.kubeconfig, globals.context))
  };
}

function buildInfo(m: ReleaseModel): Record<string, string> {
  return {
    version: m.version,
    revision: m.revision,
    golang_version: m.golangVersion,
    status: 'Clean',
    tag: m.version
  };
}

async function controlPlaneVersions(
  cli: Cli,
  istioNs: string
): Promise<{ control: string[]; proxies: Map<string, number> }> {
  const cluster = cli.cluster();
  const pods = await cluster.list('v1', 'Pod', istioNs, 'app=istiod');
  const tagOf = (image: string | undefined): string =>
    image ? image.slice(image.lastIndexOf(':') + 1) : 'unknown';
  const control = [
    ...new Set(
      pods.map((p) => tagOf(((p.spec as { containers?: { image?: string }[] }).containers ?? [])[0]?.image))
    )
  ];
  const proxies = new Map<string, number>();
  for (const p of await cluster.list('v1', 'Pod')) {
    const proxy = ((p.spec as { containers?: { name?: string; image?: string }[] }).containers ?? []).find(
      (c) => c.name === 'istio-proxy'
    );
    if (proxy) proxies.set(tagOf(proxy.image), (proxies.get(tagOf(proxy.image)) ?? 0) + 1);
  }
  return { control, proxies };
}

async function versionCommand(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs(argv, [
    { name: 'remote', type: 'bool', default: true },
    { name: 'short', type: 'bool', default: true },
    { name: 'output', short: 'o', type: 'string', default: '' },
    { name: 'revision', short: 'r', type: 'string' }
  ]);
  const m = cli.model;
  const output = str(p, 'output') ?? '';
  const remote = bool(p, 'remote');
  let meshInfo: { control: string[]; proxies: Map<string, number> } | undefined;
  if (remote) {
    try {
      meshInfo = await controlPlaneVersions(cli, str(p, 'istioNamespace') ?? ISTIO_NS);
    } catch (err) {
      cli.err(`Failed to get control plane version: ${apiMessage(err)}`);
    }
  }
  if (output === 'json' || output === 'yaml') {
    const doc: Record<string, unknown> = { clientVersion: buildInfo(m) };
    if (meshInfo)
      doc.meshVersion = meshInfo.control.map((v) => ({ Component: 'pilot', Info: { version: v } }));
    cli.out(
      output === 'json'
        ? JSON.stringify(doc, null, 2)
        : Object.entries(buildInfo(m))
            .map(([k, v]) => `  ${k}: ${v}`)
            .join('\n')
            .replace(/^/, 'clientVersion:\n')
    );
    return 0;
  }
  if (output !== '') return cli.fail(`--output must be 'yaml' or 'json'`);
  const full = `version.BuildInfo{Version:"${m.version}", GitRevision:"${m.revision}", GolangVersion:"${m.golangVersion}", BuildStatus:"Clean", GitTag:"${m.version}"}`;
  const short = bool(p, 'short') || m.versionOutput === 'client-version'; // 1.23+ forces --short
  if (!remote || !meshInfo) {
    if (m.versionOutput === 'bare' && short) cli.out(m.version);
    else cli.out(`client version: ${short ? m.version : full}`);
    return 0;
  }
  cli.out(`client version: ${short ? m.version : full}`);
  if (meshInfo.control.length === 0)
    cli.out(`no running Istio pods in "${str(p, 'istioNamespace') ?? ISTIO_NS}"`);
  else cli.out(`control plane version: ${meshInfo.control.join(', ')}`);
  const dp = [...meshInfo.proxies.entries()].map(([v, n]) => `${v} (${n} proxies)`);
  if (dp.length > 0) cli.out(`data plane version: ${dp.join(', ')}`);
  return 0;
}

async function precheckCommand(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs(argv, [
    { name: 'skip-controlplane', type: 'bool' },
    { name: 'from-version', short: 'f', type: 'string' },
    { name: 'output', short: 'o', type: 'string', default: 'log' },
    { name: 'output-threshold', type: 'string', default: 'Warning' },
    { name: 'revision', short: 'r', type: 'string' }
  ]);
  const m = cli.model;
  const lines: string[] = [];
  if (!bool(p, 'skip-controlplane')) {
    const v = await cli.cluster().serverVersion();
    if (v.minor < m.minK8sMinor) {
      lines.push(
        `Error [IST0142] (Cluster) The Kubernetes Version ${JSON.stringify(v.gitVersion)} is lower than the minimum version: 1.${m.minK8sMinor}`
      );
    }
  }
  if (lines.length === 0) {
    const tail = m.installedStateCR ? '' : '.';
    cli.err(
      `✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n  To get started, check out https://istio.io/latest/docs/setup/getting-started/${tail}`
    );
    return 0;
  }
  cli.out(lines.join('\n'));
  return cli.fail(
    `Issues found when checking the cluster. Istio may not be safe to install or upgrade.\nSee https://istio.io/v1.${m.minor}/docs/reference/config/analysis for more information about causes and resolutions.`
  );
}

async function uninstallCommand(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs(argv, [
    { name: 'purge', type: 'bool' },
    { name: 'skip-confirmation', short: 'y', type: 'bool' },
    { name: 'revision', short: 'r', type: 'string' },
    { name: 'filename', short: 'f', type: 'list' },
    { name: 'set', short: 's', type: 'list' },
    { name: 'force', type: 'bool' },
    { name: 'verbose', short: 'v', type: 'bool' }
  ]);
  const purge = bool(p, 'purge');
  const revision = str(p, 'revision');
  if (!purge && !revision && ((p.flags.get('filename') as string[] | undefined) ?? []).length === 0) {
    return cli.fail(
      'at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set'
    );
  }
  if (!bool(p, 'skip-confirmation')) {
    cli.out('All Istio resources will be pruned from the cluster\nProceed? (y/N) ', false);
    cli.out('Cancelled.');
    return 1;
  }
  const cluster = cli.cluster();
  const selector = purge
    ? 'operator.istio.io/component'
    : `operator.istio.io/component,istio.io/rev=${revision ?? 'default'}`;
  const kinds: [string, string][] = [
    ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'DaemonSet'],
    ['v1', 'Service'],
    ['v1', 'ConfigMap'],
    ['v1', 'ServiceAccount'],
    ['policy/v1beta1', 'PodDisruptionBudget'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['install.istio.io/v1alpha1', 'IstioOperator'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition']
  ];
  for (const [apiVersion, kind] of kinds) {
    const items =
      kind === 'IstioOperator'
        ? await cluster.list(apiVersion, kind, ISTIO_NS)
        : await cluster.list(apiVersion, kind, undefined, selector);
    for (const o of items) {
      if (kind === 'CustomResourceDefinition' && !purge) continue; // CRDs go only with --purge
      await cluster.delete({ ...o, apiVersion, kind } as Obj);
      cli.out(`  Removed ${kind}:${o.metadata?.namespace ?? ''}:${o.metadata?.name ?? ''}.`);
    }
  }
  cli.out('✔ Uninstall complete');
  return 0;
}

async function checkFault(cli: Cli, command: string, needsCluster: boolean): Promise<Fault | undefined> {
  if (!needsCluster && !process.env.KUBECONFIG) return undefined;
  try {
    const data = await Promise.race([
      cli.cluster().configMap('ask-istio-sim', 'sim-istioctl'),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000).unref())
    ]);
    const faults = JSON.parse(data?.['faults.json'] ?? '[]') as Fault[];
    return faults.find((f) => f.command === command);
  } catch (err) {
    cli.debug(`fault check skipped: ${apiMessage(err)}`);
    return undefined;
  }
}

const ROOT_FLAGS: FlagSpec[] = [{ name: 'help', short: 'h', type: 'bool' }];

export async function main(argv: string[]): Promise<number> {
  const version = process.env.ISTIOCTL_STANDIN_VERSION;
  if (!version) {
    process.stderr.write(
      'Error: ISTIOCTL_STANDIN_VERSION is not set (run the istioctl script from a stand-in release)\n'
    );
    return 1;
  }
  const model = releaseModel(version);
  // Global flags may come before the command: skip them (and the values of those taking one).
  const takesValue = new Set([
    '-c',
    '--kubeconfig',
    '--context',
    '-n',
    '--namespace',
    '-i',
    '--istioNamespace',
    '--vklog'
  ]);
  let at = 0;
  while (at < argv.length && (argv[at] as string).startsWith('-'))
    at += takesValue.has(argv[at] as string) ? 2 : 1;
  let command = argv[at] ?? 'help';
  const before = argv.slice(0, at);
  let rest = argv.slice(at + 1);
  if (command === 'x' || command === 'experimental') {
    const i = rest.findIndex((a) => !a.startsWith('-'));
    command = i >= 0 ? (rest[i] as string) : 'help';
    if (i >= 0) rest = [...rest.slice(0, i), ...rest.slice(i + 1)];
  }
  // --kubeconfig/--context for the cluster connection, wherever they were written.
  const globals = { kubeconfig: undefined as string | undefined, context: undefined as string | undefined };
  const all = [...before, ...rest];
  for (let i = 0; i < all.length; i++) {
    const a = all[i] as string;
    for (const [name, short] of [
      ['kubeconfig', '-c'],
      ['context', '']
    ] as const) {
      if (a === `--${name}` || (short && a === short)) globals[name] = all[i + 1];
      else if (a.startsWith(`--${name}=`)) globals[name] = a.slice(name.length + 3);
    }
  }
  const cli = makeCli(model, globals);
  const args = [...before, ...rest];
  try {
    const known = [
      'version',
      'install',
      'apply',
      'analyze',
      'precheck',
      'uninstall',
      'verify-install',
      'help'
    ];
    if (!known.includes(command) || (command === 'verify-install' && !model.hasVerifyInstall)) {
      return cli.fail(`unknown command "${command}" for "istioctl"\nRun 'istioctl --help' for usage.`);
    }
    if (command === 'help') {
      parseArgs(args, ROOT_FLAGS);
      cli.out(
        `Istio configuration command line utility (stand-in ${model.version}).\n\nAvailable Commands: analyze, install, precheck (x precheck), uninstall, version${model.hasVerifyInstall ? ', verify-install' : ''}`
      );
      return 0;
    }
    const fault = await checkFault(cli, command === 'apply' ? 'install' : command, command !== 'version');
    if (fault) {
      if (fault.stderr) cli.err(fault.stderr);
      return fault.exitCode;
    }
    switch (command) {
      case 'version':
        return await versionCommand(cli, args);
      case 'install':
      case 'apply':
        return await installCommand(cli, args);
      case 'analyze':
        return await analyzeCommand(cli, args);
      case 'precheck':
        return await precheckCommand(cli, args);
      case 'uninstall':
        return await uninstallCommand(cli, args);
      case 'verify-install':
        // 1.13.3's verify-install cannot parse the demo profile's extensionProviders (istio#38940).
        return cli.fail(
          'could not overlay user config over base: json merge error (unable to find api field in struct meshConfigExtensionProvider for the json field "envoyOtelAls")'
        );
      default:
        return cli.fail(`unknown command "${command}" for "istioctl"`);
    }
  } catch (err) {
    if (err instanceof UsageError) return cli.fail(err.message);
    return cli.fail(apiMessage(err));
  }
}

// Exit explicitly: an aborted watch may leave a socket that would keep the process alive.
process.exit(await main(process.argv.slice(2)));
