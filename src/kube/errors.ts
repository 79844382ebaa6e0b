// Turns API-server failures into ActionErrors a user can act on. Pure: the client hands over what it
// asked for and what came back. Messages name the object and the exact permission; they never
// contain credentials or stack traces.

import { ActionError } from '../errors.js';

/** What the client was doing when a request failed. `verb` is the Kubernetes (RBAC) verb. */
export interface RequestInfo {
  verb: string;
  /** Plural resource name, e.g. "deployments", "services/proxy". */
  resource: string;
  /** API group; '' is the core group. */
  group: string;
  namespace?: string;
  name?: string;
  /** The API server URL from the kubeconfig. */
  server: string;
  /** The kubeconfig user (used when the server does not name the user itself). */
  user?: string;
}

/** A failed API request: status 0 means no HTTP answer (network error, timeout). */
export class KubeApiError extends ActionError {
  readonly status: number;
  readonly reason?: string;
  readonly request: RequestInfo;

  constructor(
    message: string,
    request: RequestInfo,
    status: number,
    options: { reason?: string; hint?: string; details?: string[]; cause?: unknown } = {}
  ) {
    super(message, options);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = options.reason;
    this.request = request;
  }
}

/** The fields of a metav1.Status body that explain a failure. */
export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
  };
}

export function parseStatus(bodyText: string): StatusBody | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed === 'object' && parsed !== null && (parsed as StatusBody).kind === 'Status')
      return parsed as StatusBody;
  } catch {
    // not JSON: the caller falls back to the raw text
  }
  return undefined;
}

function target(req: RequestInfo): string {
  const what = req.name ? `${req.resource} "${req.name}"` : req.resource;
  return req.namespace ? `${what} in namespace ${req.namespace}` : what;
}

// The server's own words for a 403, e.g.
// User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "bookinfo"
const FORBIDDEN_RE =
  /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]*)"| at the cluster scope)?/;

/** The RBAC rule that would allow the request, as the YAML lines of a Role rule. */
export function roleRuleFor(verb: string, resource: string, group: string, namespace?: string): string {
  const kind = namespace ? `Role in namespace ${namespace}` : 'ClusterRole';
  return `${kind} rule: { apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["${verb}"] }`;
}

