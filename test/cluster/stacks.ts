// The two stacks the e2e suite runs on (a matrix: every scenario that applies to both runs on both).
//   seed    = Kubernetes 1.20.2 (Debian's source, Go 1.19) + the stand-in Istio 1.13.x releases
//   current = Kubernetes 1.35.x (Go modules) + etcd 3.6 + the real istioctl / pilot-discovery built from
//             istio.io/istio (test/cluster/gobuild), upgrades from the stand-in 1.29.6
// Pick one with ASK_ISTIO_STACK=seed|current (default: current, the action's own defaults);
// ASK_ISTIO_KUBERNETES=1.36.3 runs `current` on another Kubernetes version.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type StackName = 'seed' | 'current';
export const STACK_ENV = 'ASK_ISTIO_STACK';

export interface Stack {
  name: StackName;
  /** Kubernetes version of the control plane, without a `v`. */
  kubernetes: string;
  /** The Istio version the scenarios install (what `istio-version` is set to). */
  istio: string;
  /** An older release, for upgrade scenarios. */
  istioPrevious: string;
  /** Versions whose archives come from a real istioctl build (the rest are the stand-in model). */
  realIstio: readonly string[];
  /** Admission the control plane enforces for pods: PodSecurityPolicy (≤ 1.24) or Pod Security Admission. */
  podSecurity: 'psp' | 'psa';
}

export const STACKS: Record<StackName, Stack> = {
  seed: {
    name: 'seed',
    kubernetes: '1.20.2',
    istio: '1.13.3',
    istioPrevious: '1.13.2',
    realIstio: [],
    podSecurity: 'psp'
  },
  current: {
    name: 'current',
    kubernetes: '1.35.4',
    istio: '1.30.3',
    // The proxy here refuses the real 1.29.6 module version; the stand-in 1.29.6 installs what that
    // release's charts would (policy/v1 PDBs, registry hub), and the real 1.30.3 istioctl upgrades it.
    istioPrevious: '1.29.6',
    realIstio: ['1.30.3'],
    podSecurity: 'psa'
  }
};

/**
 * Runs the `current` entry on another Kubernetes patch or minor that ASK offers, built the same way from
 * k8s.io/kubernetes (e.g. ASK_ISTIO_KUBERNETES=1.36.3 or 1.34.4; Istio 1.30 supports 1.32 to 1.36).
 */
export const KUBERNETES_ENV = 'ASK_ISTIO_KUBERNETES';

export function stackNamed(name: string | undefined): Stack {
  const n = (name ?? '').trim() || 'current';
  if (n !== 'seed' && n !== 'current')
    throw new Error(`${STACK_ENV}=${n} is not a stack; use seed or current`);
  const kubernetes = process.env[KUBERNETES_ENV]?.trim().replace(/^v/, '');
  if (n === 'seed' || !kubernetes) return STACKS[n];
  if (!/^1\.(3[2-6])\.\d+$/.test(kubernetes))
    throw new Error(
      `${KUBERNETES_ENV}=${kubernetes}: the current entry runs Kubernetes 1.32.x to 1.36.x, e.g. 1.36.3`
    );
  return { ...STACKS.current, kubernetes };
}

/** The stack this process runs on: ASK_ISTIO_STACK, default current. */
export function currentStack(): Stack {
  return stackNamed(process.env[STACK_ENV]);
}

function repoRoot(): string {
  try {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    if (existsSync(join(root, 'test', 'cluster', 'build.sh'))) return root;
  } catch {
    // not a file URL (some transformers)
  }
  return process.cwd();
}

export interface StackBinaries {
  /** Directory holding kube-apiserver and kube-controller-manager. */
  binDir: string;
  /** The etcd binary (a path, or a name found on PATH). */
  etcd: string;
  /** For real Istio versions: the directory with bin/istioctl, bin/pilot-discovery and tree/. */
  istio: Record<string, string>;
}

function runScript(script: string, args: string[]): string {
  return execFileSync('bash', [script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20
  });
}

/** Finds (building on first use; cached per machine) every binary the stack needs. */
export function stackBinaries(stack: Stack): StackBinaries {
  const root = repoRoot();
  if (stack.name === 'seed') {
    const binDir =
      runScript(join(root, 'test', 'cluster', 'build.sh'), [])
        .trim()
        .split('\n')
        .pop() ?? '';
    if (!existsSync(join(binDir, 'kube-apiserver')))
      throw new Error(`test/cluster/build.sh printed "${binDir}", which holds no kube-apiserver`);
    return { binDir, etcd: 'etcd', istio: {} };
  }
  const out = runScript(join(root, 'test', 'cluster', 'gobuild', 'build.sh'), [
    `k8s=${stack.kubernetes}`,
    'etcd',
    'istio'
  ]);
  const dirs: Record<string, string> = {};
  for (const line of out.trim().split('\n')) {
    const [component, dir] = line.split(' ');
    if (component && dir) dirs[component] = dir;
  }
  const k8s = dirs.k8s ? join(dirs.k8s, 'bin') : '';
  if (!k8s || !existsSync(join(k8s, 'kube-apiserver')))
    throw new Error(`test/cluster/gobuild/build.sh built no kube-apiserver (${out.trim()})`);
  const istio: Record<string, string> = {};
  for (const v of stack.realIstio) if (dirs.istio) istio[v] = dirs.istio;
  return { binDir: k8s, etcd: join(dirs.etcd ?? '', 'bin', 'etcd'), istio };
}
