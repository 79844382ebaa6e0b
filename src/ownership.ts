// Labels and annotations on everything the action creates. Teardown and prune select on exactly these,
// so they are defined once.

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'ask-istio-action';
export const PREVIEW_LABEL = 'ask-istio.dev/preview-id';
export const COMPONENT_LABEL = 'ask-istio.dev/component';
/** On cluster-scoped objects made for one Istio release (the ECI ImageCache). */
export const ISTIO_VERSION_LABEL = 'ask-istio.dev/istio-version';
export const CREATED_AT_ANNOTATION = 'ask-istio.dev/created-at';
export const REPOSITORY_ANNOTATION = 'ask-istio.dev/repository';
export const PR_ANNOTATION = 'ask-istio.dev/pull-request';
export const SHA_ANNOTATION = 'ask-istio.dev/commit-sha';
/** Namespaces the action never deploys into or deletes: they belong to the platform or to Istio. */
export const SYSTEM_NAMESPACES: readonly string[] = [
  'istio-system',
  'kube-system',
  'kube-public',
  'kube-node-lease'
];

/** Selects what this action applied for one component (routing, gateway, …). */
export function componentSelector(component: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${COMPONENT_LABEL}=${component}`;
}

export interface Ownership {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

// No run id or run URL here: they change on every run, so storing them would make an identical re-run
// write to the cluster (the PR comment links the run instead).
export interface RunContext {
  repository?: string;
  sha?: string;
  prNumber?: string;
  now: Date;
}

export function ownership(previewId: string | undefined, run: RunContext): Ownership {
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGED_BY };
  if (previewId) labels[PREVIEW_LABEL] = previewId;
  const annotations: Record<string, string> = { [CREATED_AT_ANNOTATION]: run.now.toISOString() };
  if (run.repository) annotations[REPOSITORY_ANNOTATION] = run.repository;
  if (run.prNumber) annotations[PR_ANNOTATION] = run.prNumber;
  if (run.sha) annotations[SHA_ANNOTATION] = run.sha;
  return { labels, annotations };
}

/** The GitHub run context from the runner's environment variables. */
export function runContextFromEnv(env: NodeJS.ProcessEnv, now = new Date()): RunContext {
  const pr = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  return { repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, prNumber: pr, now };
}