/** Translates an HTTP error answer from the API server. */
export function apiError(req: RequestInfo, status: number, bodyText: string): KubeApiError {
  const st = parseStatus(bodyText);
  const serverSays = (st?.message ?? bodyText.trim().slice(0, 500)) || `HTTP ${status}`;
  const reason = st?.reason;
  const opts = { reason };

  if (status === 401) {
    return new KubeApiError(
      `the API server at ${req.server} rejected the credentials (401 Unauthorized)`,
      req,
      status,
      {
        ...opts,
        details: [`while trying to ${req.verb} ${target(req)}`],
        hint:
          'The kubeconfig credentials are expired or invalid. Regenerate the kubeconfig (ACK kubeconfigs are ' +
          'time-limited; with access-key/OIDC auth raise the kubeconfig TTL input) or check the token/client certificate.'
      }
    );
  }
  if (status === 403) {
    const m = FORBIDDEN_RE.exec(serverSays);
    const user = m?.[1] ?? req.user ?? 'unknown user';
    const verb = m?.[2] ?? req.verb;
    const resource = m?.[3] ?? req.resource;
    const group = m?.[4] ?? req.group;
    const namespace = m ? m[5] : req.namespace;
    const where = namespace ? ` in namespace ${namespace}` : ' at cluster scope';
    return new KubeApiError(`forbidden: cannot ${verb} ${resource}${where} (user ${user})`, req, status, {
      ...opts,
      details: [`API server: ${serverSays}`],
      hint: `Grant the identity this permission: ${roleRuleFor(verb, resource, group, namespace)}, bound to user "${user}".`
    });
  }
  if (status === 404) {
    return new KubeApiError(`${target(req)} not found`, req, status, {
      ...opts,
      details: [`API server: ${serverSays}`]
    });
  }
  if (status === 409 && reason === 'Conflict' && /conflict/i.test(serverSays) && req.verb === 'patch') {
    const causes = (st?.details?.causes ?? []).map((c) => `${c.field ?? ''} ${c.message ?? ''}`.trim());
    return new KubeApiError(`cannot apply ${target(req)}: fields are owned by another manager`, req, status, {
      ...opts,
      details: [serverSays, ...causes],
      hint: "Another tool manages these fields. Remove that tool's ownership, or re-run with force (take ownership) if this action should own them."
    });
  }
  if (status === 422 || status === 400) {
    const causes = (st?.details?.causes ?? []).map(
      (c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`
    );
    return new KubeApiError(`the API server rejected ${target(req)} as invalid`, req, status, {
      ...opts,
      details: causes.length > 0 ? causes : [serverSays],
      hint: 'Fix the manifest; the field paths above point at the problem.'
    });
  }
  if (status === 500 && permanentServerError(serverSays)) {
    return new KubeApiError(`the API server cannot server-side apply ${target(req)}`, req, status, {
      ...opts,
      details: [`API server: ${serverSays}`],
      hint: 'A list entry lacks a key field this Kubernetes version requires for server-side apply; add it to the manifest (for ports: protocol: TCP).'
    });
  }
  if (status === 429 || status >= 500) {
    return new KubeApiError(
      `the API server at ${req.server} is overloaded or failing (HTTP ${status}) while trying to ${req.verb} ${target(req)}`,
      req,
      status,
      {
        ...opts,
        details: [`API server: ${serverSays}`],
        hint: 'Retry later; if it persists check the cluster control plane health.'
      }
    );
  }
  return new KubeApiError(`cannot ${req.verb} ${target(req)}: ${serverSays}`, req, status, opts);
}

/**
 * 500s that are not transient: the server failed to process this particular request and will fail the
 * same way every time (retrying only delays the real error).
 */
export function permanentServerError(text: string): boolean {
  return /failed to create typed (patch|live) object|associative list with keys/.test(text);
}

/** Node/undici network error codes that mean "no answer from the server". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED'
]);

/** OpenSSL verification codes: the server's certificate is not trusted with the kubeconfig's CA. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
]);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT');
}

/** The innermost error code of a fetch failure (undici wraps the socket error in `cause`). */
export function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') break;
    const rec = e as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof rec.code === 'string' && (NETWORK_CODES.has(rec.code) || isTlsCode(rec.code))) {
      return rec.code;
    }
    if (rec.name === 'TimeoutError') return 'ETIMEDOUT';
    e = rec.cause;
  }
  return undefined;
}

/** True for failures worth retrying: no answer at all, or an answer that says "try again". */
export function isRetryable(status: number, err?: unknown): boolean {
  if (status === 0) {
    const code = networkCode(err);
    // Certificate problems do not heal by retrying.
    return code !== undefined && !isTlsCode(code) && code !== 'ENOTFOUND';
  }
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Translates a request that got no HTTP answer. */
export function networkError(req: RequestInfo, err: unknown, attempts: number): KubeApiError {
  const code = networkCode(err) ?? (err instanceof Error ? err.message : String(err));
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (isTlsCode(code)) {
    return new KubeApiError(
      `the API server at ${req.server} presented a certificate that is not trusted (${code})`,
      req,
      0,
      {
        cause: err,
        hint: "The kubeconfig's certificate-authority-data does not match the server; regenerate the kubeconfig for this cluster."
      }
    );
  }
  return new KubeApiError(
    `the API server at ${req.server} is unreachable or overloaded (${code}${tries}) while trying to ${req.verb} ${target(req)}`,
    req,
    0,
    {
      cause: err,
      hint:
        'Check that the cluster is running and reachable from this runner: a GitHub-hosted runner needs the ' +
        'public API endpoint; the private (VPC) endpoint only works from a self-hosted runner inside the VPC.'
    }
  );
}
