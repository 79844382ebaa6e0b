export const id = 248;
export const ids = [248];
export const modules = {

/***/ 25439:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ redact),
/* harmony export */   P_: () => (/* binding */ authError)
/* harmony export */ });
/* unused harmony export hintFor */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83916);
// Turns a failed Alibaba Cloud call into one ActionError: what failed, the service's own words with
// its error code and RequestId (what support asks for), and a remedy chosen by error code. Credential
// values never reach the message: known secrets are redacted from anything the service echoes.

// Exact codes first; prefixes (ending in '.') match code families such as Throttling.User.
const HINTS = [
    [
        'InvalidAccessKeyId.NotFound',
        (c) => `the AccessKey ID is unknown to Alibaba Cloud. Check the access-key-id secret (copy it again from the RAM console, without spaces), and that ${c.endpoint} belongs to the same site (international vs. China) as the account.`
    ],
    [
        'InvalidAccessKeyId.Inactive',
        () => 'the AccessKey is disabled. Enable it in the RAM console or create a new one.'
    ],
    [
        'SignatureDoesNotMatch',
        () => 'the access-key-secret does not belong to the access-key-id. Copy the secret again (a trailing newline or space breaks the signature), and check that both secrets come from the same AccessKey pair.'
    ],
    [
        'IncompleteSignature',
        () => 'the request signature was rejected. Check that access-key-secret holds only the secret, with no extra characters.'
    ],
    [
        'InvalidTimeStamp.Expired',
        () => "the runner's clock is more than 15 minutes off; fix the machine's time (NTP)."
    ],
    [
        'InvalidSecurityToken.',
        () => 'the STS security-token is expired or does not belong to the access key. Obtain a fresh AccessKeyId/AccessKeySecret/SecurityToken triple, or use role-arn + oidc-provider-arn so the action obtains one itself.'
    ],
    [
        'Forbidden.RAM',
        (c) => `the RAM identity may not read this cluster's kubeconfig. Grant it cs:DescribeClusterUserKubeconfig on cluster ${c.clusterId ?? ''} (for example the AliyunCSReadOnlyAccess policy) and an RBAC role on the cluster in the ACK console (Authorizations).`
    ],
    [
        'Forbidden',
        (c) => `the RAM identity is not allowed to call ${c.call}. Attach a policy that allows it in the RAM console.`
    ],
    [
        'NoPermission',
        (c) => `the RAM identity is not allowed to call ${c.call}. Attach a policy that allows it in the RAM console.`
    ],
    [
        'ErrorRamPolicyConfig',
        () => 'the RAM policy for this cluster is missing or invalid; grant cs:DescribeClusterUserKubeconfig.'
    ],
    [
        'ErrorClusterNotFound',
        (c) => `no cluster ${c.clusterId ?? ''} exists in region ${c.regionId}. Check cluster-id, and that region-id is the region the cluster runs in: ACK endpoints are regional, so a cluster in another region is "not found" (the console URL shows the region).`
    ],
    [
        'ErrorParameterInvalid',
        () => 'a request parameter was rejected; kubeconfig-ttl must be between 15 and 4320 minutes.'
    ],
    [
        'AuthenticationFail.OIDCToken.Invalid',
        () => "the GitHub OIDC token was rejected. Check that the OIDC provider in RAM has this workflow's audience (oidc-audience) among its client IDs and https://token.actions.githubusercontent.com as issuer, with the current fingerprint."
    ],
    ['AuthenticationFail.OIDCToken.Expired', () => 'the GitHub OIDC token had expired; re-run the job.'],
    [
        'AuthenticationFail.NoPermission',
        () => "the role's trust policy does not allow this workflow. Allow the OIDC provider and match the token's sub claim (repo:<owner>/<repo>:...) in the role's trust policy conditions."
    ],
    [
        'EntityNotExist.Role',
        () => 'the role in role-arn does not exist. Copy the ARN from the RAM console (acs:ram::<account>:role/<name>).'
    ],
    [
        'EntityNotExist.OIDCProvider',
        () => 'the OIDC provider in oidc-provider-arn does not exist. Copy the ARN from RAM > SSO > OIDC (acs:ram::<account>:oidc-provider/<name>).'
    ],
    [
        'InvalidParameter.',
        () => 'a parameter of the call was rejected; check role-arn, oidc-provider-arn and their formats.'
    ],
    [
        'Throttling',
        (c) => `Alibaba Cloud throttled the request (tried ${c.attempts} times). Re-run later or lower the job's concurrency.`
    ]
];
function hintFor(code, ctx) {
    if (!code)
        return undefined;
    const exact = HINTS.find(([k]) => k === code);
    const prefix = exact ?? HINTS.find(([k]) => (k.endsWith('.') ? code.startsWith(k) : code.startsWith(`${k}.`)));
    return prefix?.[1](ctx);
}
function redact(text, secrets) {
    let out = text;
    for (const s of [...secrets].sort((a, b) => b.length - a.length))
        if (s.length >= 4)
            out = out.split(s).join('***');
    return out;
}
// No `cause` is attached: SDK errors quote request URLs, and the STS URL carries the OIDC token.
function authError(info, ctx) {
    const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';
    if (info.kind === 'api') {
        const said = redact(info.message, ctx.secrets).replace(/\s*\.?\s*$/, '');
        const ids = [
            `code ${info.code}`,
            `HTTP ${info.status}`,
            ...(info.requestId ? [`RequestId ${info.requestId}`] : [])
        ];
        const hint = hintFor(info.code, ctx) ??
            (info.retryable
                ? 'Alibaba Cloud had a server-side problem; re-run the job, and if it persists report the RequestId to Alibaba Cloud support.'
                : 'see the error code in the Alibaba Cloud API troubleshooting portal (api.aliyun.com/troubleshoot).');
        return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`${ctx.call} at ${ctx.endpoint} failed${tries}: ${said} (${ids.join(', ')}).`, {
            hint
        });
    }
    const said = redact(info.message, ctx.secrets);
    const hint = info.code === 'ENOTFOUND'
        ? `the host name does not resolve. Check region-id ("${ctx.regionId}") and any endpoint override.`
        : `check that the runner can reach ${ctx.endpoint} (proxy, firewall, VPC endpoint) and re-run.`;
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`${ctx.call} at ${ctx.endpoint} could not be completed${tries}: ${said}`, { hint });
}


/***/ }),

/***/ 90248:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy),
  prune: () => (/* binding */ prune),
  teardown: () => (/* binding */ pipeline_teardown)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(46058);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/report/model.ts + 2 modules
var model = __webpack_require__(11194);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(33243);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/retry.ts
// The one retry mechanism. Every caller that tries again (API requests, watches, release downloads,
// Alibaba Cloud OpenAPI calls, istioctl, the productpage and smoke checks) uses these pieces, so the
// rules are the same everywhere: exponential backoff with jitter (never a synchronised stampede of
// runners), a server's Retry-After honoured up to a cap, bounded by attempts and/or a time budget, and
// cancellable — a cancelled job stops waiting at once, so the action still writes its outputs and summary
// before the runner's hard kill. What counts as retryable stays with each caller: only it knows its errors.


/** The longest server-requested wait (Retry-After) honoured; a caller's deadline may cut it shorter. */
const RETRY_AFTER_CAP_MS = 30_000;
/**
 * Delay before attempt `attempt + 1`: exponential from `baseDelayMs`, capped at `maxDelayMs`, with jitter
 * in [d/2, d]; a server's Retry-After wins when it asks for longer (up to RETRY_AFTER_CAP_MS).
 */
function backoffDelay(attempt, policy, opts = {}) {
    const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.round(exp / 2 + ((opts.random ?? Math.random)() * exp) / 2);
    const asked = opts.retryAfterMs;
    return asked === undefined ? jittered : Math.max(jittered, Math.min(asked, RETRY_AFTER_CAP_MS));
}
/** A Retry-After header (seconds; an HTTP date is also allowed by RFC 9110) as milliseconds. */
function parseRetryAfter(value, now = Date.now()) {
    if (value === null || value === undefined || value.trim() === '')
        return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds))
        return seconds >= 0 ? seconds * 1000 : undefined;
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/** The error to surface when a caller's signal aborted: its own reason when it gave an Error. */
function abortReason(signal) {
    const reason = signal?.reason;
    if (reason instanceof Error && reason.name !== 'AbortError')
        return reason;
    return new errors/* ActionError */.lZ('cancelled: the operation was aborted before it finished');
}
/** Resolves after `ms`, or rejects with `abortReason(signal)` as soon as `signal` aborts. */
async function sleep(ms, signal) {
    if (signal?.aborted)
        throw abortReason(signal);
    try {
        await (0,external_node_timers_promises_.setTimeout)(ms, undefined, signal ? { signal } : undefined);
    }
    catch (err) {
        if (signal?.aborted)
            throw abortReason(signal);
        throw err;
    }
}
/**
 * Runs `fn` until it resolves, throws something not retryable, or the attempts or the time budget are
 * used up; then the last error is thrown as it was (or what `giveUp` makes of it). Cancellation throws
 * `abortReason(signal)`.
 */
async function retry(fn, opts) {
    const now = opts.now ?? Date.now;
    const { policy, signal } = opts;
    const deadline = policy.budgetMs === undefined ? Infinity : now() + policy.budgetMs;
    for (let attempt = 1;; attempt++) {
        if (signal?.aborted)
            throw abortReason(signal);
        try {
            return await fn(attempt);
        }
        catch (err) {
            if (signal?.aborted)
                throw abortReason(signal);
            const left = deadline - now();
            if (attempt >= policy.attempts || !opts.retryable(err) || left <= 0)
                throw opts.giveUp ? opts.giveUp(err, attempt) : err;
            const wait = Math.min(left, backoffDelay(attempt, policy, { retryAfterMs: opts.retryAfterMs?.(err), random: opts.random }));
            opts.onRetry?.(err, { attempt: attempt + 1, delayMs: wait, attempts: policy.attempts });
            await sleep(wait, signal);
        }
    }
}

;// CONCATENATED MODULE: ./src/auth/aliyun.ts
// The two Alibaba Cloud OpenAPI calls the action makes, behind plain functions. The SDKs are
// CommonJS packages loaded on demand (kubeconfig users never pay for them); everything about their
// module shape and error objects stays in this file.
/** An override given as a host or a URL (`http://127.0.0.1:8080`), else the fallback host. */
function resolveEndpoint(override, fallbackHost) {
    const value = override?.trim();
    if (!value)
        return { host: fallbackHost };
    if (/^https?:\/\//i.test(value)) {
        const url = new URL(value);
        return { host: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
    }
    return { host: value.replace(/\/+$/, '') };
}
/**
 * The endpoint for `product` in `regionId`: the user's override when given, else the host the SDK itself
 * picks for the region. Both SDKs carry a per-region endpoint map (several regions — cn-wuhan, cn-fujian,
 * cn-zhangbei, finance and gov regions, and for STS also ap-south-1 and ap-southeast-2 — use the central
 * `<product>.aliyuncs.com`) and fall back to `<product>.<region>.aliyuncs.com`. A client is built without
 * credentials only to read its choice; nothing is sent.
 */
async function chooseEndpoint(product, override, regionId) {
    if (override?.trim())
        return resolveEndpoint(override, '');
    const config = { regionId };
    const client = product === 'cs'
        ? new (exportsOf(await Promise.all(/* import() */[__webpack_require__.e(764), __webpack_require__.e(127)]).then(__webpack_require__.t.bind(__webpack_require__, 81127, 23))).default)(config)
        : new (exportsOf(await Promise.all(/* import() */[__webpack_require__.e(764), __webpack_require__.e(979)]).then(__webpack_require__.t.bind(__webpack_require__, 4979, 23))).default)(config);
    const host = client._endpoint;
    if (typeof host !== 'string' || host === '')
        throw new Error(`the ${product} SDK chose no endpoint for region ${regionId}`);
    return { host };
}
function describeEndpoint(e) {
    return `${e.protocol ?? 'https'}://${e.host}`;
}
// Node's ESM loader hands a CommonJS module over as `{ default: module.exports }`, and these SDKs put
// their client class on `module.exports.default`; a bundler that honours `__esModule` hands over
// `module.exports` itself. Accept both so tests (Node/jest) and the ncc bundle behave the same.
function exportsOf(mod) {
    const m = mod;
    const inner = m.default;
    if (inner && typeof inner === 'object' && typeof inner.default === 'function')
        return inner;
    return m;
}
const TIMEOUTS = { connectTimeout: 10_000, readTimeout: 30_000 };
/** ACK DescribeClusterUserKubeconfig (GET /k8s/<ClusterId>/user_config). */
async function describeClusterUserKubeconfig(creds, endpoint, regionId, clusterId, opts) {
    const sdk = exportsOf(await Promise.all(/* import() */[__webpack_require__.e(764), __webpack_require__.e(127)]).then(__webpack_require__.t.bind(__webpack_require__, 81127, 23)));
    const client = new sdk.default({
        accessKeyId: creds.accessKeyId,
        accessKeySecret: creds.accessKeySecret,
        ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
        endpoint: endpoint.host,
        ...(endpoint.protocol ? { protocol: endpoint.protocol } : {}),
        regionId,
        ...TIMEOUTS
    });
    const res = await client.describeClusterUserKubeconfig(clusterId, new sdk.DescribeClusterUserKubeconfigRequest({
        privateIpAddress: opts.privateIpAddress,
        temporaryDurationMinutes: opts.temporaryDurationMinutes
    }));
    const config = res.body?.config;
    if (typeof config !== 'string' || config === '') {
        throw new Error('the DescribeClusterUserKubeconfig response has no "config" field');
    }
    return { config, ...(res.body?.expiration ? { expiration: res.body.expiration } : {}) };
}
/** STS AssumeRoleWithOIDC. Anonymous: the OIDC token is the credential. */
async function assumeRoleWithOidc(endpoint, regionId, req) {
    const sdk = exportsOf(await Promise.all(/* import() */[__webpack_require__.e(764), __webpack_require__.e(979)]).then(__webpack_require__.t.bind(__webpack_require__, 4979, 23)));
    const client = new sdk.default({
        endpoint: endpoint.host,
        ...(endpoint.protocol ? { protocol: endpoint.protocol } : {}),
        regionId,
        ...TIMEOUTS
    });
    const res = await client.assumeRoleWithOIDC(new sdk.AssumeRoleWithOIDCRequest({
        roleArn: req.roleArn,
        OIDCProviderArn: req.oidcProviderArn,
        OIDCToken: req.oidcToken,
        roleSessionName: req.roleSessionName,
        durationSeconds: req.durationSeconds
    }));
    const c = res.body?.credentials;
    if (!c?.accessKeyId || !c.accessKeySecret || !c.securityToken) {
        throw new Error('the AssumeRoleWithOIDC response has no Credentials');
    }
    return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken,
        ...(c.expiration ? { expiration: c.expiration } : {})
    };
}
const RETRYABLE_NETWORK = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ESOCKETTIMEDOUT',
    'ECONNABORTED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT'
]);
// Network error messages from the SDK quote the request URL; for STS its query string carries the
// OIDC token, so every query string is dropped before a message is shown.
// The SDK also glues "GET https://... failed." straight onto the system error text; separate them.
function stripQueries(s) {
    return s
        .replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1')
        .replace(/(?<=\S)(?=(?:GET|POST|PUT|DELETE) https?:\/\/)/g, ' — ');
}
function classifySdkError(err) {
    const e = (typeof err === 'object' && err !== null ? err : {});
    const data = (typeof e.data === 'object' && e.data !== null ? e.data : {});
    const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (status !== undefined && code !== undefined) {
        const apiMessage = data.Message ?? data.message;
        const requestId = typeof e.requestId === 'string' && e.requestId !== 'undefined' ? e.requestId : undefined;
        return {
            kind: 'api',
            code,
            status,
            ...(requestId ? { requestId } : {}),
            message: stripQueries(typeof apiMessage === 'string' ? apiMessage : String(e.message ?? code)),
            retryable: status >= 500 || status === 429 || code.includes('Throttling') || code === 'ServiceUnavailable'
        };
    }
    if (err instanceof SyntaxError) {
        // The SDK parses every error body as JSON; an HTML page means a proxy or gateway answered.
        return {
            kind: 'malformed',
            message: 'the endpoint answered with something that is not OpenAPI JSON (an HTML error page from a proxy or gateway?)',
            retryable: true
        };
    }
    const message = stripQueries(err instanceof Error ? err.message : String(err));
    if (code !== undefined && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) {
        return { kind: 'network', code, message, retryable: RETRYABLE_NETWORK.has(code) };
    }
    return { kind: 'network', ...(code ? { code } : {}), message, retryable: false };
}

// EXTERNAL MODULE: ./src/auth/errors.ts
var auth_errors = __webpack_require__(25439);
// EXTERNAL MODULE: ./src/auth/kubeconfig.ts
var kubeconfig = __webpack_require__(73247);
;// CONCATENATED MODULE: ./src/auth/state.ts
// Names shared by the main step (which writes the kubeconfig) and the post step (which removes it).
// Kept in their own module so the post bundle does not pull in the SDKs.
/** core.saveState key holding the kubeconfig path for the post step. */
const STATE_KUBECONFIG_PATH = 'kubeconfig-path';
/** Every kubeconfig this action writes is named `<prefix><random>.yaml` in RUNNER_TEMP. */
const KUBECONFIG_FILE_PREFIX = 'ask-istio-kubeconfig-';

;// CONCATENATED MODULE: ./src/auth/index.ts
// Authentication: turns the auth part of Config into a kubeconfig file on the runner that every later
// step (the kube layer, istioctl, the user's own steps via KUBECONFIG) uses. Three sources:
//   kubeconfig  — given by the user;
//   access-key  — ACK DescribeClusterUserKubeconfig with an AccessKey (optionally STS);
//   oidc        — GitHub ID token → STS AssumeRoleWithOIDC → temporary AccessKey → the same ACK call.
// Every credential seen on the way is registered with core.setSecret before anything can print it.














// STS credentials only live long enough for one ACK call; 900 s is the shortest STS allows.
const STS_DURATION_SECONDS = 900;
const DEFAULT_RETRY = { attempts: 4, baseDelayMs: 1000 };
// Backoff doubles per attempt up to this (4 attempts with 1 s base stay below it).
const MAX_RETRY_DELAY_MS = 10_000;
function mask(values) {
    const out = [];
    for (const v of values) {
        if (v && v.trim() !== '') {
            core/* setSecret */.Pq(v);
            out.push(v);
        }
    }
    return out;
}
/** Runs an OpenAPI call, retrying only what can succeed on a second try (network, 5xx, throttling). */
async function withRetry(fn, ctx, deps) {
    const { attempts, baseDelayMs } = deps.retry ?? DEFAULT_RETRY;
    const log = deps.log ?? core/* info */.pq;
    return retry(fn, {
        policy: { attempts, baseDelayMs, maxDelayMs: MAX_RETRY_DELAY_MS },
        retryable: (err) => classifySdkError(err).retryable,
        signal: deps.signal,
        giveUp: (err, tried) => (0,auth_errors/* authError */.P_)(classifySdkError(err), { ...ctx, endpoint: describeEndpoint(ctx.endpoint), attempts: tried }),
        onRetry: (err, next) => {
            const info = classifySdkError(err);
            log(`${ctx.call} failed (${info.code ?? info.kind}); retrying in ${next.delayMs} ms (attempt ${next.attempt} of ${next.attempts}).`);
        }
    });
}
function sessionName(runId) {
    // RoleSessionName allows [A-Za-z0-9.@_-], 2–64 characters; it shows up in ActionTrail as the actor.
    const id = (runId ?? 'local').replace(/[^\w.@-]/g, '-');
    return `ask-istio-action-${id}`.slice(0, 64);
}
async function fetchFromAck(auth, creds, secrets, deps) {
    const endpoint = await chooseEndpoint('cs', auth.ackEndpoint, auth.regionId);
    (deps.log ?? core/* info */.pq)(`Requesting a ${auth.kubeconfigTtlMinutes}-minute kubeconfig for cluster ${auth.clusterId} from ${describeEndpoint(endpoint)}` +
        ` (${auth.privateEndpoint ? 'VPC-internal' : 'public'} API server address).`);
    return withRetry(() => describeClusterUserKubeconfig(creds, endpoint, auth.regionId, auth.clusterId, {
        privateIpAddress: auth.privateEndpoint,
        temporaryDurationMinutes: auth.kubeconfigTtlMinutes
    }), {
        call: 'ACK DescribeClusterUserKubeconfig',
        endpoint,
        regionId: auth.regionId,
        clusterId: auth.clusterId,
        secrets
    }, deps);
}
async function oidcCredentials(auth, deps) {
    const getIDToken = deps.getIDToken ?? ((aud) => core/* getIDToken */.V9(aud));
    let token;
    try {
        token = await getIDToken(auth.oidcAudience);
    }
    catch (err) {
        throw new errors/* ActionError */.lZ(`Could not get a GitHub OIDC token for audience "${auth.oidcAudience}": ${err instanceof Error ? err.message : String(err)}`, {
            hint: 'give the job `permissions: id-token: write` (and keep contents: read). Workflows triggered from forks get no OIDC token.'
        });
    }
    const secrets = mask([token]);
    const endpoint = await chooseEndpoint('sts', auth.stsEndpoint, auth.regionId);
    (deps.log ?? core/* info */.pq)(`Exchanging the GitHub OIDC token for temporary credentials of RAM role ${auth.roleArn} (STS AssumeRoleWithOIDC at ${describeEndpoint(endpoint)}).`);
    const temp = await withRetry(() => assumeRoleWithOidc(endpoint, auth.regionId, {
        roleArn: auth.roleArn,
        oidcProviderArn: auth.oidcProviderArn,
        oidcToken: token,
        roleSessionName: sessionName(deps.runId ?? process.env.GITHUB_RUN_ID),
        durationSeconds: STS_DURATION_SECONDS
    }), { call: 'STS AssumeRoleWithOIDC', endpoint, regionId: auth.regionId, secrets }, deps);
    secrets.push(...mask([temp.accessKeySecret, temp.securityToken, temp.accessKeyId]));
    return { creds: temp, secrets };
}
/** Decodes a kubeconfig that came from ACK; a broken one is ACK's fault, not an input problem. */
function decodeFromAck(config, clusterId) {
    try {
        return (0,kubeconfig/* decodeKubeconfig */.SG)(config);
    }
    catch (err) {
        if (err instanceof kubeconfig/* KubeconfigProblem */.Ve) {
            throw new errors/* ActionError */.lZ(`The kubeconfig ACK returned for cluster ${clusterId} is unusable: ${err.message}`, {
                hint: 'check the cluster state in the ACK console; a cluster that is still being created has no API server yet.'
            });
        }
        throw err;
    }
}
/** The kubeconfig text with current-context set to `context`, so istioctl and later steps use it too. */
function withCurrentContext(decoded, context) {
    if (decoded.currentContext === context)
        return decoded.text;
    const doc = (0,js_yaml/* load */.Hh)(decoded.text);
    doc['current-context'] = context;
    return (0,js_yaml/* dump */.Bh)(doc, { lineWidth: -1 });
}
async function writeKubeconfig(text, runnerTemp) {
    // Outside a runner (CLI, local runs) RUNNER_TEMP is unset; never fall back to the working directory.
    const path = (0,external_node_path_.join)(runnerTemp || (0,external_node_os_.tmpdir)(), `${KUBECONFIG_FILE_PREFIX}${(0,external_node_crypto_.randomBytes)(8).toString('hex')}.yaml`);
    // 'wx': never follow or reuse an existing file; mode applies at creation, chmod undoes a loose umask.
    await (0,promises_.writeFile)(path, text, { mode: 0o600, flag: 'wx' });
    await (0,promises_.chmod)(path, 0o600);
    return path;
}
async function authenticate(auth, deps) {
    let decoded;
    let context;
    let expiresAt;
    if (auth.kind === 'kubeconfig') {
        // Decoded and its context chosen by the parser, which reported any problem with it as an input problem.
        decoded = auth.kubeconfig;
        mask(decoded.secrets);
        context = auth.context;
    }
    else {
        let creds;
        let secrets;
        if (auth.kind === 'access-key') {
            creds = auth;
            secrets = mask([auth.accessKeySecret, auth.securityToken]);
        }
        else {
            ({ creds, secrets } = await oidcCredentials(auth, deps));
        }
        const result = await fetchFromAck(auth, creds, secrets, deps);
        decoded = decodeFromAck(result.config, auth.clusterId);
        mask(decoded.secrets);
        context = (0,kubeconfig/* selectContext */.Ku)(decoded);
        expiresAt = result.expiration;
    }
    const server = decoded.servers[context] ?? '';
    const kubeconfigPath = await writeKubeconfig(withCurrentContext(decoded, context), deps.runnerTemp);
    core/* saveState */.LZ(STATE_KUBECONFIG_PATH, kubeconfigPath);
    core/* exportVariable */.dN('KUBECONFIG', kubeconfigPath);
    (deps.log ?? core/* info */.pq)(`Kubeconfig for ${server} (context ${context}) written to ${kubeconfigPath}` +
        (expiresAt ? `; valid until ${expiresAt}.` : '.'));
    return { kubeconfigPath, context, source: auth.kind, server, ...(expiresAt ? { expiresAt } : {}) };
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
// EXTERNAL MODULE: ./node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(59805);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(46466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./src/istioctl/archive.ts
// Checks a downloaded archive's entry names BEFORE anything is unpacked: an entry with an absolute path or
// a `..` segment (or a link pointing out of the archive) could write outside the extraction directory.
// `tar` would silently rewrite such names, so a tampered mirror would go unnoticed; we refuse instead.
// The archive is read as a stream and only its headers are kept: the full Istio release unpacks to a few
// hundred MB, and holding it in memory made the action's first run peak at about 460 MB of RSS.





const BLOCK = 512;
/** Long-name and pax records name entries; a bigger one is not what `tar` writes for a release. */
const MAX_NAME_RECORD = 1 << 20;
function cString(buf, start, length) {
    const slice = buf.subarray(start, start + length);
    const nul = slice.indexOf(0);
    return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}
/**
 * Reads the entries of an (uncompressed) ustar/GNU/pax tar stream chunk by chunk, however the chunks are
 * cut. It keeps a header block and the small records that name entries (GNU long names, pax), and skips
 * file contents without holding them.
 */
class TarEntryReader {
    entries = [];
    /** True once the end-of-archive block was read; later bytes are ignored. */
    ended = false;
    pending = [];
    pendingBytes = 0;
    /** Content bytes (with padding) still to skip. */
    skip = 0;
    /** The name record whose data is being collected. */
    record;
    longName;
    longLink;
    push(chunk) {
        let rest = chunk;
        while (rest.length > 0 && !this.ended) {
            if (this.skip > 0) {
                const n = Math.min(this.skip, rest.length);
                this.skip -= n;
                rest = rest.subarray(n);
                continue;
            }
            const need = this.record ? this.record.padded : BLOCK;
            const take = Math.min(need - this.pendingBytes, rest.length);
            this.pending.push(rest.subarray(0, take));
            this.pendingBytes += take;
            rest = rest.subarray(take);
            if (this.pendingBytes < need)
                return;
            const block = Buffer.concat(this.pending, this.pendingBytes);
            this.pending = [];
            this.pendingBytes = 0;
            const record = this.record;
            this.record = undefined;
            if (record)
                this.nameRecord(record.type, block.subarray(0, record.size));
            else
                this.header(block);
        }
    }
    header(header) {
        if (header.every((b) => b === 0)) {
            this.ended = true;
            return;
        }
        const sizeField = cString(header, 124, 12).trim();
        const size = sizeField === '' ? 0 : parseInt(sizeField, 8);
        // GNU base-256 sizes (first byte 0x80) are for entries over 8 GiB; no Istio archive has one.
        if (!Number.isSafeInteger(size) || size < 0 || !/^[0-7]*$/.test(sizeField))
            throw new Error(`an entry header has an unreadable size "${sizeField}" (not a tar archive, or damaged)`);
        const type = String.fromCharCode(header[156] ?? 0x30);
        const padded = Math.ceil(size / BLOCK) * BLOCK;
        if (type === 'L' || type === 'K' || type === 'x') {
            if (size > MAX_NAME_RECORD)
                throw new Error(`a name record of ${size} bytes is too large`);
            if (padded === 0)
                this.nameRecord(type, Buffer.alloc(0));
            else
                this.record = { type, size, padded };
            return;
        }
        if (type !== 'g') {
            const prefix = cString(header, 345, 155);
            const name = this.longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
            const link = this.longLink ?? cString(header, 157, 100);
            this.entries.push(type === '1' || type === '2' ? { name, link } : { name });
            this.longName = undefined;
            this.longLink = undefined;
        }
        this.skip = padded;
    }
    nameRecord(type, data) {
        if (type === 'L')
            this.longName = cString(data, 0, data.length);
        else if (type === 'K')
            this.longLink = cString(data, 0, data.length);
        else {
            // pax records: "<len> key=value\n"
            for (const rec of data.toString('utf8').split('\n')) {
                const m = /^\d+ (path|linkpath)=(.*)$/.exec(rec);
                if (m?.[1] === 'path')
                    this.longName = m[2];
                if (m?.[1] === 'linkpath')
                    this.longLink = m[2];
            }
        }
    }
}
/** Entries of a tar archive file, gzip-compressed or not, read as a stream. */
async function tarFileEntries(file) {
    const magic = Buffer.alloc(2);
    const handle = await (0,promises_.open)(file, 'r');
    try {
        await handle.read(magic, 0, 2, 0);
    }
    finally {
        await handle.close();
    }
    const reader = new TarEntryReader();
    const collect = async (source) => {
        // Read to the end even after the end-of-archive block: gzip checks its length and CRC there.
        for await (const chunk of source)
            reader.push(chunk);
    };
    if (magic[0] === 0x1f && magic[1] === 0x8b)
        await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(file), (0,external_node_zlib_.createGunzip)(), collect);
    else
        await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(file), collect);
    if (!reader.ended)
        throw new Error('the archive ends before its end-of-archive block (truncated)');
    return reader.entries;
}
/** Entry names of a zip archive, from its central directory. */
function zipEntries(archive) {
    const eocd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0)
        throw new errors/* ActionError */.lZ('the zip archive has no central directory (truncated or not a zip)');
    const count = archive.readUInt16LE(eocd + 10);
    const entries = [];
    for (let off = archive.readUInt32LE(eocd + 16), i = 0; i < count; i++) {
        if (archive.readUInt32LE(off) !== 0x02014b50)
            throw new errors/* ActionError */.lZ('the zip archive has a damaged central directory');
        const nameLen = archive.readUInt16LE(off + 28);
        const extraLen = archive.readUInt16LE(off + 30);
        const commentLen = archive.readUInt16LE(off + 32);
        entries.push({ name: archive.subarray(off + 46, off + 46 + nameLen).toString('utf8') });
        off += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
}
/** Why an entry name is unsafe, or undefined when it stays inside the extraction directory. */
function unsafeEntry(entry) {
    const bad = (p) => {
        const s = p.replace(/\\/g, '/');
        return s.startsWith('/') || /^[A-Za-z]:/.test(s) || s.split('/').includes('..');
    };
    if (bad(entry.name))
        return `entry "${entry.name}" has an absolute path or a ".." segment`;
    if (entry.link !== undefined && bad(entry.link))
        return `entry "${entry.name}" links to "${entry.link}", outside the archive`;
    return undefined;
}
/**
 * Throws an ActionError naming every unsafe entry of the archive file. A zip is read whole: its names are
 * in the central directory at its end, and the compressed file (Windows' istioctl, about 30 MB) is small.
 */
async function assertSafeArchive(fileName, file, format) {
    let entries;
    try {
        entries = format === 'zip' ? zipEntries(await (0,promises_.readFile)(file)) : await tarFileEntries(file);
    }
    catch (err) {
        throw new errors/* ActionError */.lZ(`Could not read the entries of ${fileName}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const problems = entries.map(unsafeEntry).filter((p) => p !== undefined);
    if (problems.length > 0) {
        throw new errors/* ActionError */.lZ(`Refusing to unpack ${fileName}: it would write outside its directory.`, {
            details: problems.slice(0, 10),
            hint: 'The archive is not an unmodified Istio release. Check istio-download-url (a mirror must serve the release files unchanged).'
        });
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/istioctl/download.ts
// HTTP for release assets and release lists: global fetch, retries with exponential backoff and
// jitter for transient failures only, downloads streamed to disk and hashed on the way.







const download_DEFAULT_RETRY = {
    attempts: 4,
    baseDelayMs: 1000,
    maxDelayMs: 20_000,
    idleTimeoutMs: 60_000
};
/** A response whose status says the request failed. */
class HttpStatusError extends Error {
    status;
    url;
    body;
    headers;
    retryAfterMs;
    constructor(url, status, statusText, body, headers) {
        super(`HTTP ${status}${statusText ? ` ${statusText}` : ''} from ${url}`);
        this.name = 'HttpStatusError';
        this.status = status;
        this.url = url;
        this.body = body;
        this.headers = headers;
        this.retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    }
}
/** No byte arrived for `idleTimeoutMs`. */
class IdleTimeoutError extends Error {
    constructor(url, ms) {
        super(`no data from ${url} for ${Math.round(ms / 1000)}s`);
        this.name = 'IdleTimeoutError';
    }
}
/** The body ended before Content-Length bytes arrived (a connection cut mid-transfer). */
class TruncatedError extends Error {
    constructor(url, got, expected) {
        super(`download of ${url} ended after ${got} of ${expected} bytes`);
        this.name = 'TruncatedError';
    }
}
const LOCAL_FS_ERRORS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EISDIR', 'ENOTDIR', 'EMFILE']);
/**
 * An Error from any realm: fetch's errors come from Node's own realm, which is not the caller's under
 * a VM sandbox such as jest's, so `instanceof Error` is not enough.
 */
function isErrorLike(err) {
    return (err instanceof Error ||
        (typeof err === 'object' &&
            err !== null &&
            typeof err.message === 'string' &&
            typeof err.name === 'string'));
}
/** Transient: server errors, throttling, timeouts, resets and cut transfers. Not: 4xx, our own errors, cancellation. */
function isRetryable(err) {
    if (err instanceof HttpStatusError)
        return err.status >= 500 || err.status === 408 || err.status === 429;
    if (err instanceof errors/* ActionError */.lZ)
        return false;
    if (isErrorLike(err) && err.name === 'AbortError')
        return false;
    // Local disk problems (full, read-only, no permission) do not go away by downloading again.
    const code = err?.code;
    if (typeof code === 'string' && LOCAL_FS_ERRORS.has(code))
        return false;
    return isErrorLike(err);
}
function retryPolicy(overrides) {
    return { ...download_DEFAULT_RETRY, ...overrides };
}
/** Runs `fn` until it succeeds, a non-transient error occurs, or the attempts are used up (last error rethrown). */
async function download_withRetry(what, fn, opts) {
    const policy = retryPolicy(opts.retry);
    try {
        return await retry(fn, {
            policy,
            retryable: isRetryable,
            retryAfterMs: (err) => (err instanceof HttpStatusError ? err.retryAfterMs : undefined),
            signal: opts.signal,
            giveUp: (err, attempts) => {
                if (isErrorLike(err) && attempts > 1)
                    err.message += ` (after ${attempts} attempts)`;
                return err;
            },
            onRetry: (err, next) => opts.log.warning(`${what}: ${describeNetworkError(err)}; retrying in ${(next.delayMs / 1000).toFixed(1)}s (attempt ${next.attempt} of ${next.attempts})`)
        });
    }
    catch (err) {
        if (opts.signal?.aborted)
            throw cancelled(what, opts.signal);
        throw err;
    }
}
function cancelled(what, signal) {
    return new errors/* ActionError */.lZ(`${what} was cancelled.`, { cause: signal.reason });
}
/** One line for a fetch failure, including undici's underlying cause (ECONNRESET etc.). */
function describeNetworkError(err) {
    if (!isErrorLike(err))
        return String(err);
    const cause = isErrorLike(err.cause) ? err.cause : undefined;
    const code = cause?.code;
    return cause ? `${err.message}: ${code ? `${code} ` : ''}${cause.message}` : err.message;
}
/** Aborts `controller` when `reset()` is not called for `ms`; the abort reason is an IdleTimeoutError. */
function idleTimer(controller, url, ms) {
    let timer;
    const reset = () => {
        if (timer)
            clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new IdleTimeoutError(url, ms)), ms);
    };
    reset();
    return { reset, stop: () => timer && clearTimeout(timer) };
}
async function openResponse(url, opts, controller) {
    const doFetch = opts.fetch ?? fetch;
    const res = await doFetch(url, {
        redirect: 'follow',
        signal: controller.signal,
        // identity: a server that gzips a .tar.gz on the fly would otherwise hand fetch a body whose
        // decompressed bytes no longer match the published digest.
        headers: { 'user-agent': 'ask-istio-action', 'accept-encoding': 'identity', ...opts.headers }
    });
    if (!res.ok) {
        const body = await res.text().catch(() => '');
        throw new HttpStatusError(url, res.status, res.statusText, body.slice(0, 2000), res.headers);
    }
    return res;
}
/** Rethrows an abort as the reason behind it (idle timeout, or the caller's cancellation). */
function unwrapAbort(err, controller) {
    return controller.signal.aborted && isErrorLike(controller.signal.reason) ? controller.signal.reason : err;
}
function linkedController(signal) {
    const controller = new AbortController();
    if (signal) {
        if (signal.aborted)
            controller.abort(signal.reason);
        else
            signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    }
    return controller;
}
/** Streams `url` into `dest` (replaced on every attempt) and returns its size and sha256. */
async function downloadToFile(url, dest, opts) {
    const policy = retryPolicy(opts.retry);
    let attempts = 0;
    return download_withRetry(`Downloading ${url}`, async (attempt) => {
        attempts = attempt;
        const controller = linkedController(opts.signal);
        const idle = idleTimer(controller, url, policy.idleTimeoutMs);
        try {
            const res = await openResponse(url, opts, controller);
            idle.reset();
            const expected = res.headers.get('content-encoding')
                ? NaN
                : Number(res.headers.get('content-length') ?? NaN);
            const hash = (0,external_node_crypto_.createHash)('sha256');
            let bytes = 0;
            const meter = new external_node_stream_.Transform({
                transform(chunk, _enc, done) {
                    idle.reset();
                    hash.update(chunk);
                    bytes += chunk.length;
                    done(null, chunk);
                }
            });
            if (!res.body)
                throw new TruncatedError(url, 0, expected);
            await (0,external_node_stream_promises_.pipeline)(external_node_stream_.Readable.fromWeb(res.body), meter, (0,external_node_fs_.createWriteStream)(dest));
            if (Number.isFinite(expected) && bytes !== expected)
                throw new TruncatedError(url, bytes, expected);
            return { bytes, sha256: hash.digest('hex'), attempts };
        }
        catch (err) {
            await (0,promises_.rm)(dest, { force: true });
            throw unwrapAbort(err, controller);
        }
        finally {
            idle.stop();
        }
    }, opts);
}
/** GETs a small text resource (a .sha256 file, a release list page) with the same retry rules. */
async function fetchText(url, opts) {
    const policy = retryPolicy(opts.retry);
    return download_withRetry(`Fetching ${url}`, async () => {
        const controller = linkedController(opts.signal);
        const idle = idleTimer(controller, url, policy.idleTimeoutMs);
        try {
            const res = await openResponse(url, opts, controller);
            return { text: await res.text(), headers: res.headers };
        }
        catch (err) {
            throw unwrapAbort(err, controller);
        }
        finally {
            idle.stop();
        }
    }, opts);
}

;// CONCATENATED MODULE: ./src/istioctl/log.ts
// The few log calls the istioctl module makes. Defaults to the runner's log; tests pass a recorder.

const coreLogger = {
    info: (m) => core/* info */.pq(m),
    warning: (m) => core/* warning */.$e(m),
    debug: (m) => core/* debug */.Yz(m)
};

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(62088);
// EXTERNAL MODULE: ./src/inputs/spec.ts
var spec = __webpack_require__(27026);
;// CONCATENATED MODULE: ./src/istioctl/platform.ts
// Pure naming rules for Istio release assets (release-builder's archive names) and their .sha256
// siblings. No network, no filesystem.


/** Istio's default release location; the GitHub API is used to list versions only for this one. */

function versionParts(version) {
    const v = (0,semver.parse)(version.replace(/^v/, ''));
    if (!v)
        throw new errors/* ActionError */.lZ(`"${version}" is not an Istio version (expected e.g. 1.30.3).`);
    return { major: v.major, minor: v.minor };
}
function atLeast(version, major, minor) {
    const v = versionParts(version);
    return v.major > major || (v.major === major && v.minor >= minor);
}
/**
 * Which asset fits a runner. `os`/`arch` are Node's names (`process.platform`, `process.arch`).
 * The names follow Istio's own download scripts: plain `osx` and `win` (the `-amd64` aliases only
 * exist from 1.19), `osx-arm64` from 1.10, per-arch Linux names from 1.6.
 */
function platformKey(os, arch, version) {
    const unsupported = (why, hint) => new errors/* ActionError */.lZ(`Istio ${version} publishes no istioctl build for ${os}/${arch}: ${why}.`, { hint });
    if (os === 'linux') {
        if (!atLeast(version, 1, 6)) {
            if (arch === 'x64')
                return 'linux';
            throw unsupported('releases before 1.6 were built for amd64 only', 'Use istio-version 1.6 or later, or an x64 runner.');
        }
        if (arch === 'x64')
            return 'linux-amd64';
        if (arch === 'arm64')
            return 'linux-arm64';
        if (arch === 'arm')
            return 'linux-armv7';
        throw unsupported('Istio builds Linux binaries for amd64, arm64 and armv7 only', 'Use an x64 or arm64 runner.');
    }
    if (os === 'darwin') {
        if (arch === 'x64')
            return 'osx';
        if (arch === 'arm64') {
            if (atLeast(version, 1, 10))
                return 'osx-arm64';
            throw unsupported('Apple silicon builds start with Istio 1.10', 'Use istio-version 1.10 or later, or an x64 macOS runner.');
        }
        throw unsupported('Istio builds macOS binaries for x64 and arm64 only', 'Use an x64 or arm64 macOS runner.');
    }
    if (os === 'win32') {
        if (arch === 'x64')
            return 'win';
        throw unsupported('Istio builds Windows binaries for x64 only', 'Use an x64 Windows runner, or a Linux runner.');
    }
    throw unsupported('Istio builds istioctl for Linux, macOS and Windows only', 'Use a Linux runner.');
}
/** URLs of both archives of one release for one platform, and of their `.sha256` files. */
function assetUrls(downloadUrl, version, platform) {
    const base = downloadUrl.replace(/\/+$/, '');
    const v = version.replace(/^v/, '');
    const format = platform === 'win' ? 'zip' : 'tar.gz';
    const asset = (prefix) => {
        const fileName = `${prefix}-${v}-${platform}.${format}`;
        const url = `${base}/${encodeURIComponent(v)}/${fileName}`;
        return { fileName, url, sha256Url: `${url}.sha256`, format };
    };
    return { istioctl: asset('istioctl'), full: asset('istio') };
}
/** The binary's file name inside the archives. */
function binaryName(platform) {
    return platform === 'win' ? 'istioctl.exe' : 'istioctl';
}
/**
 * The digest from a `.sha256` file. Istio writes `<64 hex> <basename>\n`; the `sha256sum` forms
 * (two spaces, or ` *` for binary mode) and a bare digest are accepted too. A file that names another
 * file is rejected: it would verify the wrong thing.
 */
function parseSha256File(text, expectedName) {
    const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
    const problems = [];
    for (const line of lines) {
        const m = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line);
        if (!m?.[1]) {
            problems.push(`not a "<sha256> <file>" line: ${JSON.stringify(line.slice(0, 100))}`);
            continue;
        }
        const name = m[2]?.trim();
        if (name === undefined || name.split('/').pop() === expectedName)
            return m[1].toLowerCase();
        problems.push(`digest for another file: ${name}`);
    }
    throw new errors/* ActionError */.lZ(`The checksum file for ${expectedName} has no digest for it.`, {
        details: lines.length ? problems : ['The checksum file is empty.'],
        hint: 'If istio-download-url points at a mirror, copy the .sha256 files from the Istio release unchanged.'
    });
}

;// CONCATENATED MODULE: ./src/istioctl/releases.ts
// Listing Istio releases, needed only to resolve `latest` / `1.x` and to suggest versions after a 404.
// GitHub's releases API (every page) for the default location; `<download-url>/releases.json` for a
// mirror. Never `releases/latest` (it follows publication date), never a silent fallback.
// istio/istio lives on github.com, so its releases are listed at api.github.com even when the job runs
// on GitHub Enterprise Server or GHE.com (whose GITHUB_API_URL is the enterprise host, where istio/istio
// does not exist); the job's token goes along only when api.github.com is also the job's own API.




/** More pages than Istio has ever had at 100 a page; stops a server that links pages in a loop. */
const MAX_PAGES = 50;
const memo = new Map();
/** Forgets remembered release lists (tests; a long-running CLI). */
function clearReleaseCache() {
    memo.clear();
}
function isDefaultDownloadUrl(downloadUrl) {
    return downloadUrl.replace(/\/+$/, '') === spec/* DEFAULT_DOWNLOAD_URL */.h2;
}
const PUBLIC_GITHUB_API = 'https://api.github.com';
/** Where the list comes from for a download location (never the job's GITHUB_API_URL: see above). */
function releaseListUrl(opts) {
    if (!isDefaultDownloadUrl(opts.downloadUrl))
        return `${opts.downloadUrl.replace(/\/+$/, '')}/releases.json`;
    const api = (opts.apiUrl ?? PUBLIC_GITHUB_API).replace(/\/+$/, '');
    return `${api}/repos/istio/istio/releases?per_page=100&page=1`;
}
/**
 * Whether the job's token may go with a request to `url`: only to the job's own API host (its
 * GITHUB_API_URL, github.com when unset). An enterprise token means nothing to api.github.com, and
 * sending it there would hand an enterprise credential to another service.
 */
function sendsTokenTo(url, jobApiUrl = process.env['GITHUB_API_URL'] || PUBLIC_GITHUB_API) {
    try {
        return new URL(url).origin === new URL(jobApiUrl).origin;
    }
    catch {
        return false;
    }
}
/** Every release, remembered per source for the life of the process (one job resolves once). */
function listReleases(opts) {
    const first = releaseListUrl(opts);
    const withToken = opts.githubToken !== undefined && opts.githubToken !== '' && sendsTokenTo(first, opts.jobApiUrl);
    const key = `${first}\n${withToken ? 'token' : 'anonymous'}`;
    let pending = memo.get(key);
    if (!pending) {
        pending = (isDefaultDownloadUrl(opts.downloadUrl)
            ? listFromGitHub(first, {
                ...opts,
                githubToken: withToken ? opts.githubToken : undefined,
                tokenWithheld: !withToken && !!opts.githubToken
            })
            : listFromMirror(first, opts)).catch((err) => {
            memo.delete(key);
            throw err;
        });
        memo.set(key, pending);
    }
    return pending;
}
async function listFromGitHub(firstUrl, opts) {
    const log = opts.log ?? coreLogger;
    const headers = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28'
    };
    if (opts.githubToken)
        headers['authorization'] = `Bearer ${opts.githubToken}`;
    const releases = [];
    let url = firstUrl;
    for (let page = 1; url; page++) {
        if (page > MAX_PAGES) {
            throw new errors/* ActionError */.lZ(`The GitHub releases API linked more than ${MAX_PAGES} pages of Istio releases.`, {
                details: [`Last page URL: ${url}`],
                hint: 'Set istio-version to an exact version such as 1.30.3; it needs no release list.'
            });
        }
        const { text, headers: resHeaders } = await get(url, opts, headers, log);
        releases.push(...parseReleaseList(text, url));
        url = nextPageUrl(resHeaders.get('link'), url);
    }
    log.debug(`Listed ${releases.length} Istio releases from the GitHub API`);
    return releases;
}
async function listFromMirror(url, opts) {
    const log = opts.log ?? coreLogger;
    const { text } = await get(url, opts, { accept: 'application/json' }, log);
    const releases = parseReleaseList(text, url);
    log.debug(`Listed ${releases.length} Istio releases from ${url}`);
    return releases;
}
async function get(url, opts, headers, log) {
    try {
        return await fetchText(url, { fetch: opts.fetch, retry: opts.retry, signal: opts.signal, headers, log });
    }
    catch (err) {
        throw listError(url, err, opts);
    }
}
function listError(url, err, opts) {
    if (err instanceof errors/* ActionError */.lZ)
        return err;
    const exact = 'Or set istio-version to an exact version such as 1.30.3; an exact version needs no release list.';
    if (!(err instanceof HttpStatusError)) {
        return new errors/* ActionError */.lZ(`Could not list Istio releases from ${url}: ${describeNetworkError(err)}`, {
            hint: exact,
            cause: err
        });
    }
    const apiMessage = messageFromBody(err.body);
    const details = apiMessage ? [`The server said: ${apiMessage}`] : [];
    if (!isDefaultDownloadUrl(opts.downloadUrl)) {
        const hint = err.status === 404
            ? `Publish the list at ${url} (a JSON array of {"tag_name", "prerelease", "draft"}, like GitHub's releases API). ${exact}`
            : exact;
        return new errors/* ActionError */.lZ(`Could not list Istio releases from the mirror: HTTP ${err.status} from ${url}.`, {
            details,
            hint,
            cause: err
        });
    }
    const limited = err.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(err.body);
    if ((err.status === 403 || err.status === 429) && limited) {
        const reset = Number(err.headers.get('x-ratelimit-reset'));
        if (Number.isFinite(reset) && reset > 0)
            details.push(`The limit resets at ${new Date(reset * 1000).toISOString()}.`);
        return new errors/* ActionError */.lZ('The GitHub API rate limit was hit while listing Istio releases.', {
            details,
            hint: opts.githubToken
                ? `The token's limit is used up too; wait for the reset. ${exact}`
                : opts.tokenWithheld
                    ? `This job runs on GitHub Enterprise: its token is not sent to api.github.com, which allows 60 anonymous requests an hour. Use istio-download-url with a mirror that serves releases.json, or wait for the reset. ${exact}`
                    : `Pass github-token (the workflow's GITHUB_TOKEN is enough) for a higher limit. ${exact}`,
            cause: err
        });
    }
    if (err.status === 401) {
        return new errors/* ActionError */.lZ('GitHub rejected github-token while listing Istio releases (HTTP 401).', {
            details,
            hint: 'Check that github-token is a valid, unexpired token.',
            cause: err
        });
    }
    return new errors/* ActionError */.lZ(`Could not list Istio releases: HTTP ${err.status} from ${url}.`, {
        details,
        hint: exact,
        cause: err
    });
}
function messageFromBody(body) {
    try {
        const m = JSON.parse(body).message;
        if (typeof m === 'string')
            return m;
    }
    catch {
        // not JSON: show the start of the text instead
    }
    const text = body.trim().slice(0, 200);
    return text || undefined;
}
/** The rel="next" target of a Link header, resolved against the current page. */
function nextPageUrl(link, current) {
    if (!link)
        return undefined;
    for (const part of link.split(',')) {
        const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
        const rel = /\brel="?([^";]+)"?/.exec(m?.[2] ?? '')?.[1];
        if (m?.[1] && rel?.split(/\s+/).includes('next'))
            return new URL(m[1], current).href;
    }
    return undefined;
}
/**
 * A release list as GitHub's API shapes it (`[{tag_name, prerelease, draft}, ...]`); a mirror may
 * also serve plain tag strings. Tags lose a leading `v`.
 */
function parseReleaseList(text, source) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (err) {
        throw new errors/* ActionError */.lZ(`The Istio release list at ${source} is not JSON: ${err.message}`);
    }
    if (!Array.isArray(json)) {
        throw new errors/* ActionError */.lZ(`The Istio release list at ${source} is not a JSON array.`, {
            details: [`It starts with: ${text.trim().slice(0, 120)}`]
        });
    }
    return json.map((entry, i) => {
        if (typeof entry === 'string')
            return { version: entry.replace(/^v/, ''), prerelease: false, draft: false };
        const e = entry;
        if (typeof e?.tag_name !== 'string') {
            throw new errors/* ActionError */.lZ(`Entry ${i} of the Istio release list at ${source} has no tag_name.`);
        }
        return {
            version: e.tag_name.replace(/^v/, ''),
            prerelease: e.prerelease === true,
            draft: e.draft === true
        };
    });
}

;// CONCATENATED MODULE: ./src/istioctl/versions.ts
// Pure version logic: what a user's `istio-version` means, which release it picks, and what istioctl
// says its own version is. No network, no filesystem.


const EXAMPLES = 'latest, 1.30 (newest 1.30 patch) or 1.30.3';
/** Reads `latest`, `1.30`, `v1.30`, `1.30.x`, `1.30.3`, `v1.30.3`, `1.31.0-rc.0`. */
function parseVersionSpec(spec) {
    const s = spec.trim();
    if (/^latest$/i.test(s))
        return { kind: 'latest' };
    const minor = /^v?(\d+)\.(\d+)(?:\.[x*])?$/i.exec(s);
    if (minor)
        return { kind: 'minor', major: Number(minor[1]), minor: Number(minor[2]) };
    const exact = (0,semver.clean)(s);
    if (exact && /^v?\d+\.\d+\.\d+/.test(s))
        return { kind: 'exact', version: exact };
    throw new errors/* ActionError */.lZ(`istio-version "${spec}" is not a version.`, { hint: `Use ${EXAMPLES}.` });
}
/** A release `latest` may pick: published, not marked pre-release, and no -alpha/-beta/-rc suffix. */
function isStable(r) {
    return !r.draft && !r.prerelease && (0,semver.prerelease)(r.version) === null;
}
/** Releases whose tag is a valid version; drafts are dropped because their assets are not public. */
function usable(releases) {
    return releases.filter((r) => !r.draft && (0,semver.parse)(r.version) !== null);
}
/**
 * Picks the release a spec means. `latest` is the highest stable version by semver (never GitHub's
 * "latest release", which follows publication date and has pointed at an older minor's patch).
 */
function resolveVersion(spec, releases) {
    const parsed = parseVersionSpec(spec);
    const all = usable(releases);
    if (parsed.kind === 'exact') {
        if (all.some((r) => r.version === parsed.version))
            return parsed.version;
        throw notFoundError(parsed.version, releases);
    }
    const stable = all.filter(isStable).sort((a, b) => (0,semver.rcompare)(a.version, b.version));
    if (parsed.kind === 'latest') {
        const newest = stable[0];
        if (!newest) {
            throw new errors/* ActionError */.lZ('No stable Istio release was found to resolve istio-version "latest".', {
                details: [
                    `The release list has ${releases.length} entries, none of them a published stable release.`
                ],
                hint: 'Set istio-version to an exact version such as 1.30.3.'
            });
        }
        return newest.version;
    }
    const match = stable.find((r) => {
        const v = (0,semver.parse)(r.version);
        return v !== null && v.major === parsed.major && v.minor === parsed.minor;
    });
    if (match)
        return match.version;
    throw notFoundError(`${parsed.major}.${parsed.minor}`, releases);
}
/**
 * Up to `limit` existing versions nearest to `target` (`1.30.9` or a minor `1.30`), newest first.
 * For a minor target, each other minor is represented by its newest stable patch.
 */
function closestVersions(target, releases, limit = 4) {
    const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(target.trim());
    if (!m)
        return [];
    const want = {
        major: Number(m[1]),
        minor: Number(m[2]),
        patch: m[3] === undefined ? undefined : Number(m[3])
    };
    // Pre-releases are suggested only for the minor asked about; elsewhere a stable version is the better advice.
    const preOfMinor = usable(releases).filter((r) => {
        const v = (0,semver.parse)(r.version);
        return v !== null && !isStable(r) && v.major === want.major && v.minor === want.minor;
    });
    const stable = usable(releases)
        .filter(isStable)
        .sort((a, b) => (0,semver.rcompare)(a.version, b.version));
    let candidates = stable;
    if (want.patch === undefined) {
        const newestPerMinor = new Map();
        for (const r of stable) {
            const v = (0,semver.parse)(r.version);
            if (v && !newestPerMinor.has(`${v.major}.${v.minor}`))
                newestPerMinor.set(`${v.major}.${v.minor}`, r);
        }
        candidates = [...newestPerMinor.values()];
    }
    candidates = [...candidates, ...preOfMinor];
    const key = (version) => {
        const v = (0,semver.parse)(version);
        if (!v)
            return [Infinity];
        if (v.major === want.major)
            return [0, Math.abs(v.minor - want.minor), Math.abs(v.patch - (want.patch ?? v.patch))];
        // Another major: the versions nearest the boundary between the majors are the closest.
        const d = Math.abs(v.major - want.major);
        return v.major < want.major ? [d, 1e6 - v.minor, 1e6 - v.patch] : [d, v.minor, v.patch];
    };
    const byDistance = (a, b) => {
        const ka = key(a);
        const kb = key(b);
        for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
            const d = (ka[i] ?? 0) - (kb[i] ?? 0);
            if (d !== 0)
                return d;
        }
        return (0,semver.rcompare)(a, b);
    };
    const unique = [...new Set(candidates.map((r) => r.version))];
    return unique.sort(byDistance).slice(0, limit).sort(semver.rcompare);
}
/** The user-facing error for a version (or minor) that no release matches. */
function notFoundError(version, releases) {
    const close = closestVersions(version, releases);
    const isMinor = /^v?\d+\.\d+$/.test(version);
    const message = isMinor
        ? `istio-version ${version} matches no stable Istio release.`
        : `istio-version ${version} does not exist.`;
    const details = close.length
        ? [
            `Closest existing versions: ${close.map((v) => ((0,semver.prerelease)(v) ? `${v} (pre-release)` : v)).join(', ')}`
        ]
        : [`The release list has no versions near ${version}.`];
    return new errors/* ActionError */.lZ(message, { details, hint: `Set istio-version to one of those, or to ${EXAMPLES}.` });
}
const VERSION_TOKEN = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;
/**
 * The client version from `istioctl version --remote=false` in any of its forms:
 * `-o json` (`{"clientVersion":{"version":"1.30.3",...}}`), 1.23+ (`client version: 1.30.3`) and
 * 1.22 and older, which print only the bare version (`1.13.3`).
 */
function parseIstioctlVersion(stdout) {
    const text = stdout.trim();
    if (text.startsWith('{')) {
        let json;
        try {
            json = JSON.parse(text);
        }
        catch (err) {
            throw unparsable(stdout, `it looks like JSON but does not parse: ${err.message}`);
        }
        const client = json?.clientVersion;
        const v = typeof client?.version === 'string' ? VERSION_TOKEN.exec(client.version.trim()) : null;
        if (v?.[1])
            return v[1];
        throw unparsable(stdout, 'the JSON has no clientVersion.version');
    }
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    for (const line of lines) {
        const m = /^client version:\s*(\S+)/i.exec(line);
        const v = m?.[1] ? VERSION_TOKEN.exec(m[1]) : null;
        if (v?.[1])
            return v[1];
    }
    for (const line of lines) {
        const v = VERSION_TOKEN.exec(line);
        if (v?.[1])
            return v[1];
    }
    throw unparsable(stdout, 'no "client version:" line and no bare version line');
}
function unparsable(stdout, why) {
    const shown = stdout.trim().split(/\r?\n/).slice(0, 5);
    return new errors/* ActionError */.lZ(`Could not read the istioctl version: ${why}.`, {
        details: shown.length && shown[0]
            ? ['istioctl printed:', ...shown.map((l) => `  ${l}`)]
            : ['istioctl printed nothing.']
    });
}

;// CONCATENATED MODULE: ./src/istioctl/install.ts
// Getting istioctl (and the release's samples) onto the runner: tool cache first, otherwise download,
// verify against the published .sha256, extract and cache. Shaped like actions/setup-node's installer.













const ms = (start) => Math.round(external_node_perf_hooks_.performance.now() - start);
async function installIstioctl(opts) {
    const log = opts.log ?? coreLogger;
    const started = external_node_perf_hooks_.performance.now();
    requireRunnerDirs();
    const spec = parseVersionSpec(opts.versionSpec);
    // An exact version needs no release list: the tool cache or the download itself answers it.
    const version = spec.kind === 'exact'
        ? spec.version
        : resolveVersion(opts.versionSpec, await listReleases({ ...opts, log }));
    const resolveMs = ms(started);
    if (spec.kind !== 'exact')
        log.info(`istio-version ${opts.versionSpec} resolved to ${version}`);
    const arch = opts.arch ?? process.arch;
    const platform = platformKey(opts.os ?? process.platform, arch, version);
    const bin = binaryName(platform);
    const cached = await cachedDir('istioctl', version, arch, bin);
    if (cached) {
        log.info(`istioctl ${version} found in the tool cache: ${cached}`);
        if (opts.addToPath !== false)
            core/* addPath */.fM(cached);
        return {
            version,
            path: cached,
            binary: (0,external_node_path_.join)(cached, bin),
            cacheHit: true,
            downloadedBytes: 0,
            platform,
            timings: { resolveMs, downloadMs: 0, extractMs: 0, totalMs: ms(started) }
        };
    }
    const asset = assetUrls(opts.downloadUrl, version, platform).istioctl;
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(process.env['RUNNER_TEMP'] || (0,external_node_os_.tmpdir)(), 'istioctl-'));
    try {
        log.info(`Downloading istioctl ${version} (${platform}) from ${asset.url}`);
        const got = await fetchVerified(asset, version, platform, work, { ...opts, log });
        const extractStart = external_node_perf_hooks_.performance.now();
        const dir = await extract(asset, got.file, (0,external_node_path_.join)(work, 'x'));
        if (!(await exists((0,external_node_path_.join)(dir, bin)))) {
            throw new errors/* ActionError */.lZ(`${asset.fileName} has no ${bin} at its root.`, {
                details: [`It contains: ${(await (0,promises_.readdir)(dir)).join(', ') || 'nothing'}`],
                hint: 'If istio-download-url points at a mirror, copy the release archives unchanged.'
            });
        }
        await (0,promises_.chmod)((0,external_node_path_.join)(dir, bin), 0o755);
        // Only the binary goes into the cache (and so onto PATH): anything else a tampered archive carries
        // (say a `kubectl` or `sh`) must not shadow the runner's tools.
        const path = await tool_cache/* cacheFile */.NJ((0,external_node_path_.join)(dir, bin), bin, 'istioctl', version, arch);
        const extractMs = ms(extractStart);
        if (opts.addToPath !== false)
            core/* addPath */.fM(path);
        log.info(`istioctl ${version} installed in ${path}`);
        return {
            version,
            path,
            binary: (0,external_node_path_.join)(path, bin),
            cacheHit: false,
            downloadedBytes: got.bytes,
            platform,
            url: asset.url,
            sha256: got.sha256,
            timings: { resolveMs, downloadMs: got.downloadMs, extractMs, totalMs: ms(started) }
        };
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
/** The directory of the release's `istio-<v>/` (samples/bookinfo/..., manifests/), from the tool cache or downloaded. */
async function installSamples(opts) {
    return (await fetchSamples(opts)).path;
}
/** installSamples with the details: cache hit, bytes, timings, URL and digest. */
async function fetchSamples(opts) {
    const log = opts.log ?? coreLogger;
    const started = external_node_perf_hooks_.performance.now();
    requireRunnerDirs();
    const version = opts.version.replace(/^v/, '');
    const arch = opts.arch ?? process.arch;
    const cached = await cachedDir('istio', version, arch, 'samples');
    if (cached) {
        log.info(`Istio ${version} release files found in the tool cache: ${cached}`);
        return { version, path: cached, cacheHit: true, downloadedBytes: 0, timings: zeroTimings(ms(started)) };
    }
    const platform = platformKey(opts.os ?? process.platform, arch, version);
    const asset = assetUrls(opts.downloadUrl, version, platform).full;
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(process.env['RUNNER_TEMP'] || (0,external_node_os_.tmpdir)(), 'istio-'));
    try {
        log.info(`Downloading the Istio ${version} release (for its samples) from ${asset.url}`);
        const got = await fetchVerified(asset, version, platform, work, { ...opts, log });
        const extractStart = external_node_perf_hooks_.performance.now();
        const top = (0,external_node_path_.join)(await extract(asset, got.file, (0,external_node_path_.join)(work, 'x')), `istio-${version}`);
        if (!(await exists((0,external_node_path_.join)(top, 'samples')))) {
            throw new errors/* ActionError */.lZ(`${asset.fileName} has no istio-${version}/samples directory.`, {
                hint: 'If istio-download-url points at a mirror, copy the release archives unchanged.'
            });
        }
        // istioctl has its own tool-cache entry; a second copy here (about 100 MB) would only fill the runner.
        await (0,promises_.rm)((0,external_node_path_.join)(top, 'bin'), { recursive: true, force: true });
        const path = await tool_cache/* cacheDir */.e8(top, 'istio', version, arch);
        return {
            version,
            path,
            cacheHit: false,
            downloadedBytes: got.bytes,
            url: asset.url,
            sha256: got.sha256,
            timings: { resolveMs: 0, downloadMs: got.downloadMs, extractMs: ms(extractStart), totalMs: ms(started) }
        };
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
function zeroTimings(totalMs) {
    return { resolveMs: 0, downloadMs: 0, extractMs: 0, totalMs };
}
function requireRunnerDirs() {
    if (!process.env['RUNNER_TOOL_CACHE']) {
        throw new errors/* ActionError */.lZ('RUNNER_TOOL_CACHE is not set, so there is nowhere to keep istioctl.', {
            hint: 'Run inside a GitHub Actions runner, or set RUNNER_TOOL_CACHE and RUNNER_TEMP to writable directories.'
        });
    }
}
/** A complete tool-cache entry that still holds `mustContain` (a half-deleted entry counts as a miss). */
async function cachedDir(tool, version, arch, mustContain) {
    const dir = tool_cache/* find */.I6(tool, version, arch);
    return dir && (await exists((0,external_node_path_.join)(dir, mustContain))) ? dir : undefined;
}
async function exists(path) {
    return (0,promises_.stat)(path).then(() => true, () => false);
}
async function extract(asset, file, dest) {
    await assertSafeArchive(asset.fileName, file, asset.format);
    try {
        return asset.format === 'zip' ? await tool_cache/* extractZip */.JE(file, dest) : await tool_cache/* extractTar */.nN(file, dest);
    }
    catch (err) {
        throw new errors/* ActionError */.lZ(`Could not unpack ${asset.fileName}: ${describeNetworkError(err)}`, { cause: err });
    }
}
/** Downloads `asset` and its `.sha256` side by side, and fails unless the digests match. */
async function fetchVerified(asset, version, platform, work, ctx) {
    const start = external_node_perf_hooks_.performance.now();
    const file = (0,external_node_path_.join)(work, asset.fileName);
    const http = { fetch: ctx.fetch, retry: ctx.retry, signal: ctx.signal, log: ctx.log };
    const checksum = fetchText(asset.sha256Url, http);
    checksum.catch(() => undefined); // awaited below; a failure must not surface as unhandled first
    let got;
    try {
        got = await downloadToFile(asset.url, file, http);
    }
    catch (err) {
        if (err instanceof HttpStatusError && err.status === 404)
            throw await missingAsset(asset, version, platform, ctx);
        if (err instanceof errors/* ActionError */.lZ)
            throw err;
        throw new errors/* ActionError */.lZ(`Downloading ${asset.url} failed: ${describeNetworkError(err)}`, {
            hint: 'Check the runner can reach istio-download-url; for networks that cannot reach GitHub, point it at a mirror.',
            cause: err
        });
    }
    let expected;
    try {
        expected = parseSha256File((await checksum).text, asset.fileName);
    }
    catch (err) {
        if (err instanceof errors/* ActionError */.lZ)
            throw err;
        const status = err instanceof HttpStatusError ? `HTTP ${err.status}` : describeNetworkError(err);
        throw new errors/* ActionError */.lZ(`Could not get the checksum of ${asset.fileName} (${status} from ${asset.sha256Url}).`, {
            hint: 'Istio publishes a .sha256 next to every archive; a mirror must serve them too. Downloads are never used unverified.',
            cause: err
        });
    }
    if (expected !== got.sha256) {
        throw new errors/* ActionError */.lZ(`The sha256 of ${asset.fileName} does not match its published checksum.`, {
            details: [
                `Downloaded from: ${asset.url} (${got.bytes} bytes)`,
                `Published (${asset.sha256Url}): ${expected}`,
                `Downloaded file:  ${got.sha256}`
            ],
            hint: 'The file was corrupted or replaced on the way (a proxy, a stale mirror). Re-run the job; if it repeats, check the mirror.'
        });
    }
    ctx.log.info(`Verified sha256 ${got.sha256} of ${asset.fileName} (${(got.bytes / 1048576).toFixed(1)} MiB)`);
    return { file, bytes: got.bytes, sha256: got.sha256, downloadMs: ms(start) };
}
/** A 404 means either the version does not exist or this platform's asset does not; the release list tells which. */
async function missingAsset(asset, version, platform, ctx) {
    const seen = `HTTP 404 from ${asset.url}`;
    let releases;
    try {
        releases = await listReleases(ctx);
    }
    catch (err) {
        return new errors/* ActionError */.lZ(`istio-version ${version} was not found (${seen}).`, {
            details: [`The release list could not be read to suggest other versions: ${describeNetworkError(err)}`],
            hint: 'Check istio-version and istio-download-url.'
        });
    }
    if (releases.some((r) => r.version === version && !r.draft)) {
        return new errors/* ActionError */.lZ(`Istio ${version} exists but ${asset.fileName} is not published (${seen}).`, {
            hint: `If istio-download-url points at a mirror, copy the ${platform} archives and their .sha256 files to it.`
        });
    }
    const err = notFoundError(version, releases);
    return new errors/* ActionError */.lZ(err.message, { details: [...err.details, seen], hint: err.hint });
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/istioctl/run.ts
// The one way the action runs istioctl: fixed kubeconfig/context flags, captured output streamed to
// the log line by line with secrets masked, stdin closed (so a confirmation prompt reads EOF instead
// of hanging), and a hard stop on timeout or cancellation.
//
// child_process is used directly rather than @actions/exec: exec exposes no handle on the child, so
// it cannot stop a hung istioctl, and a hung `istioctl install` would burn the job's whole timeout.







const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Time between SIGTERM and SIGKILL when stopping istioctl. */
const KILL_GRACE_MS = 5_000;
const STDERR_TAIL_LINES = 20;
/** Attempts of a read-only command that failed because the API server was briefly unavailable. */
const TRANSIENT_RETRY = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 8_000 };
// Read-only subcommands (first words): safe to run again. install/apply/uninstall are not retried here —
// a half-applied install is the caller's decision.
const READ_ONLY = new Set(['analyze', 'version', 'x precheck', 'verify-install', 'proxy-status']);
// What a Kubernetes client prints when the API server was overloaded, restarting or the connection
// dropped (client-go and client-node wordings), as opposed to a real finding or a usage error.
const TRANSIENT_OUTPUT = /fetch failed|ECONNRESET|ECONNREFUSED|socket hang up|connection reset by peer|connection refused|TLS handshake timeout|i\/o timeout|Too ?many ?requests|TooManyRequests|Internal error occurred|InternalError|ServiceUnavailable|the server is currently unable to handle the request|\(HTTP (429|5\d\d)\)|status code (429|5\d\d)|unexpected EOF/i;
/** Process groups still running, stopped if this process exits first (a cancelled job). */
const running = new Set();
let exitHookInstalled = false;
class Istioctl {
    binary;
    opts;
    log;
    constructor(binary, opts = {}) {
        this.binary = binary;
        this.opts = opts;
        this.log = opts.log ?? coreLogger;
    }
    /** The arguments actually passed: the caller's, with the cluster flags added before any `--`. */
    argv(args, cluster = true) {
        const flags = [];
        if (cluster && this.opts.kubeconfig)
            flags.push(`--kubeconfig=${this.opts.kubeconfig}`);
        if (cluster && this.opts.context)
            flags.push(`--context=${this.opts.context}`);
        const dashdash = args.indexOf('--');
        return dashdash < 0
            ? [...args, ...flags]
            : [...args.slice(0, dashdash), ...flags, ...args.slice(dashdash)];
    }
    /** A printable, masked command line. */
    commandLine(args, cluster = true) {
        return this.mask(['istioctl', ...this.argv(args, cluster)].map(quote).join(' '));
    }
    mask(text) {
        const secrets = (this.opts.secrets ?? []).filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
        return secrets.reduce((t, s) => t.split(s).join('***'), text);
    }
    /**
     * Runs istioctl once; read-only subcommands that fail with an API-server hiccup in their output (429,
     * 5xx, connection reset) are run again with backoff — istioctl's own client gives up on the first one.
     */
    async run(args, ro = {}) {
        const readOnly = READ_ONLY.has(describeCommand(args).replace(/^istioctl /, ''));
        const signal = AbortSignal.any([this.opts.signal, ro.signal].filter((x) => x !== undefined));
        let last;
        const attempt = () => this.runOnce(args, ro).catch((err) => {
            last = err;
            throw err;
        });
        try {
            return await retry(attempt, {
                policy: TRANSIENT_RETRY,
                retryable: (err) => err instanceof TransientIstioctlError && readOnly,
                signal,
                onRetry: (_err, next) => this.log.info(`${describeCommand(args)} failed because the API server was unavailable; retrying in ${next.delayMs} ms (attempt ${next.attempt}/${next.attempts})`)
            });
        }
        catch (err) {
            if (signal.aborted) {
                // Cancelled while istioctl ran: its own report (what it printed before it was stopped); while
                // waiting to run it again: say that.
                if (last instanceof errors/* ActionError */.lZ)
                    throw last;
                throw new errors/* ActionError */.lZ('cancelled while waiting to retry istioctl', { cause: err });
            }
            throw err instanceof TransientIstioctlError ? err.error : err;
        }
    }
    async runOnce(args, ro) {
        const cluster = ro.cluster !== false;
        const cmd = this.commandLine(args, cluster);
        const timeoutMs = ro.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        this.log.info(`$ ${cmd}`);
        const started = external_node_perf_hooks_.performance.now();
        const out = await this.spawn(this.argv(args, cluster), ro, timeoutMs);
        const durationMs = Math.round(external_node_perf_hooks_.performance.now() - started);
        const result = { code: out.code, stdout: out.stdout, stderr: out.stderr, durationMs };
        const what = describeCommand(args);
        if (out.stoppedBy === 'timeout') {
            throw this.failure(`${what} did not finish within ${Math.round(timeoutMs / 1000)}s and was stopped.`, cmd, out, {
                hint: 'The cluster may be slow to start pods (ECI cold starts); raise wait-timeout, or look at the events of the pods named above.'
            });
        }
        if (out.stoppedBy === 'abort')
            throw this.failure(`${what} was cancelled.`, cmd, out, {});
        if (out.spawnError) {
            throw new errors/* ActionError */.lZ(`${what} could not be started: ${out.spawnError.message}`, {
                details: [`Binary: ${this.binary}`],
                cause: out.spawnError
            });
        }
        const allowed = ro.allowExitCodes === 'any' ? !out.signal : (ro.allowExitCodes ?? []).includes(out.code);
        if (out.code !== 0 && !allowed) {
            const how = out.signal ? `was killed by ${out.signal}` : `failed with exit code ${out.code}`;
            const error = this.failure(`${what} ${how}.`, cmd, out, {});
            if (!out.signal && TRANSIENT_OUTPUT.test(out.stderr + out.stdout))
                throw new TransientIstioctlError(error);
            throw error;
        }
        const hiccup = out.signal ? undefined : ro.transient?.(result);
        if (hiccup)
            throw new TransientIstioctlError(this.failure(`${what} could not finish: ${hiccup}.`, cmd, out, {}));
        this.log.debug(`${what} exited ${out.code} after ${durationMs}ms`);
        return result;
    }
    /** The client version, from `version --remote=false -o json`, or the plain form if JSON is refused. */
    async version() {
        const json = await this.run(['version', '--remote=false', '-o', 'json'], {
            quiet: true,
            cluster: false,
            timeoutMs: 60_000,
            allowExitCodes: 'any'
        });
        if (json.code === 0) {
            try {
                return parseIstioctlVersion(json.stdout);
            }
            catch {
                // fall through to the plain form, whose parse error is the one reported
            }
        }
        const plain = await this.run(['version', '--remote=false'], {
            quiet: true,
            cluster: false,
            timeoutMs: 60_000
        });
        return parseIstioctlVersion(plain.stdout);
    }
    failure(message, cmd, out, extra) {
        const source = out.stderr.trim() ? out.stderr : out.stdout;
        const tail = this.mask(source).trimEnd().split(/\r?\n/).slice(-STDERR_TAIL_LINES);
        const details = [`Command: ${cmd}`];
        if (tail.length && tail[0] !== '')
            details.push(`Last lines of its ${source === out.stderr ? 'error ' : ''}output:`, ...tail.map((l) => `  ${l}`));
        else
            details.push('It printed nothing.');
        return new errors/* ActionError */.lZ(message, { details, hint: extra.hint });
    }
    spawn(argv, ro, timeoutMs) {
        return new Promise((resolve) => {
            const posix = process.platform !== 'win32';
            // Own process group on POSIX, so stopping istioctl also stops anything it started.
            const child = (0,external_node_child_process_.spawn)(this.binary, argv, {
                env: { ...process.env, ...this.opts.env },
                stdio: ['pipe', 'pipe', 'pipe'],
                detached: posix,
                windowsHide: true
            });
            const outcome = { code: -1, stdout: '', stderr: '' };
            const lines = (level) => {
                let partial = '';
                return {
                    push: (chunk) => {
                        partial += chunk;
                        const parts = partial.split('\n');
                        partial = parts.pop() ?? '';
                        for (const l of parts)
                            this.log[level](this.mask(l.replace(/\r$/, '')));
                    },
                    flush: () => {
                        if (partial)
                            this.log[level](this.mask(partial.replace(/\r$/, '')));
                        partial = '';
                    }
                };
            };
            const level = ro.quiet ? 'debug' : 'info';
            const outLines = lines(level);
            const errLines = lines(level);
            child.stdout.setEncoding('utf8').on('data', (d) => {
                outcome.stdout += d;
                outLines.push(d);
            });
            child.stderr.setEncoding('utf8').on('data', (d) => {
                outcome.stderr += d;
                errLines.push(d);
            });
            // EPIPE when istioctl exits without reading its input is not our failure; its exit code tells.
            child.stdin.on('error', () => undefined);
            child.stdin.end(ro.input ?? '');
            const pid = child.pid;
            const kill = (signal) => {
                try {
                    if (posix && pid !== undefined)
                        process.kill(-pid, signal);
                    else
                        child.kill(signal);
                }
                catch {
                    // already gone
                }
            };
            let killTimer;
            const stop = (why) => {
                if (outcome.stoppedBy)
                    return;
                outcome.stoppedBy = why;
                kill('SIGTERM');
                killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
            };
            const timer = setTimeout(() => stop('timeout'), timeoutMs);
            const signals = [this.opts.signal, ro.signal].filter((s) => s !== undefined);
            const onAbort = () => stop('abort');
            for (const s of signals) {
                if (s.aborted)
                    onAbort();
                else
                    s.addEventListener('abort', onAbort, { once: true });
            }
            if (posix && pid !== undefined)
                trackGroup(pid);
            const finish = () => {
                clearTimeout(timer);
                if (killTimer)
                    clearTimeout(killTimer);
                for (const s of signals)
                    s.removeEventListener('abort', onAbort);
                if (pid !== undefined)
                    running.delete(pid);
                outLines.flush();
                errLines.flush();
                resolve(outcome);
            };
            child.on('error', (err) => {
                outcome.spawnError = err;
                finish();
            });
            child.on('close', (code, signal) => {
                if (outcome.spawnError)
                    return;
                outcome.signal = signal ?? undefined;
                outcome.code = code ?? 128 + (signal ? (external_node_os_.constants.signals[signal] ?? 0) : 0);
                finish();
            });
        });
    }
}
/** A failure worth another attempt; carries the error to report when attempts run out. */
class TransientIstioctlError extends Error {
    error;
    constructor(error) {
        super(error.message);
        this.error = error;
    }
}
function trackGroup(pid) {
    running.add(pid);
    if (exitHookInstalled)
        return;
    exitHookInstalled = true;
    process.on('exit', () => {
        for (const p of running) {
            try {
                process.kill(-p, 'SIGKILL');
            }
            catch {
                // already gone
            }
        }
    });
}
/** `istioctl x precheck` for ['x', 'precheck', '--flag', ...]: the subcommand words before the first flag. */
function describeCommand(args) {
    const words = [];
    for (const a of args) {
        if (a.startsWith('-') || words.length === 3)
            break;
        words.push(a);
    }
    return ['istioctl', ...words].join(' ');
}
function quote(arg) {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

;// CONCATENATED MODULE: ./src/kube/errors.ts
// Turns API-server failures into ActionErrors a user can act on. Pure: the client hands over what it
// asked for and what came back. Messages name the object and the exact permission; they never
// contain credentials or stack traces.

/** A failed API request: status 0 means no HTTP answer (network error, timeout). */
class KubeApiError extends errors/* ActionError */.lZ {
    status;
    reason;
    request;
    constructor(message, request, status, options = {}) {
        super(message, options);
        this.name = 'KubeApiError';
        this.status = status;
        this.reason = options.reason;
        this.request = request;
    }
}
function parseStatus(bodyText) {
    try {
        const parsed = JSON.parse(bodyText);
        if (typeof parsed === 'object' && parsed !== null && parsed.kind === 'Status')
            return parsed;
    }
    catch {
        // not JSON: the caller falls back to the raw text
    }
    return undefined;
}
function target(req) {
    const what = req.name ? `${req.resource} "${req.name}"` : req.resource;
    return req.namespace ? `${what} in namespace ${req.namespace}` : what;
}
// The server's own words for a 403, e.g.
// User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "bookinfo"
const FORBIDDEN_RE = /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]*)"| at the cluster scope)?/;
/** The RBAC rule that would allow the request, as the YAML lines of a Role rule. */
function roleRuleFor(verb, resource, group, namespace) {
    const kind = namespace ? `Role in namespace ${namespace}` : 'ClusterRole';
    return `${kind} rule: { apiGroups: ["${group}"], resources: ["${resource}"], verbs: ["${verb}"] }`;
}
/** Translates an HTTP error answer from the API server. */
function apiError(req, status, bodyText) {
    const st = parseStatus(bodyText);
    const serverSays = (st?.message ?? bodyText.trim().slice(0, 500)) || `HTTP ${status}`;
    const reason = st?.reason;
    const opts = { reason };
    if (status === 401) {
        return new KubeApiError(`the API server at ${req.server} rejected the credentials (401 Unauthorized)`, req, status, {
            ...opts,
            details: [`while trying to ${req.verb} ${target(req)}`],
            hint: 'The kubeconfig credentials are expired or invalid. Regenerate the kubeconfig (ACK kubeconfigs are ' +
                'time-limited; with access-key/OIDC auth raise the kubeconfig TTL input) or check the token/client certificate.'
        });
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
        const causes = (st?.details?.causes ?? []).map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`);
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
        return new KubeApiError(`the API server at ${req.server} is overloaded or failing (HTTP ${status}) while trying to ${req.verb} ${target(req)}`, req, status, {
            ...opts,
            details: [`API server: ${serverSays}`],
            hint: 'Retry later; if it persists check the cluster control plane health.'
        });
    }
    return new KubeApiError(`cannot ${req.verb} ${target(req)}: ${serverSays}`, req, status, opts);
}
/**
 * 500s that are not transient: the server failed to process this particular request and will fail the
 * same way every time (retrying only delays the real error).
 */
function permanentServerError(text) {
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
function isTlsCode(code) {
    return TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT');
}
/** The innermost error code of a fetch failure (undici wraps the socket error in `cause`). */
function networkCode(err) {
    for (let e = err, depth = 0; e && depth < 5; depth++) {
        if (typeof e !== 'object')
            break;
        const rec = e;
        if (typeof rec.code === 'string' && (NETWORK_CODES.has(rec.code) || isTlsCode(rec.code))) {
            return rec.code;
        }
        if (rec.name === 'TimeoutError')
            return 'ETIMEDOUT';
        e = rec.cause;
    }
    return undefined;
}
/** True for failures worth retrying: no answer at all, or an answer that says "try again". */
function errors_isRetryable(status, err) {
    if (status === 0) {
        const code = networkCode(err);
        // Certificate problems do not heal by retrying.
        return code !== undefined && !isTlsCode(code) && code !== 'ENOTFOUND';
    }
    return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
/** Translates a request that got no HTTP answer. */
function networkError(req, err, attempts) {
    const code = networkCode(err) ?? (err instanceof Error ? err.message : String(err));
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (isTlsCode(code)) {
        return new KubeApiError(`the API server at ${req.server} presented a certificate that is not trusted (${code})`, req, 0, {
            cause: err,
            hint: "The kubeconfig's certificate-authority-data does not match the server; regenerate the kubeconfig for this cluster."
        });
    }
    return new KubeApiError(`the API server at ${req.server} is unreachable or overloaded (${code}${tries}) while trying to ${req.verb} ${target(req)}`, req, 0, {
        cause: err,
        hint: 'Check that the cluster is running and reachable from this runner: a GitHub-hosted runner needs the ' +
            'public API endpoint; the private (VPC) endpoint only works from a self-hosted runner inside the VPC.'
    });
}

// EXTERNAL MODULE: ./src/kube/objects.ts
var kube_objects = __webpack_require__(49509);
// EXTERNAL MODULE: ./node_modules/@kubernetes/client-node/dist/index.js + 873 modules
var dist = __webpack_require__(70094);
;// CONCATENATED MODULE: ./src/kube/transport.ts
// The one HTTP path to the API server. Every request goes through `send`/`stream`, which is what
// makes the request/write/watch counters exact, and where retries, timeouts, credential refresh and
// error translation live. Uses client-node only for kubeconfig parsing, authentication and its
// undici-based HTTP library.




// 8 attempts wait 8–16 s in total (jittered exponential backoff): long enough to ride out an apiserver
// restart (a few seconds of refused/reset connections), short enough that a dead server fails fast.
const transport_DEFAULT_RETRY = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5000 };
class Transport {
    stats = { requests: 0, writes: 0, watches: 0, relists: 0 };
    server;
    user;
    /** The kubeconfig context's namespace, or "default". */
    defaultNamespace;
    signal;
    dryRun;
    kc;
    http = new dist/* IsomorphicFetchHttpLibrary */.l1q();
    retryPolicy;
    requestTimeoutMs;
    log;
    auth;
    constructor(kc, opts) {
        this.kc = kc;
        const cluster = kc.getCurrentCluster();
        if (!cluster)
            throw new errors/* ActionError */.lZ(`kubeconfig context "${kc.getCurrentContext()}" names no cluster`);
        this.server = cluster.server.replace(/\/+$/, '');
        this.user = kc.getCurrentUser()?.name ?? 'unknown';
        this.defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
        this.signal = opts.signal;
        this.dryRun = opts.dryRun === true;
        this.retryPolicy = { ...transport_DEFAULT_RETRY, ...opts.retry };
        this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
        this.log = opts.log ?? (() => { });
    }
    static open(opts) {
        const kc = new dist/* KubeConfig */.ypW();
        try {
            kc.loadFromFile(opts.kubeconfigPath);
        }
        catch (err) {
            throw new errors/* ActionError */.lZ(`cannot read the kubeconfig: ${err instanceof Error ? err.message : String(err)}`, {
                hint: 'Pass a valid kubeconfig (YAML with clusters, users and contexts).',
                cause: err
            });
        }
        if (opts.context) {
            const names = kc.getContexts().map((c) => c.name);
            if (!names.includes(opts.context)) {
                throw new errors/* ActionError */.lZ(`the kubeconfig has no context "${opts.context}"`, {
                    details: [`available contexts: ${names.join(', ') || '(none)'}`],
                    hint: 'Set the context input to one of the available contexts, or leave it empty for the current one.'
                });
            }
            kc.setCurrentContext(opts.context);
        }
        if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
            throw new errors/* ActionError */.lZ('the kubeconfig has no current context', {
                hint: 'Set current-context in the kubeconfig or pass the context input.'
            });
        }
        return new Transport(kc, opts);
    }
    requestInfo(info) {
        return { ...info, server: this.server, user: this.user };
    }
    /** Headers and TLS dispatcher from the kubeconfig, computed once and reused (keeps connections alive). */
    async authenticate(refresh) {
        if (this.auth && !refresh)
            return this.auth;
        const ctx = new dist/* RequestContext */.bb4(this.server, dist/* HttpMethod */.ym3.GET);
        try {
            await this.kc.applySecurityAuthentication(ctx);
        }
        catch (err) {
            throw new errors/* ActionError */.lZ(`cannot obtain credentials from the kubeconfig: ${err instanceof Error ? err.message : String(err)}`, {
                hint: 'Check the kubeconfig user entry (client certificate, token or exec plugin).',
                cause: err
            });
        }
        const old = this.auth?.dispatcher;
        this.auth = { headers: ctx.getHeaders(), dispatcher: ctx.getDispatcher() };
        if (old && old !== this.auth.dispatcher)
            void old.close().catch(() => { });
        return this.auth;
    }
    url(path, query) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(query ?? {}))
            if (v !== undefined)
                params.set(k, String(v));
        const qs = params.toString();
        return `${this.server}${path}${qs ? `?${qs}` : ''}`;
    }
    async attempt(req, refresh, signal) {
        const auth = await this.authenticate(refresh);
        const ctx = new dist/* RequestContext */.bb4(this.url(req.path, req.query), req.method);
        for (const [k, v] of Object.entries(auth.headers))
            ctx.setHeaderParam(k, v);
        ctx.setHeaderParam('Accept', 'application/json');
        if (req.body !== undefined) {
            ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
            ctx.setBody(req.body);
        }
        if (auth.dispatcher)
            ctx.setDispatcher(auth.dispatcher);
        ctx.setSignal(signal);
        this.stats.requests++;
        if (req.write)
            this.stats.writes++;
        return this.http.send(ctx).toPromise();
    }
    /**
     * Sends one logical request: retried per `req.retry` with backoff (Retry-After honoured), bounded by
     * attempts and by the caller's signal; a 401 refreshes credentials once. Non-accepted error statuses
     * and network failures throw KubeApiError.
     */
    async send(req) {
        const info = this.requestInfo(req.info);
        if (req.write && this.dryRun)
            throw new Error(`bug: a dry run tried to change the cluster (${req.method} ${req.info.resource}${req.info.name ? ` ${req.info.name}` : ''}); nothing was sent`);
        const outer = AbortSignal.any([this.signal, req.signal].filter((s) => s !== undefined));
        let refreshed = false;
        for (let attempt = 1;; attempt++) {
            if (outer.aborted)
                throw abortReason(outer);
            const started = Date.now();
            const signal = AbortSignal.any([outer, AbortSignal.timeout(this.requestTimeoutMs)]);
            let status = 0;
            let failure;
            let res;
            try {
                const r = await this.attempt(req, false, signal);
                res = { status: r.httpStatusCode, headers: r.headers, text: await r.body.text() };
                status = res.status;
            }
            catch (err) {
                if (outer.aborted)
                    throw abortReason(outer);
                failure = err;
            }
            this.log(`${req.method} ${req.path} → ${status || `no answer (${describeFailure(failure)})`} (${Date.now() - started} ms)`);
            if (res && (res.status < 400 || req.accept === '*' || req.accept?.includes(res.status)))
                return res;
            if (res?.status === 401 && !refreshed) {
                // Exec-plugin and OIDC tokens can expire mid-run; fetch fresh ones once before giving up.
                refreshed = true;
                await this.authenticate(true);
                continue;
            }
            const retryable = req.retry === 'all'
                ? errors_isRetryable(status, failure) && !permanentServerError(res?.text ?? '')
                : req.retry === 'network' && status === 0 && errors_isRetryable(0, failure);
            if (retryable && attempt < this.retryPolicy.attempts) {
                const delay = backoffDelay(attempt, this.retryPolicy, {
                    retryAfterMs: parseRetryAfter(res?.headers['retry-after'])
                });
                this.log(`retrying ${req.method} ${req.path} in ${delay} ms (attempt ${attempt + 1}/${this.retryPolicy.attempts})`);
                await sleep(delay, outer);
                continue;
            }
            if (res)
                throw apiError(info, res.status, res.text);
            throw networkError(info, failure, attempt);
        }
    }
    /** `send` + JSON decoding of the answer. */
    async json(req) {
        const res = await this.send(req);
        try {
            return { status: res.status, body: JSON.parse(res.text) };
        }
        catch {
            throw new errors/* ActionError */.lZ(`the API server answered ${req.method} ${req.path} with something that is not JSON (HTTP ${res.status})`, {
                details: [res.text.slice(0, 200)]
            });
        }
    }
    /**
     * Opens a streaming GET (a watch) and calls `onLine` for each newline-delimited chunk. Resolves when
     * the server ends the stream, rejects with KubeApiError when it cannot be opened, and rejects with
     * the abort reason when `signal` aborts. Not retried here: the watch loop decides (it may relist).
     */
    async stream(req, onLine, signal) {
        const info = this.requestInfo(req.info);
        const combined = AbortSignal.any([signal, ...(this.signal ? [this.signal] : [])]);
        this.stats.watches++;
        let r;
        try {
            r = await this.attempt(req, false, combined);
        }
        catch (err) {
            if (combined.aborted)
                throw abortReason(combined);
            throw networkError(info, err, 1);
        }
        this.log(`${req.method} ${req.path} (watch) → ${r.httpStatusCode}`);
        if (r.httpStatusCode >= 400)
            throw apiError(info, r.httpStatusCode, await r.body.text());
        const body = r.body.stream();
        if (!body)
            return;
        const reader = body.getReader();
        const decoder = new TextDecoder();
        let buffered = '';
        try {
            for (;;) {
                const { done, value } = await reader.read();
                if (done)
                    break;
                buffered += decoder.decode(value, { stream: true });
                let nl;
                while ((nl = buffered.indexOf('\n')) >= 0) {
                    const line = buffered.slice(0, nl).trim();
                    buffered = buffered.slice(nl + 1);
                    if (line)
                        onLine(line);
                }
            }
        }
        catch (err) {
            if (combined.aborted)
                throw abortReason(combined);
            throw networkError(info, err, 1);
        }
        finally {
            reader.releaseLock();
        }
        if (buffered.trim())
            onLine(buffered.trim());
    }
    /** Closes pooled connections so the process can exit promptly. */
    async close() {
        const d = this.auth?.dispatcher;
        this.auth = undefined;
        if (d)
            await d.close().catch(() => { });
    }
}
function describeFailure(err) {
    if (err instanceof Error) {
        const cause = err.cause;
        return cause?.code ?? err.message;
    }
    return String(err);
}

;// CONCATENATED MODULE: ./src/kube/watch.ts
// waitFor's engine: list, then watch from the list's resourceVersion, re-checking the caller's
// predicate on every event. No sleep-polling: the only sleeps are backoffs after a failed watch.


class WaitTimeout extends Error {
    constructor() {
        super('wait timed out');
        this.name = 'WaitTimeout';
    }
}
/** Ends one watch stream from inside the event callback. */
class StopWatch extends Error {
    why;
    constructor(why) {
        super(why);
        this.why = why;
        this.name = 'StopWatch';
    }
}
const MAX_WATCH_SECONDS = 290;
// After a failed watch: about 0.4 s, doubling to 5 s while failures repeat (reset by a healthy stream).
const WATCH_BACKOFF = { baseDelayMs: 400, maxDelayMs: 5000 };
function describeQuery(q) {
    const where = q.namespace ? ` in namespace ${q.namespace}` : '';
    if (q.name)
        return `${q.kind} ${q.namespace ? `${q.namespace}/` : ''}${q.name}`;
    const sel = [q.labelSelector, q.fieldSelector].filter(Boolean).join(',');
    return `${q.kind} objects${sel ? ` matching ${sel}` : ''}${where}`;
}
function keyOf(o) {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
async function waitUntil(t, target, query, check, opts) {
    const description = opts.description ?? describeQuery(query);
    const deadlineAt = Date.now() + opts.timeoutMs;
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new WaitTimeout()), opts.timeoutMs);
    const signal = AbortSignal.any([timer.signal, ...(opts.signal ? [opts.signal] : [])]);
    const items = new Map();
    let last;
    const selectors = {
        labelSelector: query.labelSelector,
        fieldSelector: [query.name ? `metadata.name=${query.name}` : undefined, query.fieldSelector]
            .filter(Boolean)
            .join(',') || undefined
    };
    // Why the combined signal fired: our deadline, or the caller's cancellation.
    const stopReason = () => (timer.signal.aborted ? new WaitTimeout() : abortReason(opts.signal));
    const current = () => [...items.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const evaluate = () => {
        const verdict = check(current());
        if (verdict.progress !== last?.progress)
            opts.onProgress?.(verdict.progress);
        last = verdict;
        if (!verdict.done && verdict.fatal && verdict.failure) {
            throw new errors/* ActionError */.lZ(`gave up waiting for ${description}: ${verdict.failure}`, {
                details: [`state: ${verdict.progress}`]
            });
        }
        return verdict.done;
    };
    try {
        let failures = 0;
        for (;;) {
            // LIST: the full current state and the resourceVersion to watch from.
            const { body } = await t.json({
                method: 'GET',
                path: target.path,
                query: selectors,
                info: { ...target.info, verb: 'list' },
                write: false,
                retry: 'all',
                signal
            });
            items.clear();
            for (const item of body.items ?? [])
                items.set(keyOf(item), { ...item, apiVersion: query.apiVersion, kind: query.kind });
            if (evaluate())
                return current();
            let resourceVersion = body.metadata?.resourceVersion ?? '';
            // WATCH until satisfied; a stream the server closes is resumed from the last resourceVersion.
            let relist = false;
            while (!relist) {
                const watchCtl = new AbortController();
                let stop;
                let callbackError;
                const remainingS = Math.max(1, Math.ceil((deadlineAt - Date.now()) / 1000));
                try {
                    await t.stream({
                        method: 'GET',
                        path: target.path,
                        query: {
                            ...selectors,
                            watch: true,
                            resourceVersion,
                            allowWatchBookmarks: true,
                            timeoutSeconds: Math.min(MAX_WATCH_SECONDS, remainingS)
                        },
                        info: { ...target.info, verb: 'watch' },
                        write: false,
                        retry: 'none'
                    }, (line) => {
                        if (stop || callbackError)
                            return;
                        try {
                            const event = JSON.parse(line);
                            const obj = event.object;
                            if (!obj)
                                return;
                            if (event.type === 'ERROR') {
                                // 410 Gone: our resourceVersion was compacted away; only a fresh list can continue.
                                // Any other error event also ends this stream; relist after a short backoff.
                                if (obj.code !== 410)
                                    failures++;
                                t.stats.relists++;
                                stop = new StopWatch('relist');
                                watchCtl.abort(stop);
                                return;
                            }
                            if (obj.metadata?.resourceVersion)
                                resourceVersion = obj.metadata.resourceVersion;
                            if (event.type === 'BOOKMARK')
                                return;
                            const full = { ...obj, apiVersion: query.apiVersion, kind: query.kind };
                            if (event.type === 'DELETED')
                                items.delete(keyOf(full));
                            else
                                items.set(keyOf(full), full);
                            if (evaluate()) {
                                stop = new StopWatch('done');
                                watchCtl.abort(stop);
                            }
                        }
                        catch (err) {
                            callbackError = err;
                            watchCtl.abort(err);
                        }
                    }, AbortSignal.any([signal, watchCtl.signal]));
                    failures = 0;
                }
                catch (err) {
                    if (signal.aborted)
                        throw stopReason();
                    if (!stop && !callbackError) {
                        // Network trouble or an API error opening the watch: back off, then start over from a list.
                        const status = err.status;
                        if (status === 401 || status === 403 || status === 404)
                            throw err;
                        if (status === 410) {
                            // Expired resourceVersion refused up front rather than as an ERROR event.
                            t.stats.relists++;
                            relist = true;
                            continue;
                        }
                        failures++;
                        await sleep(backoffDelay(failures, WATCH_BACKOFF), signal);
                        relist = true;
                        continue;
                    }
                }
                if (callbackError)
                    throw callbackError;
                if (stop?.why === 'done')
                    return current();
                if (stop?.why === 'relist') {
                    relist = true;
                    if (failures > 0)
                        await sleep(backoffDelay(failures, WATCH_BACKOFF), signal);
                }
                if (signal.aborted)
                    throw stopReason();
            }
        }
    }
    catch (err) {
        if (err instanceof WaitTimeout || timer.signal.aborted) {
            const seconds = Math.round(opts.timeoutMs / 100) / 10;
            const details = [`last state: ${last?.progress ?? 'nothing observed yet'}`];
            if (last?.failure)
                details.push(`problem: ${last.failure}`);
            throw new errors/* ActionError */.lZ(`timed out after ${seconds}s waiting for ${description}`, {
                details,
                hint: last?.failure
                    ? 'Fix the problem above (see the pod events), then run again.'
                    : 'The cluster may just be slow: raise the timeout, or inspect the objects named above.'
            });
        }
        throw err;
    }
    finally {
        clearTimeout(timeout);
    }
}

;// CONCATENATED MODULE: ./src/kube/client.ts
// The Kube client: the action's only door to the cluster. Objects in, objects out; discovery,
// server-side apply with "no write when nothing would change", list+watch waits, service proxy,
// events and access checks. HTTP details live in transport.ts, error wording in errors.ts.





/** A kind the API server does not serve (typically a CRD that is not installed). */
class UnknownKindError extends errors/* ActionError */.lZ {
    apiVersion;
    kind;
    constructor(apiVersion, kind) {
        const istio = (0,kube_objects/* groupOf */.F8)(apiVersion).endsWith('istio.io');
        super(`the cluster does not serve kind ${kind} (apiVersion ${apiVersion})`, {
            hint: istio
                ? `is Istio installed? ${kind} is defined by Istio's CRDs: install Istio first (istio install input), or use an apiVersion the installed Istio serves.`
                : `Check the apiVersion and kind; the cluster's API discovery does not list ${kind} in ${apiVersion}.`
        });
        this.name = 'UnknownKindError';
        this.apiVersion = apiVersion;
        this.kind = kind;
    }
}
function enc(s) {
    return encodeURIComponent(s);
}
class Kube {
    fieldManager;
    t;
    discovery = new Map();
    /**
     * What dry runs of this connection would have created: namespaces, and the kinds of would-be CRDs
     * (group/Kind). The API server cannot dry-run an object inside either, so a later dry run of such an
     * object reports it as "created" as given — every step plans the same way, in any order.
     */
    planned = {
        namespaces: new Set(),
        kinds: new Map()
    };
    constructor(t, fieldManager) {
        this.t = t;
        this.fieldManager = fieldManager;
    }
    /**
     * Loads the kubeconfig and prepares credentials. Sends no request: call serverVersion() to check
     * that the cluster answers.
     */
    static async connect(opts) {
        const t = Transport.open(opts);
        return new Kube(t, opts.fieldManager ?? 'ask-istio-action');
    }
    /**
     * The same connection applying under another field manager. A Lease holder uses its own manager so
     * that server-side apply itself refuses a second holder (409 Conflict on holderIdentity).
     */
    withFieldManager(fieldManager) {
        return new Kube(this.t, fieldManager);
    }
    /** Live counters (the same object every time; copy it to take a snapshot). */
    get stats() {
        return this.t.stats;
    }
    get server() {
        return this.t.server;
    }
    /** A dry run's connection (ConnectOptions.dryRun): every apply and delete is a server-side dry run. */
    get dryRun() {
        return this.t.dryRun;
    }
    /** The signal every request of this connection obeys (the job's cancellation), for callers' own waits. */
    get signal() {
        return this.t.signal;
    }
    get defaultNamespace() {
        return this.t.defaultNamespace;
    }
    async close() {
        await this.t.close();
    }
    async serverVersion() {
        const { body } = await this.t.json({
            method: 'GET',
            path: '/version',
            info: { verb: 'get', resource: 'version', group: '' },
            write: false,
            retry: 'all'
        });
        return body;
    }
    /** Discovery for one kind, cached per groupVersion. Unknown kinds are re-checked every time (CRDs appear). */
    async resource(apiVersion, kind) {
        const cached = this.discovery.get(apiVersion)?.get(kind);
        if (cached)
            return cached;
        const group = (0,kube_objects/* groupOf */.F8)(apiVersion);
        const version = group ? apiVersion.slice(group.length + 1) : apiVersion;
        const res = await this.t.send({
            method: 'GET',
            path: group ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
            info: { verb: 'get', resource: `discovery of ${apiVersion}`, group },
            write: false,
            retry: 'all',
            accept: [404]
        });
        if (res.status === 404)
            throw new UnknownKindError(apiVersion, kind);
        const list = JSON.parse(res.text);
        const byKind = new Map();
        for (const r of list.resources ?? []) {
            if (r.name.includes('/'))
                continue; // subresources (pods/log, deployments/scale)
            byKind.set(r.kind, { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
        }
        this.discovery.set(apiVersion, byKind);
        const info = byKind.get(kind);
        if (!info)
            throw new UnknownKindError(apiVersion, kind);
        return info;
    }
    collectionPath(r, apiVersion, namespace) {
        const base = r.group ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        const ns = r.namespaced && namespace ? `/namespaces/${enc(namespace)}` : '';
        return `${base}${ns}/${r.plural}`;
    }
    async objectPath(ref) {
        const r = await this.resource(ref.apiVersion, ref.kind);
        const namespace = r.namespaced ? (ref.namespace ?? this.t.defaultNamespace) : undefined;
        return { r, namespace, path: `${this.collectionPath(r, ref.apiVersion, namespace)}/${enc(ref.name)}` };
    }
    /** The live object, or undefined when it does not exist. */
    async get(ref) {
        const { r, path, namespace } = await this.objectPath(ref);
        const res = await this.t.send({
            method: 'GET',
            path,
            info: { verb: 'get', resource: r.plural, group: r.group, namespace, name: ref.name },
            write: false,
            retry: 'all',
            accept: [404]
        });
        if (res.status === 404)
            return undefined;
        return { ...JSON.parse(res.text), apiVersion: ref.apiVersion, kind: ref.kind };
    }
    /** Objects of one kind; all namespaces when `namespace` is omitted for a namespaced kind. */
    async list(apiVersion, kind, opts = {}) {
        const r = await this.resource(apiVersion, kind);
        const { body } = await this.t.json({
            method: 'GET',
            path: this.collectionPath(r, apiVersion, opts.namespace),
            query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
            info: {
                verb: 'list',
                resource: r.plural,
                group: r.group,
                namespace: r.namespaced ? opts.namespace : undefined
            },
            write: false,
            retry: 'all'
        });
        // List items carry no apiVersion/kind of their own; callers expect whole objects.
        return (body.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
    }
    /** A JSON merge patch that deletes the given field paths (null removes a key in a merge patch). */
    async removeFields(obj, r, path, fields) {
        const patch = {};
        for (const field of fields) {
            let at = patch;
            field.forEach((key, i) => {
                if (i === field.length - 1)
                    at[key] = null;
                else
                    at = (at[key] ??= {});
            });
        }
        await this.t.json({
            method: 'PATCH',
            path,
            query: { fieldManager: this.fieldManager },
            contentType: 'application/merge-patch+json',
            body: JSON.stringify(patch),
            info: patchInfo(obj, r),
            write: true,
            retry: 'all'
        });
    }
    async serverSideApply(obj, r, path, dryRun, force) {
        const { body } = await this.t.json({
            method: 'PATCH',
            path,
            query: {
                fieldManager: this.fieldManager,
                force: force ? true : undefined,
                dryRun: dryRun ? 'All' : undefined
            },
            // SSA accepts JSON as a YAML document.
            contentType: 'application/apply-patch+yaml',
            body: JSON.stringify(obj),
            info: patchInfo(obj, r),
            write: !dryRun,
            // Server-side apply is idempotent: repeating it converges on the same object.
            retry: 'all'
        });
        return { ...body, apiVersion: obj.apiVersion, kind: obj.kind };
    }
    /**
     * Server-side applies each object, in order. An existing object is first applied as a dry run and
     * compared with the live one; only a real difference (including field ownership) is written, so
     * re-applying identical manifests makes no writes at all.
     */
    async apply(objects, opts = {}) {
        const dryRun = this.dryRun || opts.dryRun === true;
        const outcomes = [];
        for (const original of objects) {
            const plannedKind = dryRun
                ? this.planned.kinds.get(`${(0,kube_objects/* groupOf */.F8)(original.apiVersion)}/${original.kind}`)
                : undefined;
            if (plannedKind) {
                // Its CRD would be created by this dry run: the server does not serve the kind yet.
                const obj = (0,kube_objects/* withApplyDefaults */.R0)(original);
                if (plannedKind.namespaced)
                    obj.metadata.namespace = obj.metadata.namespace ?? opts.namespace ?? this.t.defaultNamespace;
                else
                    delete obj.metadata.namespace;
                outcomes.push({ ref: (0,kube_objects/* refOf */.H8)(obj), action: 'created', object: obj });
                continue;
            }
            const r = await this.resource(original.apiVersion, original.kind);
            const obj = (0,kube_objects/* withApplyDefaults */.R0)(original);
            if (r.namespaced)
                obj.metadata.namespace = obj.metadata.namespace ?? opts.namespace ?? this.t.defaultNamespace;
            else
                delete obj.metadata.namespace;
            const ref = (0,kube_objects/* refOf */.H8)(obj);
            const { path } = await this.objectPath(ref);
            if (dryRun && obj.metadata.namespace && this.planned.namespaces.has(obj.metadata.namespace)) {
                outcomes.push({ ref, action: 'created', object: obj });
                continue;
            }
            let live = await this.get(ref);
            if (!live) {
                const created = await this.serverSideApply(obj, r, path, dryRun, opts.force === true);
                if (dryRun)
                    this.plan(obj);
                outcomes.push({ ref, action: 'created', object: created });
                continue;
            }
            let preview;
            try {
                preview = await this.serverSideApply(obj, r, path, true, opts.force === true);
            }
            catch (err) {
                // kube-apiserver before 1.21 (kubernetes/kubernetes#103011): an apply that drops an object-typed
                // field of a custom resource stores null there, which the CRD's schema then refuses. Removing
                // those fields with a merge patch first lets the apply through (e.g. mtls on → off drops a
                // DestinationRule's trafficPolicy).
                const dropped = droppedFieldsNulled(err, obj);
                if (dropped.length === 0)
                    throw err;
                if (dryRun) {
                    outcomes.push({ ref, action: 'updated', object: obj, changed: dropped.map((d) => d.join('.')) });
                    continue;
                }
                await this.removeFields(obj, r, path, dropped);
                preview = await this.serverSideApply(obj, r, path, true, opts.force === true);
                live = (await this.get(ref)) ?? live;
            }
            // A dry run keeps the resourceVersion it was computed on. If a controller wrote the object
            // between our GET and the dry run, compare against that newer version instead.
            for (let i = 0; i < 2 && preview.metadata.resourceVersion !== live.metadata.resourceVersion; i++) {
                const fresh = await this.get(ref);
                if (!fresh)
                    break;
                live = fresh;
                if (!(0,kube_objects/* sameIntent */.Xx)(preview, live, this.fieldManager))
                    preview = await this.serverSideApply(obj, r, path, true, opts.force === true);
            }
            if ((0,kube_objects/* sameIntent */.Xx)(preview, live, this.fieldManager)) {
                outcomes.push({ ref, action: 'unchanged', object: live });
                continue;
            }
            const changed = (0,kube_objects/* diffPaths */.YS)(preview, live, 10, this.fieldManager);
            const updated = dryRun ? preview : await this.serverSideApply(obj, r, path, false, opts.force === true);
            outcomes.push({ ref, action: 'updated', object: updated, changed });
        }
        return outcomes;
    }
    /** Remembers what a dry run would create that later dry runs must plan inside (see `planned`). */
    plan(obj) {
        if (obj.kind === 'Namespace' && obj.apiVersion === 'v1')
            this.planned.namespaces.add(obj.metadata.name);
        if (obj.kind === 'CustomResourceDefinition' && (0,kube_objects/* groupOf */.F8)(obj.apiVersion) === 'apiextensions.k8s.io') {
            const spec = obj.spec;
            if (spec?.group && spec.names?.kind)
                this.planned.kinds.set(`${spec.group}/${spec.names.kind}`, { namespaced: spec.scope !== 'Cluster' });
        }
    }
    /**
     * Deletes one object (background propagation). Returns false when it was already gone, including
     * when its kind no longer exists (CRD removed).
     */
    async delete(ref, opts = {}) {
        const dryRun = this.dryRun || opts.dryRun === true;
        let target;
        try {
            target = await this.objectPath(ref);
        }
        catch (err) {
            if (err instanceof UnknownKindError)
                return false;
            throw err;
        }
        const res = await this.t.send({
            method: 'DELETE',
            path: target.path,
            query: { dryRun: dryRun ? 'All' : undefined },
            // dryRun goes in the body too: with a DeleteOptions body the server ignores the query's dryRun.
            body: JSON.stringify({
                apiVersion: 'v1',
                kind: 'DeleteOptions',
                propagationPolicy: opts.propagationPolicy ?? 'Background',
                ...(dryRun ? { dryRun: ['All'] } : {})
            }),
            info: {
                verb: 'delete',
                resource: target.r.plural,
                group: target.r.group,
                namespace: target.namespace,
                name: ref.name
            },
            write: !dryRun,
            // A repeated DELETE either deletes or finds it gone (404 → false): safe to retry.
            retry: 'all',
            accept: [404]
        });
        return res.status !== 404;
    }
    /**
     * Waits until `check` says done for the objects matching `query`: lists, then watches from the list's
     * resourceVersion and re-checks on every event. Rejects on timeout with the last progress and
     * failure text, or at once when `check` reports a fatal failure.
     */
    async waitFor(query, check, opts) {
        const r = await this.resource(query.apiVersion, query.kind);
        const namespace = r.namespaced ? query.namespace : undefined;
        return waitUntil(this.t, {
            path: this.collectionPath(r, query.apiVersion, namespace),
            info: { verb: 'watch', resource: r.plural, group: r.group, namespace }
        }, query, check, { ...opts, description: opts.description ?? describeQuery(query) });
    }
    /**
     * GET through the API server's service proxy. The service's own answer (any status) is returned;
     * failures of the proxy itself (no endpoints, service missing, dial errors) throw an ActionError.
     */
    async proxyGet(namespace, service, port, path, opts = {}) {
        const sub = path.replace(/^\/+/, '');
        const info = {
            verb: 'get',
            resource: 'services/proxy',
            group: '',
            namespace,
            name: `${service}:${port}`
        };
        const res = await this.t.send({
            method: 'GET',
            path: `/api/v1/namespaces/${enc(namespace)}/services/${enc(service)}:${enc(String(port))}/proxy/${sub}`,
            info,
            write: false,
            // The proxied service's 5xx is an answer to report, not an API-server hiccup to retry.
            retry: 'network',
            accept: '*',
            signal: opts.signal
        });
        if (res.status >= 400) {
            const status = parseStatus(res.text);
            if (res.status === 401 || res.status === 403)
                throw apiError({ ...info, server: this.t.server, user: undefined }, res.status, res.text);
            if (status?.status === 'Failure') {
                const what = `Service ${namespace}/${service} port ${port}`;
                const noEndpoints = /no endpoints available/i.test(status.message ?? '');
                throw new errors/* ActionError */.lZ(`cannot reach ${what} through the API server proxy: ${status.message ?? status.reason ?? res.status}`, {
                    details: [`GET ${path} → HTTP ${res.status}${status.reason ? ` (${status.reason})` : ''}`],
                    hint: noEndpoints
                        ? `No ready pod backs ${what}: check that its pods are Running and Ready and that the Service selector matches them.`
                        : status.reason === 'NotFound'
                            ? `Check that ${what} exists.`
                            : "The API server could not connect to the service's pods; check the pods and the Service's target port."
                });
            }
        }
        return { status: res.status, body: res.text };
    }
    /** Recent events about one object as "Reason: message" (newest last; repeats noted as "(xN)"). */
    async eventsFor(ref, limit = 10) {
        const fields = [`involvedObject.kind=${ref.kind}`, `involvedObject.name=${ref.name}`];
        if (ref.namespace)
            fields.push(`involvedObject.namespace=${ref.namespace}`);
        const events = await this.list('v1', 'Event', {
            namespace: ref.namespace,
            fieldSelector: fields.join(',')
        });
        const when = (e) => String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '');
        // Timestamps have one-second resolution, so a pod's start-up events often tie; the resourceVersion
        // (etcd's write order) then tells which came last, e.g. the Unhealthy after the Created/Started.
        const order = (e) => Number(e.metadata.resourceVersion ?? 0) || 0;
        return events
            .sort((a, b) => when(a).localeCompare(when(b)) || order(a) - order(b))
            .slice(-limit)
            .map((e) => {
            const count = typeof e.count === 'number' && e.count > 1 ? ` (x${e.count})` : '';
            return `${String(e.reason ?? 'Event')}: ${String(e.message ?? '').trim()}${count}`;
        });
    }
    /**
     * Whether `user` (with `groups`) may do what `attributes` describe, via SubjectAccessReview; without a
     * user, asks about the current identity (SelfSubjectAccessReview). `name` matters for rules with
     * resourceNames, such as `use` on one PodSecurityPolicy.
     */
    async accessReview(attributes, subject) {
        const kind = subject ? 'SubjectAccessReview' : 'SelfSubjectAccessReview';
        const plural = subject ? 'subjectaccessreviews' : 'selfsubjectaccessreviews';
        const { body } = await this.t.json({
            method: 'POST',
            path: `/apis/authorization.k8s.io/v1/${plural}`,
            body: JSON.stringify({
                apiVersion: 'authorization.k8s.io/v1',
                kind,
                spec: { resourceAttributes: { group: '', ...attributes }, ...(subject ?? {}) }
            }),
            info: { verb: 'create', resource: plural, group: 'authorization.k8s.io' },
            write: false,
            retry: 'all'
        });
        return body.status?.allowed === true;
    }
}
function patchInfo(obj, r) {
    return {
        verb: 'patch',
        resource: r.plural,
        group: r.group,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name
    };
}
/**
 * The fields a refused apply turned into null although the applied object simply leaves them out: for
 * each `<path>: Invalid value: "null"` cause, the shallowest part of that path missing from `applied`.
 */
function droppedFieldsNulled(err, applied) {
    if (!(err instanceof KubeApiError) || err.status !== 422)
        return [];
    const out = new Map();
    for (const line of err.details) {
        const m = /^([A-Za-z0-9_.-]+): Invalid value: "null"/.exec(line);
        if (!m?.[1])
            continue;
        const parts = m[1].split('.');
        let at = applied;
        for (let i = 0; i < parts.length; i++) {
            const next = at?.[parts[i] ?? ''];
            if (next === undefined) {
                const field = parts.slice(0, i + 1);
                out.set(field.join('.'), field);
                break;
            }
            at = next;
        }
    }
    return [...out.values()];
}
function isNotFound(err) {
    return err?.status === 404;
}

;// CONCATENATED MODULE: ./src/kube/stats.ts
// What the kube layer counts for a run, and the one machine-readable way it leaves the action.
/** The debug line that carries a run's KubeStats as JSON: `::debug::kube-stats {"requests":…}`. */
const KUBE_STATS_DEBUG_PREFIX = 'kube-stats ';

// EXTERNAL MODULE: ./src/ownership.ts
var src_ownership = __webpack_require__(92334);
// EXTERNAL MODULE: ./src/versions.ts
var versions = __webpack_require__(27902);
;// CONCATENATED MODULE: ./src/istio/supportStatus.generated.ts
// Generated by `npm run support-table` from src/istio/data/supportStatus.yml; do not edit by hand.
// The data file says:
//
// Istio's published support data: repository istio/istio.io, file data/compatibility/supportStatus.yml
// (branch master), the data behind https://istio.io/latest/docs/releases/supported-releases/.
//
// Copied on 2026-12-01. The newest copy of the master file that could be read then lists Istio 1.30
// (released May 14, 2026) and marks 1.28 end of life on Jul 1, 2026; its text was cut off inside the
// 1.25 entry. The entries from 1.25 down to 1.13 are therefore taken from the same file at the earlier
// commit 133cc2e7215b55f0f53b43c7937c74b6d931154d (Aug 2025, as kept in the fork mikemorris/istio.io);
// its 1.25 entry agrees with everything the newer copy shows of it. Istio publishes no entries before
// 1.13 in this file.
//
// Entries are as published (newest first), without the "master" row. After changing this file run
// `npm run support-table` to regenerate src/istio/supportStatus.generated.ts; a unit test checks that
// the generated table matches this file.
/** Kubernetes minors (1.x) that each Istio minor (1.x) supports, as Istio publishes them. */
const KUBERNETES_SUPPORT = {
    13: [20, 21, 22, 23],
    14: [21, 22, 23, 24],
    15: [22, 23, 24, 25],
    16: [22, 23, 24, 25],
    17: [23, 24, 25, 26],
    18: [24, 25, 26, 27],
    19: [25, 26, 27, 28],
    20: [25, 26, 27, 28, 29],
    21: [26, 27, 28, 29],
    22: [27, 28, 29, 30],
    23: [27, 28, 29, 30],
    24: [28, 29, 30, 31],
    25: [29, 30, 31, 32],
    26: [29, 30, 31, 32, 33],
    27: [29, 30, 31, 32, 33],
    28: [30, 31, 32, 33, 34],
    29: [31, 32, 33, 34, 35],
    30: [32, 33, 34, 35, 36]
};

;// CONCATENATED MODULE: ./src/istio/compat.ts
// Istio release ↔ Kubernetes version support (pure). Istio publishes a support matrix per minor
// release; installing outside it "works" until a removed API bites (PDB policy/v1beta1 on ≥1.25, CEL
// rules and policy/v1 on old clusters). We check before touching the cluster and say which versions fit.
// The matrix is Istio's own data (supportStatus.generated.ts, generated from src/istio/data/); an Istio
// minor the data does not list is "unknown": allowed, with a warning.


const PUBLISHED = Object.keys(KUBERNETES_SUPPORT)
    .map(Number)
    .sort((a, b) => a - b);
const OLDEST = PUBLISHED[0] ?? 0;
const NEWEST = PUBLISHED.at(-1) ?? 0;
function parseMinor(version) {
    const v = (0,versions/* majorMinor */.vI)(version);
    if (!v)
        throw new Error(`cannot read a version from "${version}"`);
    return v;
}
function checkCompatibility(istioVersion, kubeVersion) {
    const istio = parseMinor(istioVersion);
    const kube = parseMinor(kubeVersion);
    const kubeMinors = istio.major === 1 && kube.major === 1 ? KUBERNETES_SUPPORT[istio.minor] : undefined;
    const fitting = kube.major === 1 ? PUBLISHED.filter((m) => KUBERNETES_SUPPORT[m]?.includes(kube.minor)) : [];
    const fixes = [];
    // Istio ≤ 1.13 hard-codes policy/v1beta1 PodDisruptionBudgets, which Kubernetes 1.25 removed; from
    // 1.14.0 the charts pick policy/v1 by the cluster's capabilities (Kubernetes ≥ 1.21).
    if (istio.major === 1 && istio.minor <= 13 && kube.minor >= 25) {
        fixes.push({
            key: 'values.global.defaultPodDisruptionBudget.enabled',
            value: 'false',
            why: `Istio ${istio.major}.${istio.minor} ships policy/v1beta1 PodDisruptionBudgets, removed in Kubernetes 1.25`
        });
    }
    const k = `Kubernetes ${kube.major}.${kube.minor}`;
    const i = `Istio ${istio.major}.${istio.minor}`;
    if (!kubeMinors) {
        const side = istio.major > 1 || istio.minor > NEWEST ? 'newer' : 'older';
        return {
            status: 'unknown',
            supported: true,
            fixes,
            fittingIstioMinors: fitting,
            message: `${i} is ${side} than Istio's published support data (1.${OLDEST}–1.${NEWEST}); cannot tell whether it supports ${k}`
        };
    }
    const range = { min: Math.min(...kubeMinors), max: Math.max(...kubeMinors) };
    const supported = kubeMinors.includes(kube.minor);
    const span = `1.${range.min}–1.${range.max}`;
    return {
        status: supported ? 'supported' : 'unsupported',
        supported,
        range,
        fixes,
        fittingIstioMinors: fitting,
        message: supported
            ? `${i} supports ${k} (supported range ${span})`
            : `${i} does not support ${k}: it supports Kubernetes ${span}` +
                (fitting.length
                    ? `; Istio ${fitting.map((m) => `1.${m}`).join(', ')} ${fitting.length === 1 ? 'supports' : 'support'} ${k}`
                    : '')
    };
}

// EXTERNAL MODULE: ./src/istio/profiles.ts
var profiles = __webpack_require__(17052);
;// CONCATENATED MODULE: ./src/kube/readiness.ts
// Pure judgements over live objects: is a Deployment rolled out, how many pods are ready, why a pod
// is stuck, where a Service can be reached. Used by wait predicates and by error reports.
function rec(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}
function num(v, fallback = 0) {
    return typeof v === 'number' ? v : fallback;
}
function conditions(o) {
    const c = rec(o.status).conditions;
    return Array.isArray(c) ? c : [];
}
/**
 * A Deployment is ready when the controller has seen its latest spec (observedGeneration), every
 * replica runs the current template (updated == replicas), all of them are available, and no old
 * replicas linger (status.replicas == replicas).
 */
function deploymentReady(d) {
    const spec = rec(d.spec);
    const status = rec(d.status);
    const want = num(spec.replicas, 1);
    return (num(status.observedGeneration, -1) >= num(d.metadata.generation, 0) &&
        num(status.updatedReplicas) === want &&
        num(status.availableReplicas) >= want &&
        num(status.replicas) === want);
}
/** "productpage-v1: 1/2 available, 2/2 updated", or the controller's reason when it has given up. */
function deploymentProgress(d) {
    const spec = rec(d.spec);
    const status = rec(d.status);
    const want = num(spec.replicas, 1);
    const name = d.metadata.name;
    if (num(status.observedGeneration, -1) < num(d.metadata.generation, 0))
        return `${name}: waiting for the controller to see the new spec`;
    const stalled = conditions(d).find((c) => c.type === 'Progressing' && c.status === 'False');
    const failed = conditions(d).find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    const base = `${name}: ${num(status.availableReplicas)}/${want} available, ${num(status.updatedReplicas)}/${want} updated`;
    if (failed)
        return `${base} (${failed.reason ?? 'ReplicaFailure'}: ${failed.message ?? ''})`;
    if (stalled)
        return `${base} (${stalled.reason ?? 'not progressing'}: ${stalled.message ?? ''})`;
    return base;
}
function podIsReady(pod) {
    return (conditions(pod).some((c) => c.type === 'Ready' && c.status === 'True') && !pod.metadata.deletionTimestamp);
}
/** Ready pods over all pods (terminating pods excluded), e.g. "2/3". */
function podReadySummary(pods) {
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    return `${live.filter(podIsReady).length}/${live.length}`;
}
/** Ready containers over all containers of one pod, as kubectl's READY column ("2/2"). */
/**
 * The pod's running containers by name: its regular containers and its sidecar containers (init containers
 * with restartPolicy Always, as Istio 1.30 injects istio-proxy on Kubernetes >= 1.29).
 */
function sidecarContainerNames(pod) {
    const inits = rec(pod.spec).initContainers;
    return (Array.isArray(inits) ? inits : [])
        .map(rec)
        .filter((c) => c.restartPolicy === 'Always')
        .map((c) => String(c.name));
}
/** Names of the containers that run for the pod's lifetime: regular and sidecar containers. */
function runningContainerNames(pod) {
    const containers = rec(pod.spec).containers;
    return [
        ...sidecarContainerNames(pod),
        ...(Array.isArray(containers) ? containers : []).map((c) => String(rec(c).name))
    ];
}
function containerReadySummary(pod) {
    // Sidecar containers (init containers with restartPolicy Always: Istio's native-sidecar istio-proxy on
    // Kubernetes >= 1.29) count like regular ones, as `kubectl get pods` counts them.
    const sidecars = new Set(sidecarContainerNames(pod));
    const statuses = [
        ...containerStatuses(pod, 'initContainerStatuses').filter((s) => sidecars.has(String(s.name))),
        ...containerStatuses(pod, 'containerStatuses')
    ];
    const specCount = (Array.isArray(rec(pod.spec).containers) ? rec(pod.spec).containers.length : 0) +
        sidecars.size;
    return `${statuses.filter((s) => s.ready).length}/${Math.max(specCount, statuses.length)}`;
}
function containerStatuses(pod, key) {
    const s = rec(pod.status)[key];
    return Array.isArray(s) ? s : [];
}
const PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
/** Restarts of an init container after which it counts as stuck even between back-off waits. */
const INIT_RESTARTS_STUCK = 3;
function detail(message) {
    const m = message?.trim();
    return m ? `: ${m}` : '';
}
/**
 * Why a pod cannot become ready, as one sentence naming the pod and container, or undefined when
 * nothing is wrong (yet). Covers crash loops, image pulls, bad container config, scheduling, stuck
 * init containers and failed pods.
 */
function podFailure(pod) {
    const name = `pod ${pod.metadata.name}`;
    const status = rec(pod.status);
    if (status.phase === 'Failed') {
        return `${name} failed${status.reason ? ` (${String(status.reason)})` : ''}${detail(status.message)}`;
    }
    const unschedulable = conditions(pod).find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
    if (unschedulable)
        return `${name} cannot be scheduled${detail(unschedulable.message)}`;
    for (const s of containerStatuses(pod, 'initContainerStatuses')) {
        const problem = containerProblem(s, true);
        if (problem)
            return `${name}: init container ${s.name ?? '?'} ${problem}`;
    }
    for (const s of containerStatuses(pod, 'containerStatuses')) {
        const problem = containerProblem(s, false);
        if (problem)
            return `${name}: container ${s.name ?? '?'} ${problem}`;
    }
    return undefined;
}
/** A crash loop with this many restarts is no start-up race any more (one crash can be a dependency not up yet). */
const CRASH_RESTARTS_FINAL = 2;
/** Waiting reasons the kubelet reports only after its own retries failed, or that no retry can fix. */
const FINAL_PULL_REASONS = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
/**
 * Whether `podFailure(pod)` will not fix itself, so a wait should give up at once instead of running
 * into its timeout: failed pods, image pulls the kubelet already backs off from, repeated crashes and
 * stuck init containers. A first ErrImagePull, a single crash or an unschedulable pod can still recover.
 */
function podFailureIsFinal(pod) {
    if (rec(pod.status).phase === 'Failed')
        return true;
    const statuses = [
        ...containerStatuses(pod, 'initContainerStatuses').map((s) => ({ s, init: true })),
        ...containerStatuses(pod, 'containerStatuses').map((s) => ({ s, init: false }))
    ];
    return statuses.some(({ s, init }) => {
        const reason = s.state?.waiting?.reason ?? '';
        if (FINAL_PULL_REASONS.has(reason))
            return true;
        if (reason === 'CrashLoopBackOff')
            return num(s.restartCount) >= CRASH_RESTARTS_FINAL;
        return init && num(s.restartCount) >= INIT_RESTARTS_STUCK && !s.ready;
    });
}
function containerProblem(s, init) {
    const waiting = s.state?.waiting;
    const reason = waiting?.reason ?? '';
    if (PULL_REASONS.has(reason))
        return `cannot pull image ${s.image ?? ''} (${reason})${detail(waiting?.message)}`.replace('  ', ' ');
    if (CONFIG_REASONS.has(reason))
        return `cannot start (${reason})${detail(waiting?.message)}`;
    const restarts = num(s.restartCount);
    const last = s.lastState?.terminated ?? s.state?.terminated;
    const lastExit = last
        ? `, last exit code ${num(last.exitCode)}${last.reason ? ` (${last.reason})` : ''}${detail(last.message)}`
        : '';
    if (reason === 'CrashLoopBackOff')
        return `is crash-looping (CrashLoopBackOff, ${restarts} restarts${lastExit})`;
    if (init && restarts >= INIT_RESTARTS_STUCK && !s.ready)
        return `keeps failing (${restarts} restarts${lastExit})`;
    return undefined;
}
/** The first container's image of a Deployment (or of any object with a pod template). */
function containerImage(d) {
    const spec = d?.spec;
    return spec?.template?.spec?.containers?.[0]?.image;
}
/** A Deployment as a row of the report's component table: ready/desired replicas and its image. */
function componentRow(d) {
    const status = (d.status ?? {});
    const spec = (d.spec ?? {});
    return {
        namespace: d.metadata.namespace ?? '',
        name: d.metadata.name,
        ready: status.readyReplicas ?? 0,
        desired: spec.replicas ?? status.replicas ?? 1,
        image: containerImage(d) ?? ''
    };
}

;// CONCATENATED MODULE: ./src/istio/install.ts
// Installing Istio: a pure plan (what to do given the observed control plane and the inputs) and a thin
// apply (istioctl precheck + install, then a watch until the control plane Deployments are available).




/** `--set` path with dots inside a key escaped, as istioctl's path syntax requires. */
function setPath(prefix, key) {
    return `${prefix}.${key.replace(/\./g, '\\.')}`;
}
function istiodName(revision) {
    return revision ? `istiod-${revision}` : 'istiod';
}
/** The Deployments in istio-system the install must make available, from the profile and istio-set. */
function controlPlaneDeployments(cfg, version) {
    const shape = (0,profiles/* controlPlaneShape */.$V)(cfg, (0,profiles/* istioMinorOf */.jH)(version));
    return [
        ...(shape.istiod ? [istiodName(cfg.revision)] : []),
        ...(shape.ingressGateway ? ['istio-ingressgateway'] : []),
        ...(shape.egressGateway ? ['istio-egressgateway'] : [])
    ];
}
function installArgs(cfg, opts) {
    const sets = [{ key: 'profile', value: cfg.profile }];
    if (!cfg.egressGateway)
        sets.push({ key: 'components.egressGateways[0].enabled', value: 'false' });
    if (opts.cni)
        sets.push({ key: 'components.cni.enabled', value: 'true' });
    for (const [k, v] of Object.entries(cfg.ingressAnnotations)) {
        sets.push({ key: setPath('values.gateways.istio-ingressgateway.serviceAnnotations', k), value: v });
    }
    sets.push(...(opts.extraSets ?? []), ...cfg.set);
    const args = ['install'];
    for (const s of sets)
        args.push('--set', `${s.key}=${s.value}`);
    if (cfg.revision)
        args.push('--revision', cfg.revision);
    // istioctl waits for its components itself; give it the same budget we use.
    args.push('--readiness-timeout', `${Math.max(1, Math.round(opts.readinessTimeoutMs / 1000))}s`);
    // Without -y istioctl prompts and, reading EOF in CI, exits 1 ("Cancelled.").
    args.push('-y');
    return args;
}
function planInstall(cfg, version, observed, opts) {
    const deployments = controlPlaneDeployments(cfg, version);
    const warnings = [];
    const args = installArgs(cfg, opts);
    const installed = observed.installedVersion && (0,semver.valid)(observed.installedVersion) ? observed.installedVersion : undefined;
    // empty / remote: no istiod here, so nothing tells the installed version (its image tag is the signal).
    const localIstiod = deployments.includes(istiodName(cfg.revision));
    const skip = (reason) => ({
        action: 'skip',
        reason,
        args: [],
        deployments,
        injectorFirst: false,
        warnings
    });
    const run = (action, reason) => ({
        action,
        reason,
        args,
        deployments,
        injectorFirst: localIstiod && action !== 'reconcile',
        warnings
    });
    if (cfg.install === 'never') {
        if (!observed.installedVersion && localIstiod) {
            throw new errors/* ActionError */.lZ('install-istio is "never" but Istio is not installed in istio-system.', {
                hint: 'install Istio first, or set install-istio: auto'
            });
        }
        if (installed && installed !== version) {
            warnings.push(`istio-system runs Istio ${installed}, istioctl is ${version}; not installing (install-istio: never)`);
        }
        return skip(`install-istio: never (found Istio ${observed.installedVersion})`);
    }
    // Any istiod present (even one with a non-release tag) is reconciled in place, not installed afresh.
    if (cfg.install === 'always')
        return run(observed.installedVersion ? 'reconcile' : 'install', 'install-istio: always');
    if (!localIstiod && cfg.install === 'auto')
        return run('reconcile', `istio-profile ${cfg.profile} runs no istiod in this cluster, so the installed version cannot be read; istioctl reconciles the install`);
    if (!observed.installedVersion)
        return run('install', 'Istio is not installed');
    if (!installed)
        return run('reconcile', `installed version "${observed.installedVersion}" is not a release version`);
    if ((0,semver.compare)(installed, version) < 0)
        return run('upgrade', `Istio ${installed} is older than ${version}`);
    if ((0,semver.compare)(installed, version) > 0) {
        // A shared cluster where another pipeline installed a newer Istio: never downgrade it implicitly.
        warnings.push(`istio-system runs Istio ${installed}, newer than ${version}; leaving it (use install-istio: always to force)`);
        return skip(`Istio ${installed} is newer than ${version}`);
    }
    // Each gateway present exactly when the profile and istio-set want it (minimal has no ingress gateway).
    const shapeOk = observed.ingressPresent === deployments.includes('istio-ingressgateway') &&
        observed.egressPresent === deployments.includes('istio-egressgateway');
    if (!observed.istiodReady)
        return run('reconcile', `Istio ${installed} is installed but istiod is not ready`);
    if (!shapeOk)
        return run('reconcile', `Istio ${installed} is installed but its gateways differ from the inputs`);
    return skip(`Istio ${installed} is installed and healthy`);
}
/** The chart's sidecar injector configuration of istiod in istio-system (one per revision). */
function injectorWebhookName(revision) {
    return revision ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector';
}
/** Whether this istiod Deployment is available and runs `version`: the one that must inject Bookinfo. */
function istiodServes(istiod, version) {
    return !!istiod && deploymentReady(istiod) && versionFromImage(containerImage(istiod)) === version;
}
/**
 * Whether the injector configuration can admit pods: every webhook that calls a Service has a CA to trust.
 * The chart leaves caBundle empty and istiod patches its own CA in when it starts; until then the API
 * server cannot call it and refuses every pod of an injected namespace (failurePolicy Fail).
 */
function injectorConfigured(config) {
    const webhooks = config?.webhooks;
    return (!!webhooks &&
        webhooks.length > 0 &&
        webhooks.every((w) => !w.clientConfig?.service || !!w.clientConfig.caBundle));
}
/** Version from an image reference such as docker.io/istio/pilot:1.13.3 or …/pilot:1.30.3-distroless. */
function versionFromImage(image) {
    if (!image)
        return undefined;
    // The tag is after the last ':' of the last path segment; an earlier ':' is a registry port
    // (registry.local:5000/istio/pilot), and an image pinned only by digest has no tag at all.
    const name = (image.split('@')[0] ?? '').split('/').pop() ?? '';
    const colon = name.lastIndexOf(':');
    const tag = colon >= 0 ? name.slice(colon + 1) : '';
    const m = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)$/.exec(tag.replace(/-distroless$/, ''));
    return m ? m[1] : tag || undefined;
}
/**
 * `--set` values for the data plane the preflight chose. Istio CNI replaces istio-init (which needs
 * NET_ADMIN/NET_RAW) with a node agent; ambient mode needs that agent plus ztunnel, both DaemonSets, which
 * is why neither is possible on serverless (virtual-kubelet only) clusters. The ambient values mirror
 * Istio's own `ambient` profile on top of the chosen profile, so the demo gateways stay.
 */
function dataplaneSets(opts) {
    const sets = [];
    if (opts.cni || opts.ambient)
        sets.push({ key: 'components.cni.enabled', value: 'true' });
    if (opts.ambient) {
        sets.push({ key: 'components.ztunnel.enabled', value: 'true' });
        sets.push({ key: 'values.profile', value: 'ambient' });
    }
    return sets;
}

;// CONCATENATED MODULE: ./src/kube/nodes.ts
/** Serverless (ASK/ECI) clusters run every pod on virtual-kubelet nodes, which offer no NodePort. */
function isServerless(nodes) {
    return (nodes.length > 0 &&
        nodes.every((n) => {
            const l = n.metadata.labels ?? {};
            return l['type'] === 'virtual-kubelet' || l['alibabacloud.com/virtual-node'] === 'true';
        }));
}

;// CONCATENATED MODULE: ./src/istio/preflight.ts
// Before installing anything: is this Istio release made for this cluster, what kind of cluster is it
// (serverless ASK or real nodes), and may the namespace's pods add the capabilities istio-init needs?
// From those answers it decides Istio CNI / ambient, or fails before any install with the remedy.







/** What istio-init adds (injection template, `istio-iptables`); it also runs as root. */
const ISTIO_INIT_CAPABILITIES = ['NET_ADMIN', 'NET_RAW'];
/** The PSP every ASK/ACK 1.20 cluster ships; binding it is the usual remedy. */
const ACK_PRIVILEGED_PSP = 'ack.privileged';
/** A pod that asks for what istio-init asks for; created with a server-side dry run only. */
function capabilityProbePod(namespace) {
    return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
            name: 'ask-istio-capability-probe',
            namespace,
            annotations: { 'sidecar.istio.io/inject': 'false' }
        },
        spec: {
            restartPolicy: 'Never',
            containers: [
                {
                    name: 'probe',
                    image: 'busybox',
                    securityContext: {
                        capabilities: { add: [...ISTIO_INIT_CAPABILITIES] },
                        runAsUser: 0,
                        runAsNonRoot: false
                    }
                }
            ]
        }
    };
}
/** Whether one PodSecurityPolicy admits istio-init (capabilities and running as root), and why not. */
function pspAdmitsIstioInit(psp) {
    const spec = (psp.spec ?? {});
    const name = psp.metadata.name;
    const caps = new Set([...(spec.allowedCapabilities ?? []), ...(spec.defaultAddCapabilities ?? [])]);
    const missing = caps.has('*') ? [] : ISTIO_INIT_CAPABILITIES.filter((c) => !caps.has(c));
    if (missing.length)
        return { ok: false, why: `PSP ${name}: ${missing.join(', ')} not allowed` };
    const rule = spec.runAsUser?.rule ?? 'RunAsAny';
    const rootOk = rule === 'RunAsAny' ||
        (rule === 'MustRunAs' &&
            (spec.runAsUser?.ranges ?? []).some((r) => (r.min ?? 0) <= 0 && (r.max ?? 0) >= 0));
    if (!rootOk)
        return { ok: false, why: `PSP ${name}: runAsUser ${rule} refuses root (istio-init runs as 0)` };
    return { ok: true, why: `PSP ${name} allows NET_ADMIN, NET_RAW and root` };
}
/** Pod Security Admission (Kubernetes ≥ 1.25): only the `privileged` level lets pods add NET_ADMIN/NET_RAW. */
function psaAdmitsIstioInit(labels) {
    const level = labels?.['pod-security.kubernetes.io/enforce'];
    if (!level)
        return { why: 'no pod-security.kubernetes.io/enforce label: the cluster default level applies' };
    if (level === 'privileged')
        return { allowed: true, why: 'Pod Security level "privileged" is enforced' };
    return { allowed: false, why: `Pod Security level "${level}" is enforced: NET_ADMIN not allowed` };
}
/**
 * Identities whose PSPs apply to the pods of a Deployment: the ReplicaSet controller creates them (the
 * control plane runs with per-controller service accounts) and the pods run as the namespace's service
 * accounts. The deploying identity's own PSPs do not reach those pods.
 */
function workloadSubjects(namespace) {
    return [
        {
            user: 'system:serviceaccount:kube-system:replicaset-controller',
            groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']
        },
        {
            user: `system:serviceaccount:${namespace}:default`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated']
        }
    ];
}
const errText = (err) => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
/** PSP answer (Kubernetes ≤ 1.24): does some PSP usable by the workload identities admit istio-init? */
async function pspVerdict(kube, namespace) {
    let psps;
    try {
        psps = await kube.list('policy/v1beta1', 'PodSecurityPolicy');
    }
    catch (err) {
        return { checks: [`cannot list PodSecurityPolicies (${errText(err)})`] };
    }
    // Without any PSP, PSP admission cannot be on (it would refuse every pod): nothing restricts capabilities.
    if (psps.length === 0)
        return { allowed: true, checks: ['no PodSecurityPolicies in the cluster'] };
    const checks = [];
    const usable = [];
    let subjects = workloadSubjects(namespace);
    for (const psp of psps) {
        const attrs = {
            verb: 'use',
            resource: 'podsecuritypolicies',
            group: 'policy',
            namespace,
            name: psp.metadata.name
        };
        let ok = false;
        for (const s of subjects) {
            try {
                ok = await kube.accessReview(attrs, s);
            }
            catch (err) {
                // Not allowed to ask about other subjects: fall back to the deploying identity (SelfSubjectAccessReview).
                if (s === undefined)
                    throw err;
                checks.push(`SubjectAccessReview not permitted (${errText(err)}); asking for the deploying identity`);
                subjects = [undefined];
                ok = await kube.accessReview(attrs);
            }
            if (ok)
                break;
        }
        if (ok)
            usable.push(psp);
    }
    const who = subjects[0] ? "the namespace's workloads" : 'the deploying identity';
    if (usable.length === 0) {
        return { allowed: false, checks: [...checks, `no PodSecurityPolicy is usable by ${who}`] };
    }
    const verdicts = usable.map(pspAdmitsIstioInit);
    const admitting = verdicts.find((v) => v.ok);
    checks.push(`PSPs usable by ${who}: ${usable.map((p) => p.metadata.name).join(', ')}`);
    if (admitting)
        return { allowed: true, checks: [...checks, admitting.why] };
    return { allowed: false, checks: [...checks, ...verdicts.map((v) => v.why)] };
}
/** Combines the policy analysis with a dry-run pod (the admission chain's real answer when the namespace exists). */
async function probeCapabilities(kube, namespace, kubeMinor) {
    const checks = [];
    let policy;
    const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    if (kubeMinor <= 24) {
        const v = await pspVerdict(kube, namespace);
        policy = v.allowed;
        checks.push(...v.checks);
    }
    else {
        const v = psaAdmitsIstioInit(ns?.metadata.labels);
        policy = v.allowed;
        checks.push(v.why);
    }
    let dryRun;
    if (ns) {
        try {
            await kube.apply([capabilityProbePod(namespace)], { dryRun: true });
            dryRun = true;
            checks.push('dry-run pod with NET_ADMIN/NET_RAW admitted');
        }
        catch (err) {
            const why = errText(err);
            // The whole error, details included: the API server's own words come after the first line.
            const full = err.describe?.() ?? String(err);
            // RBAC refusing the (dry-run) create itself is not an answer about capabilities: it is the
            // deploying identity's missing permission, reported as such by the kube layer.
            // The probe is a server-side apply, so the refused verb is `patch` (or `create` from other clients).
            // Pod Security Admission answers 403 as well ("violates PodSecurity"): that one is the answer.
            if (/cannot (create|patch|update) (resource )?"?pods\b/i.test(why) &&
                !/security polic|violates PodSecurity/i.test(full))
                throw err;
            if (/forbidden|PodSecurityPolicy|capabilit|violates/i.test(full)) {
                dryRun = false;
                const psa = /violates PodSecurity[^\n]*/.exec(full)?.[0];
                checks.push(`dry-run pod refused: ${psa ?? why}`);
            }
            else
                checks.push(`dry-run pod inconclusive: ${why}`);
        }
    }
    else {
        // RoleBindings cannot exist in a namespace that does not, so the cluster-wide analysis above is the answer.
        checks.push(`namespace ${namespace} does not exist yet: no dry-run pod`);
    }
    // A refusal from either side is real; the dry run alone can pass for an admin whose own PSPs allow everything.
    const allowed = policy === false || dryRun === false ? false : (policy ?? dryRun);
    return { allowed, checks };
}
/** Pure: the data plane decision (CNI / ambient) from the inputs and the cluster facts, or an input error. */
function decideDataplane(args) {
    const { serverless, cni, mode, istioVersion, capabilitiesAllowed, namespace } = args;
    if (mode === 'ambient') {
        if (serverless) {
            throw new errors/* ActionError */.lZ('istio-mode: ambient cannot run on a serverless (virtual-kubelet only) cluster: ambient needs the istio-cni and ztunnel DaemonSets, and ASK/ECI runs no DaemonSets.', { hint: 'use istio-mode: sidecar on ASK, or a cluster with real nodes (ACK) for ambient' });
        }
        const v = (0,semver.coerce)(istioVersion);
        if (!v || (0,semver.compare)(v, '1.24.0') < 0) {
            throw new errors/* ActionError */.lZ(`istio-mode: ambient needs Istio 1.24 or newer; this run uses Istio ${istioVersion}.`, {
                hint: 'set istio-version to 1.24 or newer, or use istio-mode: sidecar'
            });
        }
        return { cni: true, reason: 'istio-mode: ambient (needs the Istio CNI agent and ztunnel)' };
    }
    if (serverless && cni === 'true') {
        throw new errors/* ActionError */.lZ('istio-cni: true is not possible on a serverless (virtual-kubelet only) cluster: the Istio CNI agent is a DaemonSet with host paths, which ASK/ECI cannot run.', { hint: 'set istio-cni: auto or false; sidecars then use istio-init with NET_ADMIN/NET_RAW' });
    }
    if (capabilitiesAllowed === false) {
        if (serverless) {
            throw new errors/* ActionError */.lZ(`NET_ADMIN not allowed: pods in namespace ${namespace} may not add NET_ADMIN/NET_RAW, which istio-init needs, and Istio CNI cannot run on a serverless cluster.`, {
                details: args.evidence,
                hint: args.podSecurity === 'psa'
                    ? `let namespace ${namespace} run privileged pods: kubectl label namespace ${namespace} pod-security.kubernetes.io/enforce=privileged --overwrite (baseline and restricted forbid NET_ADMIN and NET_RAW)`
                    : `let the namespace's service accounts use the \`${ACK_PRIVILEGED_PSP}\` PodSecurityPolicy (kubectl create rolebinding istio-init-psp -n ${namespace} --clusterrole=ack:podsecuritypolicy:privileged --group=system:serviceaccounts:${namespace}), or any PSP / Pod Security level allowing NET_ADMIN and NET_RAW`
            });
        }
        if (cni === 'false') {
            throw new errors/* ActionError */.lZ(`NET_ADMIN not allowed: pods in namespace ${namespace} may not add NET_ADMIN/NET_RAW, which istio-init needs, and istio-cni is false.`, {
                hint: 'set istio-cni: auto (or true) to use the Istio CNI agent instead, or allow NET_ADMIN and NET_RAW for the namespace'
            });
        }
        return { cni: true, reason: 'pods may not add NET_ADMIN/NET_RAW, so Istio CNI replaces istio-init' };
    }
    if (cni === 'true')
        return { cni: true, reason: 'istio-cni: true' };
    if (cni === 'false')
        return { cni: false, reason: 'istio-cni: false' };
    return {
        cni: false,
        reason: serverless
            ? 'serverless cluster: no DaemonSets, sidecars use istio-init'
            : capabilitiesAllowed
                ? 'pods may add NET_ADMIN/NET_RAW: istio-init suffices'
                : 'capabilities unknown: istio-init (set istio-cni: true if sidecars fail to start)'
    };
}
/**
 * Pure: what the compatibility answer means for this run. An unsupported pair is refused with
 * `compatibility-check: fail` and warned about with `warn`; a pair Istio's data does not cover (an Istio
 * minor newer or older than the data) is always only a warning — the data, not the release, is missing.
 */
function compatibilityVerdict(compat, mode) {
    if (compat.status === 'unknown')
        return { warning: `${compat.message}; continuing` };
    if (compat.status === 'supported')
        return {};
    const hint = compat.fittingIstioMinors.length
        ? `set istio-version to ${compat.fittingIstioMinors.map((m) => `1.${m}`).join(' or ')}, or compatibility-check: warn to try anyway`
        : 'upgrade the cluster, or set compatibility-check: warn to try anyway';
    if (mode === 'fail')
        return { refuse: new errors/* ActionError */.lZ(compat.message, { hint }) };
    return { warning: `${compat.message} (compatibility-check: warn — continuing)` };
}
async function checkCluster(kube, config, istioVersion) {
    const version = await kube.serverVersion();
    const compat = checkCompatibility(istioVersion, version.gitVersion);
    core/* info */.pq(compat.message);
    const nodes = await kube.list('v1', 'Node', {});
    const serverless = isServerless(nodes);
    const preflight = {
        kubeVersion: version.gitVersion,
        istioVersion,
        clusterKind: serverless ? 'serverless' : 'nodes',
        nodeCount: nodes.length,
        compatibility: { supported: compat.supported, status: compat.status, message: compat.message },
        capabilities: { checks: [] },
        dataplaneMode: config.istio.dataplaneMode,
        cni: false,
        cniReason: 'not decided'
    };
    // Handed over with any refusal below too (StepFailure), so the summary and the `preflight` output
    // explain a failed run.
    const warnings = [];
    const report = { compatibility: compat.message, preflight, warnings };
    try {
        const verdict = compatibilityVerdict(compat, config.istio.compatibilityCheck);
        if (verdict.refuse)
            throw verdict.refuse;
        if (verdict.warning) {
            core/* warning */.$e(verdict.warning);
            warnings.push(verdict.warning);
        }
        for (const f of compat.fixes)
            core/* info */.pq(`Applying known fix --set ${f.key}=${f.value}: ${f.why}`);
        core/* info */.pq(`Cluster: Kubernetes ${version.gitVersion}, ${serverless ? 'serverless (virtual-kubelet nodes only)' : `${nodes.length} node(s) with real kubelets`}`);
        // Input errors that need no further probing come first.
        const ambient = config.istio.dataplaneMode === 'ambient';
        if (ambient || (serverless && config.istio.cni === 'true'))
            decideDataplane({
                serverless,
                cni: config.istio.cni,
                mode: config.istio.dataplaneMode,
                istioVersion,
                namespace: config.namespace
            });
        // Ambient pods carry no istio-init, so their capabilities do not matter.
        const caps = ambient
            ? { allowed: undefined, checks: ['ambient mode: no istio-init'] }
            : await probeCapabilities(kube, config.namespace, parseMinor(version.gitVersion).minor);
        preflight.capabilities = caps;
        core/* info */.pq(`Capabilities for istio-init in ${config.namespace}: ${caps.allowed === undefined ? 'unknown' : caps.allowed ? 'NET_ADMIN/NET_RAW allowed' : 'NET_ADMIN not allowed'} (${caps.checks.join('; ')})`);
        const decision = decideDataplane({
            serverless,
            cni: config.istio.cni,
            mode: config.istio.dataplaneMode,
            istioVersion,
            capabilitiesAllowed: caps.allowed,
            namespace: config.namespace,
            podSecurity: parseMinor(version.gitVersion).minor <= 24 ? 'psp' : 'psa',
            evidence: caps.checks
        });
        preflight.cni = decision.cni;
        preflight.cniReason = decision.reason;
        core/* info */.pq(`Istio CNI: ${decision.cni ? 'enabled' : 'off'} — ${decision.reason}`);
        return {
            kubeVersion: version.gitVersion,
            serverless,
            fixes: [
                ...compat.fixes.map(({ key, value }) => ({ key, value })),
                ...dataplaneSets({ cni: decision.cni, ambient })
            ],
            capabilitiesAllowed: caps.allowed,
            cni: decision.cni,
            report
        };
    }
    catch (err) {
        throw new model/* StepFailure */.pH(err, report);
    }
}

;// CONCATENATED MODULE: ./src/kube/diagnostics.ts


/** Runs a wait; when it fails, the error gets the failing pods' reasons and events appended. */
async function withDiagnostics(kube, namespace, labelSelector, wait) {
    try {
        return await wait();
    }
    catch (err) {
        if (err instanceof errors/* ActionError */.lZ)
            err.details.push(...(await podDiagnostics(kube, namespace, labelSelector).catch(() => [])));
        throw err;
    }
}
/**
 * Waits until each named Deployment of `namespace` exists and is available (its newest ReplicaSet's pods
 * ready), watching rather than polling; a timeout names what is still missing or not ready and, through
 * withDiagnostics, why its pods are not. Returns the named Deployments as they were when ready.
 */
async function awaitDeployments(kube, namespace, names, timeoutMs, { ready = deploymentReady, signal, description } = {}) {
    const items = await withDiagnostics(kube, namespace, undefined, () => kube.waitFor({ apiVersion: 'apps/v1', kind: 'Deployment', namespace }, (deployments) => {
        const waiting = names.flatMap((n) => {
            const d = deployments.find((i) => i.metadata.name === n);
            if (!d)
                return [`${n} (missing)`];
            return ready(d) ? [] : [n];
        });
        return {
            done: waiting.length === 0,
            progress: waiting.length ? `waiting for ${waiting.join(', ')}` : 'all available'
        };
    }, { timeoutMs, signal, ...(description ? { description } : {}) }));
    return items.filter((d) => names.includes(d.metadata.name));
}
/** Why pods are not ready: each failing pod's reason and its recent events. */
async function podDiagnostics(kube, namespace, labelSelector) {
    const pods = await kube.list('v1', 'Pod', { namespace, labelSelector });
    const lines = [];
    for (const p of pods) {
        if (p.metadata.deletionTimestamp)
            continue;
        // A pod that runs but never passes its readiness probe has no "failure" of its own; without this
        // the timeout would name only the Deployment, not the pod and its Unhealthy events.
        const failure = podFailure(p) ?? notReadyReason(p);
        if (!failure)
            continue;
        lines.push(failure);
        const events = await kube.eventsFor({ apiVersion: 'v1', kind: 'Pod', namespace, name: p.metadata.name });
        lines.push(...events.slice(-3).map((e) => `  event: ${e}`));
    }
    return lines;
}
/** "pod X is not ready (1/2 containers ready: ratings; ContainersNotReady)", or undefined when it is ready. */
function notReadyReason(pod) {
    const status = pod.status;
    const ready = status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True')
        return undefined;
    const waiting = (status?.containerStatuses ?? []).filter((c) => !c.ready).map((c) => c.name ?? '?');
    const why = [ready?.reason, ready?.message].filter(Boolean).join(': ');
    return (`pod ${pod.metadata.name} is not ready (${containerReadySummary(pod)} containers ready` +
        `${waiting.length ? `; not ready: ${waiting.join(', ')}` : ''}${why ? `; ${why}` : ''})`);
}

// EXTERNAL MODULE: ./src/istio/apis.ts
var apis = __webpack_require__(14343);
;// CONCATENATED MODULE: ./src/kube/lease.ts
// Mutual exclusion across concurrent runs (two previews installing the shared Istio at once) with a
// coordination.k8s.io Lease. Ownership is decided by server-side apply itself: each holder applies the
// Lease under its own field manager without force, so a second holder gets 409 Conflict while the first
// owns holderIdentity. An expired Lease (its holder died) is taken over with force.



const LEASE_SECONDS = 60;
function leaseObject(namespace, name, holder, acquire) {
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
function leaseExpired(lease, now = Date.now()) {
    const spec = lease?.spec;
    if (!spec?.renewTime)
        return true;
    return Date.parse(spec.renewTime) + (spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000 < now;
}
function isConflict(err) {
    return typeof err === 'object' && err !== null && err.status === 409;
}
async function withLease(kube, opts, fn) {
    const holder = `${process.env.GITHUB_RUN_ID ?? 'local'}-${process.pid}-${(0,external_node_crypto_.randomBytes)(3).toString('hex')}`;
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
        }
        catch (err) {
            if (!isConflict(err))
                throw err;
        }
        const live = await kube.get(ref);
        if (live && leaseExpired(live)) {
            core/* warning */.$e(`Lease ${opts.namespace}/${opts.name} of ${String(live.spec.holderIdentity)} expired; taking it over.`);
            await mine.apply([leaseObject(opts.namespace, opts.name, holder, acquire)], { force: true });
            break;
        }
        if (!announced) {
            core/* info */.pq(`Another run holds Lease ${opts.namespace}/${opts.name}; waiting for it to finish installing Istio.`);
            announced = true;
        }
        if (Date.now() > deadline) {
            throw new errors/* ActionError */.lZ(`Timed out waiting for Lease ${opts.namespace}/${opts.name} held by another run.`, {
                hint: 'another workflow is installing Istio on this cluster; retry later or raise wait-timeout'
            });
        }
        // Wait for the lease to be released (deleted) or to expire, whichever comes first.
        await kube
            .waitFor({ ...ref }, (items) => ({ done: items.length === 0 || leaseExpired(items[0]), progress: 'lease held' }), {
            timeoutMs: Math.max(1000, Math.min(deadline - Date.now(), LEASE_SECONDS * 1000))
        })
            .catch(() => undefined);
    }
    const renew = setInterval(() => {
        mine
            .apply([leaseObject(opts.namespace, opts.name, holder, acquire)], { force: true })
            .catch(() => undefined);
    }, (LEASE_SECONDS * 1000) / 3);
    try {
        return await fn();
    }
    finally {
        clearInterval(renew);
        const live = await kube.get(ref).catch(() => undefined);
        if (live?.spec?.holderIdentity === holder)
            await kube.delete(ref).catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/istio/precheck.ts
// Reading `istioctl x precheck` (pure). It exits 1 both for findings and for a check that could not run
// (bad kubeconfig, API server 5xx), so the exit code alone cannot tell them apart; its output can:
// findings are `<Level> [ISTnnnn] (<origin>) <message>` lines on stdout, followed by cobra's
// `Error: Issues found when checking the cluster. …` on stderr; a failed check prints only
// `Error: <why>` on stderr. 1.30 colours the finding lines with ANSI codes even off a terminal.
// `-o json` would be cleaner, but precheck has its own `-o` only from 1.20 (1.13 to 1.19 register it on
// analyze only), and the action supports 1.13.


const ISSUES_FOUND = /Issues found when checking the cluster/;
const FINDING = /^(Error|Warning|Info) \[(IST\d+)\]/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const lines = (text) => text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
function findingsOf(stdout) {
    const out = [];
    for (const text of lines(stdout)) {
        const m = FINDING.exec(text);
        if (m)
            out.push({ level: m[1], code: m[2] ?? '', text });
    }
    return out;
}
function readPrecheck(r) {
    const findings = findingsOf(r.stdout);
    if (r.code === 0)
        return { kind: 'clean', findings };
    if (ISSUES_FOUND.test(r.stderr)) {
        // A permission probe (SelfSubjectAccessReview) that failed on the API server is reported as an
        // IST0141 "missing permission" finding carrying the server's error: that is a hiccup, not a finding.
        const hiccup = findings.find((f) => TRANSIENT_OUTPUT.test(f.text));
        if (hiccup)
            return { kind: 'error', transient: true, message: hiccup.text };
        if (findings.length > 0)
            return { kind: 'findings', findings };
        // Issues announced but none in a form we know: show what was printed rather than guess.
        const raw = lines(r.stdout).map((text) => ({ level: 'Error', code: '', text }));
        return { kind: 'findings', findings: raw };
    }
    const err = lines(r.stderr);
    const last = [...err].reverse().find((l) => l.startsWith('Error: ')) ?? err.at(-1) ?? lines(r.stdout).at(-1);
    const message = last ? last.replace(/^Error: /, '') : `exit code ${r.code} and no output`;
    return { kind: 'error', transient: TRANSIENT_OUTPUT.test(`${r.stderr}\n${r.stdout}`), message };
}
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** The error that stops the install, or undefined when precheck passed. */
function precheckFailure(v) {
    if (v.kind === 'clean')
        return undefined;
    if (v.kind === 'error') {
        return new errors/* ActionError */.lZ(`istioctl x precheck could not check the cluster: ${v.message}`, {
            hint: v.transient
                ? 'the API server kept failing; re-run the job, or check the cluster’s API server health'
                : 'check the kubeconfig/context and that its identity can read the cluster (istioctl printed the reason above)'
        });
    }
    const count = (level) => v.findings.filter((f) => f.level === level).length;
    const parts = [
        ...(count('Error') ? [plural(count('Error'), 'error')] : []),
        ...(count('Warning') ? [plural(count('Warning'), 'warning')] : [])
    ];
    return new errors/* ActionError */.lZ(`istioctl x precheck found ${plural(v.findings.length, 'issue')} in the cluster${parts.length ? ` (${parts.join(', ')})` : ''}; not installing.`, {
        details: v.findings.map((f) => f.text),
        hint: 'fix the issues above (each code is explained at https://istio.io/latest/docs/reference/config/analysis/), or install Istio yourself and set install-istio: never'
    });
}

;// CONCATENATED MODULE: ./src/istio/apply.ts
// Thin part of the Istio step: read what istio-system runs, then (unless the plan says skip) run
// `istioctl x precheck` and `istioctl install`, and watch until the control plane is available — on a
// fresh install, until istiod can inject pods, handing the rest of the wait to the pipeline.








async function observeIstio(kube, config) {
    const deployments = await kube.list('apps/v1', 'Deployment', { namespace: apis/* ISTIO_NAMESPACE */.TE });
    const byName = new Map(deployments.map((d) => [d.metadata.name, d]));
    const istiod = byName.get(istiodName(config.istio.revision));
    return {
        installedVersion: versionFromImage(containerImage(istiod)),
        istiodReady: istiod ? deploymentReady(istiod) : false,
        ingressPresent: byName.has('istio-ingressgateway'),
        egressPresent: byName.has('istio-egressgateway')
    };
}
async function ensureIstio({ kube, istioctl, config, version, extraSets, timeoutMs }) {
    // CNI / ambient values arrive in extraSets: the preflight decides them from what the cluster allows.
    const planFor = (observed) => planInstall(config.istio, version, observed, { readinessTimeoutMs: timeoutMs, extraSets });
    const plan = planFor(await observeIstio(kube, config));
    for (const w of plan.warnings)
        core/* warning */.$e(w);
    const found = { warnings: plan.warnings, istio: { action: plan.action, reason: plan.reason } };
    core/* info */.pq(`Istio: ${plan.action} — ${plan.reason}`);
    if (config.lifecycle.dryRun) {
        const line = plan.action === 'skip'
            ? `Istio: leave as is (${plan.reason})`
            : `Istio: ${plan.action} — istioctl ${plan.args.join(' ')}`;
        return { report: { ...found, plan: [line] } };
    }
    const components = () => waitForControlPlane(kube, plan.deployments, timeoutMs);
    // The plan's warnings and action reach the summary also when the install or the wait fails.
    try {
        if (plan.action === 'skip')
            return { report: { ...found, components: await components() } };
        const installing = installUnderLease(kube, istioctl, timeoutMs, () => observeIstio(kube, config), planFor);
        if (!plan.injectorFirst) {
            await installing;
            return { report: { ...found, components: await components() } };
        }
        installing.catch(() => undefined); // awaited through controlPlane or below
        let injectorFirst;
        try {
            injectorFirst = await untilInjectorServes(kube, config.istio.revision, version, installing, timeoutMs);
        }
        catch (err) {
            // Never leave istioctl running behind a failed step: it holds the install lease.
            await installing.catch(() => undefined);
            throw err;
        }
        if (injectorFirst)
            core/* info */.pq(`istiod ${version} serves sidecar injection; istioctl install goes on with the gateways`);
        const controlPlane = installing.then(async () => ({ report: { components: await components() } }));
        controlPlane.catch(() => undefined); // awaited by the pipeline's later step
        return { report: found, controlPlane };
    }
    catch (err) {
        throw new model/* StepFailure */.pH(err, found);
    }
}
/**
 * Waits until istiod of `version` is available and the API server can call its injector (the webhook
 * trusts its CA), or until istioctl install ends, whichever comes first; rejects when istioctl fails first.
 * Resolves true when the injector was seen serving, false when istioctl ended first.
 */
async function untilInjectorServes(kube, revision, version, installing, timeoutMs) {
    const stop = new AbortController();
    const serving = (async () => {
        await awaitDeployments(kube, apis/* ISTIO_NAMESPACE */.TE, [istiodName(revision)], timeoutMs, {
            ready: (istiod) => istiodServes(istiod, version),
            signal: stop.signal,
            description: `istiod ${version} available to inject sidecars`
        });
        const webhook = injectorWebhookName(revision);
        await kube.waitFor({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: webhook }, ([config]) => ({
            done: injectorConfigured(config),
            progress: config ? `${webhook}: waiting for istiod to patch its CA in` : `${webhook} (missing)`
        }), { timeoutMs, signal: stop.signal });
        return true;
    })();
    serving.catch(() => undefined); // the loser of the race below is aborted
    try {
        return await Promise.race([serving, installing.then(() => false)]);
    }
    finally {
        stop.abort();
    }
}
/** Two previews starting together must not run istioctl install at the same time on the shared mesh. */
async function installUnderLease(kube, istioctl, timeoutMs, observe, planFor) {
    await withLease(kube, { namespace: apis/* ISTIO_NAMESPACE */.TE, name: 'ask-istio-action-install', timeoutMs }, async () => {
        const replan = planFor(await observe());
        if (replan.action === 'skip') {
            core/* info */.pq(`Istio was installed meanwhile by another run: ${replan.reason}`);
            return;
        }
        // Exit 1 is findings or a failed check; only the output tells which (see precheck.ts).
        const pre = await istioctl.run(['x', 'precheck'], {
            timeoutMs,
            allowExitCodes: [0, 1],
            transient: (r) => {
                const v = readPrecheck(r);
                return v.kind === 'error' && v.transient ? v.message : undefined;
            }
        });
        const verdict = readPrecheck(pre);
        if (verdict.kind !== 'error') {
            for (const f of verdict.findings)
                (f.level === 'Error' ? core/* error */.z3 : f.level === 'Warning' ? core/* warning */.$e : core/* info */.pq)(`istioctl x precheck: ${f.text}`);
        }
        const refused = precheckFailure(verdict);
        if (refused)
            throw refused;
        await istioctl.run(replan.args, { timeoutMs: timeoutMs + 30_000 });
    });
}
async function waitForControlPlane(kube, names, timeoutMs) {
    return (await awaitDeployments(kube, apis/* ISTIO_NAMESPACE */.TE, names, timeoutMs)).map(componentRow);
}

;// CONCATENATED MODULE: ./src/kube/staged.ts

const CRD_API = 'apiextensions.k8s.io/v1';
/** How long new CRDs may take to be served (the API server establishes them within seconds). */
const ESTABLISH_TIMEOUT_MS = 120_000;
/** Namespaces and CRDs: objects that other objects of the same set live in or are typed by. */
const isDefinition = (o) => (o.kind === 'Namespace' && o.apiVersion === 'v1') ||
    (o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/'));
/**
 * Pure: the objects in the order they are applied, as batches — definitions, then each of `stages` in
 * turn (an object goes to the first stage it matches), then the rest. Order within a batch is kept; empty
 * batches are left out.
 */
function stageObjects(objects, stages = []) {
    const predicates = [isDefinition, ...stages];
    const batches = predicates.map(() => []);
    const rest = [];
    for (const o of objects) {
        const i = predicates.findIndex((p) => p(o));
        (i < 0 ? rest : batches[i]).push(o);
    }
    return [...batches, rest].filter((b) => b.length > 0);
}
/** "Deployment ns/x created", or "… would be created" for a dry run's outcome. */
function describeOutcome(o) {
    return `${(0,kube_objects/* describeRef */.Ro)(o.ref)} ${o.dryRun ? `would be ${o.action}` : o.action}`;
}
/** Applies `objects` stage by stage (see stageObjects); outcomes in the order applied. */
async function applyStaged(kube, objects, opts = {}) {
    const { stages, timeoutMs, ...applyOptions } = opts;
    const dryRun = kube.dryRun || applyOptions.dryRun === true;
    const outcomes = [];
    for (const batch of stageObjects(objects, stages)) {
        const applied = await kube.apply(batch, applyOptions);
        outcomes.push(...applied.map((o) => ({ ...o, dryRun })));
        if (!dryRun)
            await awaitEstablished(kube, applied, timeoutMs ?? ESTABLISH_TIMEOUT_MS);
    }
    return outcomes;
}
function established(o) {
    const conditions = o.status?.conditions ?? [];
    return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}
/** Waits until the CRDs this batch created or changed are served; objects of their kinds come next. */
async function awaitEstablished(kube, applied, timeoutMs) {
    const names = new Set(applied
        .filter((o) => o.ref.kind === 'CustomResourceDefinition' && o.action !== 'unchanged')
        .map((o) => o.ref.name));
    if (names.size === 0)
        return;
    await kube.waitFor({ apiVersion: CRD_API, kind: 'CustomResourceDefinition' }, (items) => {
        const waiting = [...names].filter((n) => !items.some((i) => i.metadata.name === n && established(i)));
        return {
            done: waiting.length === 0,
            progress: waiting.length ? `not established yet: ${waiting.join(', ')}` : 'established'
        };
    }, { timeoutMs: Math.min(timeoutMs, ESTABLISH_TIMEOUT_MS) });
}

;// CONCATENATED MODULE: ./src/kube/logged.ts
// Applying as every step does: a staged server-side apply (staged.ts), one log line per object
// ("Deployment ns/x created", or "would be created" in a dry run), and those lines handed back as the dry
// run's plan; and finding what an earlier run applied, so that a step can delete what its new plan no
// longer has.



/**
 * Applies objects in stages (or, on a dry run's connection, asks the API server what it would do) and
 * logs each outcome. `plan` holds the same lines for a dry run and is empty otherwise.
 */
async function applyLogged(kube, objects, opts = {}) {
    const outcomes = await applyStaged(kube, objects, opts);
    const lines = outcomes.map(describeOutcome);
    for (const l of lines)
        core/* info */.pq(l);
    return { outcomes, plan: lines.filter((_, i) => outcomes[i].dryRun) };
}
/**
 * The objects of these kinds in `namespace` that match `labelSelector`, as refs. A kind the cluster does not
 * serve (its CRD absent: Istio or the Gateway API not installed yet) has none.
 */
async function listRefs(kube, kinds, namespace, labelSelector) {
    const refs = [];
    for (const { apiVersion, kind } of kinds) {
        try {
            for (const o of await kube.list(apiVersion, kind, { namespace, labelSelector }))
                refs.push({ apiVersion: o.apiVersion ?? apiVersion, kind, namespace, name: o.metadata.name });
        }
        catch (err) {
            core/* debug */.Yz(`listing ${kind}: ${(0,errors/* messageOf */.bD)(err)}`);
        }
    }
    return refs;
}

;// CONCATENATED MODULE: ./src/istio/addons.ts






function addonFile(addon) {
    return `samples/addons/${addon}.yaml`;
}
/** Pure: the addon manifests, labelled as ours; cluster-scoped objects keep no namespace. */
function planAddons(manifests) {
    return manifests.flatMap(({ addon, text }) => (0,kube_objects/* parseManifests */.Ye)(text, addonFile(addon)).map((o) => {
        const copy = structuredClone(o);
        copy.metadata.labels = {
            ...(copy.metadata.labels ?? {}),
            [src_ownership/* MANAGED_BY_LABEL */.lT]: src_ownership/* MANAGED_BY */.Kf,
            [src_ownership/* COMPONENT_LABEL */.Dd]: `addon-${addon}`
        };
        return copy;
    }));
}
async function deployAddons({ kube, config, readSample, timeoutMs }) {
    const manifests = await Promise.all(config.addons.map(async (addon) => ({ addon, text: await readSample(addonFile(addon)) })));
    const objects = planAddons(manifests);
    const { plan } = await applyLogged(kube, objects);
    if (config.lifecycle.dryRun)
        return { report: { plan } };
    const names = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    return {
        report: {
            components: (await awaitDeployments(kube, apis/* ISTIO_NAMESPACE */.TE, names, timeoutMs)).map(componentRow)
        }
    };
}

;// CONCATENATED MODULE: ./src/bookinfo/plan.ts


const BOOKINFO_FILE = 'samples/bookinfo/platform/kube/bookinfo.yaml';
const GATEWAY_FILE = 'samples/bookinfo/networking/bookinfo-gateway.yaml';
/** `ingress: gateway-api`: the release's Kubernetes Gateway + HTTPRoute for productpage. */
const GATEWAY_API_FILE = 'samples/bookinfo/gateway-api/bookinfo-gateway.yaml';
const GATEWAY_COMPONENT = 'gateway';
function planNamespace(input) {
    const injection = input.ambient
        ? { 'istio.io/dataplane-mode': 'ambient' }
        : input.revision
            ? { 'istio.io/rev': input.revision }
            : { 'istio-injection': 'enabled' };
    const annotations = { ...input.ownership.annotations };
    if (input.existingCreatedAt)
        annotations[src_ownership/* CREATED_AT_ANNOTATION */.fs] = input.existingCreatedAt;
    return {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: input.name, labels: { ...input.ownership.labels, ...injection }, annotations }
    };
}
function label(obj, namespace, labels, component) {
    const copy = structuredClone(obj);
    copy.metadata.namespace = namespace;
    copy.metadata.labels = { ...(copy.metadata.labels ?? {}), ...labels, [src_ownership/* COMPONENT_LABEL */.Dd]: component };
    return copy;
}
function planBookinfo(manifest, opts) {
    const objects = (0,kube_objects/* parseManifests */.Ye)(manifest).map((o) => label(o, opts.namespace, opts.ownership.labels, 'bookinfo'));
    if (Object.keys(opts.podAnnotations).length) {
        for (const o of objects) {
            if (o.kind !== 'Deployment')
                continue;
            const spec = o.spec;
            if (!spec.template)
                continue;
            spec.template.metadata ??= {};
            spec.template.metadata.annotations = {
                ...(spec.template.metadata.annotations ?? {}),
                ...opts.podAnnotations
            };
        }
    }
    return objects;
}
/** Bookinfo's Gateway + VirtualService with the preview's hosts (so previews never collide on `*`). */
function planGateway(manifest, opts) {
    return (0,kube_objects/* parseManifests */.Ye)(manifest).map((o) => {
        const obj = label(o, opts.namespace, opts.ownership.labels, 'gateway');
        const spec = obj.spec;
        if (obj.kind === 'Gateway')
            for (const s of spec?.servers ?? [])
                s.hosts = [...opts.hosts];
        if (obj.kind === 'VirtualService' && spec)
            spec.hosts = [...opts.hosts];
        return obj;
    });
}
/**
 * Bookinfo's Kubernetes Gateway + HTTPRoute (`ingress: gateway-api`). istiod's gateway controller makes a
 * Deployment and a LoadBalancer Service (`<gateway>-istio`) for the Gateway; `spec.infrastructure.annotations`
 * are copied onto them, which is how the SLB annotations (`ingress-annotations`) reach the cloud. Hosts other
 * than `*` become the HTTPRoute's `hostnames` (the Gateway is the namespace's own, so no host is shared).
 */
function planGatewayApi(manifest, opts) {
    const hostnames = opts.hosts.includes('*') ? [] : opts.hosts;
    return (0,kube_objects/* parseManifests */.Ye)(manifest).map((o) => {
        const obj = label(o, opts.namespace, opts.ownership.labels, GATEWAY_COMPONENT);
        const spec = (obj.spec ?? {});
        if (obj.kind === 'Gateway' && Object.keys(opts.serviceAnnotations).length > 0) {
            const infra = (spec.infrastructure ?? {});
            spec.infrastructure = {
                ...infra,
                annotations: { ...(infra.annotations ?? {}), ...opts.serviceAnnotations }
            };
        }
        if (obj.kind === 'HTTPRoute' && hostnames.length > 0)
            spec.hostnames = [...hostnames];
        obj.spec = spec;
        return obj;
    });
}
/** Names of the Deployments in a Bookinfo plan (to wait for). */
function deploymentNames(objects) {
    return objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
}

;// CONCATENATED MODULE: ./src/bookinfo/probe.ts
// The in-cluster productpage check for a namespace whose sidecars refuse plaintext (PeerAuthentication
// STRICT, e.g. `mtls: true`). The API server's service proxy speaks plaintext, so under STRICT it is
// reset by productpage's sidecar; a short-lived pod in the mesh (its own sidecar speaks mTLS) asks
// instead, with the curl image of the release's own samples/curl (samples/sleep before 1.24).
// plan* are pure; runMeshProbe is the thin part.





const PROBE_COMPONENT = 'productpage-check';
const PROBE_CONTAINER = 'check';
/** Release files that define Istio's curl client, newest name first. */
const CURL_SAMPLES = ['samples/curl/curl.yaml', 'samples/sleep/sleep.yaml'];
const PROBE_ATTEMPTS = 30;
const PROBE_INTERVAL_S = 2;
/**
 * Tries until productpage answers 200 with the expected text; prints what it saw last. The URL and text
 * come in as environment variables, never spliced into the script.
 */
const PROBE_SCRIPT = [
    `i=0; while [ "$i" -lt ${PROBE_ATTEMPTS} ]; do`,
    '  code=$(curl -sS -o /tmp/page -w "%{http_code}" --max-time 5 "$CHECK_URL" 2>/tmp/err)',
    '  if [ "$code" = 200 ] && grep -q "$CHECK_TEXT" /tmp/page; then echo "HTTP 200, $CHECK_TEXT"; exit 0; fi',
    `  i=$((i+1)); sleep ${PROBE_INTERVAL_S}`,
    'done',
    'echo "HTTP ${code:-none} after $i attempts: $(cat /tmp/err 2>/dev/null)"; exit 1'
].join('\n');
/** The image of the curl client in a release's samples/curl/curl.yaml (or sleep.yaml). */
function curlImageOf(sampleYaml) {
    for (const doc of (0,js_yaml/* loadAll */.gh)(sampleYaml)) {
        if (doc?.kind !== 'Deployment')
            continue;
        const containers = doc.spec
            ?.template?.spec?.containers ?? [];
        const image = containers.find((c) => typeof c.image === 'string')?.image;
        if (typeof image === 'string')
            return image;
    }
    return undefined;
}
function planProbePod(o) {
    return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
            name: o.name,
            namespace: o.namespace,
            labels: { ...o.ownership.labels, [src_ownership/* COMPONENT_LABEL */.Dd]: PROBE_COMPONENT, app: PROBE_COMPONENT },
            annotations: {
                ...o.podAnnotations,
                // Without native sidecars the check would start before Envoy and fail its first attempts.
                'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}'
            }
        },
        spec: {
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
            containers: [
                {
                    name: PROBE_CONTAINER,
                    image: o.image,
                    command: ['sh', '-c', PROBE_SCRIPT],
                    env: [
                        { name: 'CHECK_URL', value: o.url },
                        { name: 'CHECK_TEXT', value: o.expectText }
                    ],
                    // Its last output line becomes the terminated state's message when it fails.
                    terminationMessagePolicy: 'FallbackToLogsOnError'
                }
            ]
        }
    };
}
/** What the probe pod says so far: still starting, failed to start, or the check's own verdict. */
function probeState(pod) {
    if (!pod)
        return { done: false, progress: 'probe pod not created yet' };
    const statuses = pod.status?.containerStatuses ??
        [];
    const check = statuses.find((s) => s.name === PROBE_CONTAINER);
    const terminated = check?.state?.terminated;
    if (terminated) {
        const message = (terminated.message ?? terminated.reason ?? '').trim();
        return { done: true, ok: terminated.exitCode === 0, message };
    }
    const failure = podFailure(pod);
    if (failure)
        return { done: false, progress: 'probe pod failing', failure, fatal: podFailureIsFinal(pod) };
    return {
        done: false,
        progress: `probe pod ${String(pod.status?.phase ?? 'Pending')}`
    };
}
/** Runs the probe pod to its verdict and removes it, whatever happened. */
async function runMeshProbe(kube, opts) {
    const pod = planProbePod(opts);
    const ref = { apiVersion: 'v1', kind: 'Pod', namespace: opts.namespace, name: opts.name };
    await kube.apply([pod]);
    let verdict;
    try {
        await kube.waitFor({ ...ref, labelSelector: `${src_ownership/* COMPONENT_LABEL */.Dd}=${PROBE_COMPONENT}` }, (pods) => {
            const state = probeState(pods.find((p) => p.metadata.name === opts.name));
            verdict = state;
            return state.done ? { done: true, progress: 'check finished' } : state;
        }, { timeoutMs: opts.timeoutMs, description: `pod ${opts.namespace}/${opts.name} (in-mesh check)` });
    }
    finally {
        await kube
            .delete(ref)
            .catch((err) => core/* warning */.$e(`could not delete ${opts.name}: ${String(err)}`));
    }
    if (verdict?.done && verdict.ok)
        return verdict.message;
    throw new errors/* ActionError */.lZ(`productpage in namespace ${opts.namespace} did not answer "${opts.expectText}" to a pod in the mesh: ${verdict?.done ? verdict.message || 'no output' : 'no verdict'}`, {
        hint: 'the namespace requires mTLS (PeerAuthentication STRICT); check that every Bookinfo pod has its sidecar and that the destination rules do not disable TLS'
    });
}

;// CONCATENATED MODULE: ./src/bookinfo/deploy.ts
// Thin part of the Bookinfo step: namespace with injection, the sample applied server-side, a watch until
// every Deployment is available and every pod is ready with its sidecar, then the seed's in-cluster check
// (productpage answers "Simple Bookstore App") through the API server's service proxy — no exec into pods.














/** The preview's namespace with its injection label, keeping the creation time an earlier run recorded. */
async function bookinfoNamespace(kube, config, ownership) {
    const live = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: config.namespace });
    return planNamespace({
        name: config.namespace,
        revision: config.istio.revision,
        ambient: config.istio.dataplaneMode === 'ambient',
        ownership,
        existingCreatedAt: live?.metadata.annotations?.[src_ownership/* CREATED_AT_ANNOTATION */.fs]
    });
}
/** Bookinfo's manifests as they are applied: in the preview's namespace, labelled, with pod-annotations. */
async function bookinfoWorkloads(args) {
    return planBookinfo(await args.readSample(BOOKINFO_FILE), {
        namespace: args.config.namespace,
        ownership: args.ownership,
        podAnnotations: args.config.podAnnotations
    });
}
/**
 * Applies the namespace and Bookinfo's manifests (one staged apply: the namespace first); returns the
 * Deployments to wait for (none in a dry run). The wait is separate (awaitBookinfo) so the gateway,
 * routing and `istioctl analyze` can be applied and started while the pods start — none of them needs a
 * running pod.
 */
async function deployBookinfo(args) {
    const { kube, config, ownership } = args;
    const dryRun = config.lifecycle.dryRun;
    const objects = await bookinfoWorkloads(args);
    try {
        const { plan } = await applyLogged(kube, [await bookinfoNamespace(kube, config, ownership), ...objects]);
        return {
            deployments: dryRun ? [] : deploymentNames(objects),
            report: { namespace: config.namespace, plan }
        };
    }
    catch (err) {
        throw new model/* StepFailure */.pH(err, { namespace: config.namespace });
    }
}
/** Waits until every Bookinfo pod is ready with its sidecar and productpage answers (the seed's check). */
async function awaitBookinfo(args) {
    const { kube, config, names, timeoutMs } = args;
    if (names.length === 0)
        return { report: {} };
    const ambient = config.istio.dataplaneMode === 'ambient';
    // Pods first: an unavailable Deployment does not say why, its pods do. Waiting on them gives up at once
    // on a failure that will not fix itself (ImagePullBackOff, repeated CrashLoopBackOff) instead of at the
    // timeout, and insists on every container ready in every pod: an available Deployment can still hide a
    // pod without its sidecar (injection off).
    const selector = 'app in (productpage,details,reviews,ratings)';
    await withDiagnostics(kube, config.namespace, selector, () => kube.waitFor({ apiVersion: 'v1', kind: 'Pod', namespace: config.namespace, labelSelector: selector }, (pods) => {
        const live = pods.filter((p) => !p.metadata.deletionTimestamp);
        const final = live.find(podFailureIsFinal);
        const failure = final ? podFailure(final) : live.map(podFailure).find(Boolean);
        const notReady = live.filter((p) => !allContainersReady(p)).map((p) => p.metadata.name);
        const sidecarless = ambient ? [] : live.filter((p) => !hasSidecar(p)).map((p) => p.metadata.name);
        if (failure)
            return { done: false, progress: 'pods failing', failure, fatal: final !== undefined };
        return {
            done: live.length >= names.length && notReady.length === 0 && sidecarless.length === 0,
            progress: notReady.length
                ? `pods not ready: ${notReady.join(', ')}`
                : sidecarless.length
                    ? `pods without istio-proxy sidecar: ${sidecarless.join(', ')} (is the injection webhook working?)`
                    : `${live.length} pods ready`
        };
    }, { timeoutMs }));
    const components = (await awaitDeployments(kube, config.namespace, names, timeoutMs)).map(componentRow);
    // The component table is shown also when productpage then fails to answer.
    try {
        await checkProductpageAnswers(args);
    }
    catch (err) {
        throw new model/* StepFailure */.pH(err, { components });
    }
    return { report: { components } };
}
/** The seed's check: productpage serves the Bookinfo page (from a pod in the mesh under STRICT mTLS). */
async function checkProductpageAnswers(args) {
    const { kube, config, timeoutMs } = args;
    if (await productpageRequiresMtls(kube, config.namespace, args.istioVersion)) {
        const image = await curlImage(args.readSample);
        core/* info */.pq(`productpage requires mTLS (PeerAuthentication STRICT): checking it from a pod in the mesh (${image})`);
        const said = await runMeshProbe(kube, {
            namespace: config.namespace,
            name: `${PROBE_COMPONENT}-${Date.now().toString(36)}`,
            image,
            url: `http://productpage:${PRODUCTPAGE_PORT}/productpage`,
            expectText: PRODUCTPAGE_TEXT,
            ownership: args.ownership,
            podAnnotations: config.podAnnotations,
            timeoutMs: Math.min(timeoutMs, 300_000)
        });
        core/* info */.pq(`productpage answers a pod in the mesh: ${said}`);
        return;
    }
    await checkProductpage(kube, config.namespace, timeoutMs);
}
const PRODUCTPAGE_PORT = 9080;
const PRODUCTPAGE_TEXT = 'Simple Bookstore App';
/**
 * Whether productpage's sidecar refuses plaintext (as Istio resolves its PeerAuthentications). Read from
 * the cluster, not from `mtls`: a policy stays STRICT until routing removes it, and may be the user's own.
 */
async function productpageRequiresMtls(kube, namespace, istioVersion) {
    const apiVersion = (0,apis/* securityApiVersion */.bu)(istioVersion);
    const policies = [];
    for (const ns of [...new Set([namespace, apis/* ROOT_NAMESPACE */.Jo])]) {
        try {
            const items = await kube.list(apiVersion, 'PeerAuthentication', { namespace: ns });
            // Istio takes the oldest of several policies at one level.
            items.sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')));
            policies.push(...items.map(apis/* peerAuthenticationView */.ug));
        }
        catch (err) {
            core/* debug */.Yz(`listing PeerAuthentications in ${ns}: ${(0,errors/* messageOf */.bD)(err)}`); // no CRD: no policy
        }
    }
    return ((0,apis/* workloadMtlsMode */.V7)(policies, { namespace, labels: { app: 'productpage' }, port: PRODUCTPAGE_PORT }) ===
        'STRICT');
}
async function curlImage(readSample) {
    for (const file of CURL_SAMPLES) {
        const text = await readSample(file).catch(() => undefined);
        const image = text === undefined ? undefined : curlImageOf(text);
        if (image)
            return image;
    }
    throw new errors/* ActionError */.lZ(`productpage requires mTLS, and the Istio release has none of ${CURL_SAMPLES.join(', ')} to check it from a pod in the mesh.`, { hint: 'Use an Istio release that ships samples/curl (1.24+) or samples/sleep.' });
}
function deploy_containerStatuses(p) {
    return (p.status
        ?.containerStatuses ?? []);
}
function allContainersReady(p) {
    const spec = p.spec;
    const statuses = deploy_containerStatuses(p);
    return statuses.length === (spec?.containers?.length ?? 0) && statuses.every((s) => s.ready);
}
/**
 * Whether the pod got Istio's sidecar: a regular `istio-proxy` container, or — Istio 1.27+ on Kubernetes
 * 1.29+, where native sidecars are on by default — an `istio-proxy` init container with `restartPolicy:
 * Always` (a sidecar container; found by the real istiod on Kubernetes 1.35, not by the seed's model).
 */
function hasSidecar(p) {
    return runningContainerNames(p).includes('istio-proxy');
}
/** The walk-through's in-cluster check, through the API server's service proxy. */
async function checkProductpage(kube, namespace, timeoutMs) {
    try {
        await retry(async () => {
            const res = await kube.proxyGet(namespace, 'productpage', PRODUCTPAGE_PORT, '/productpage');
            if (res.status !== 200 || !res.body.includes(PRODUCTPAGE_TEXT))
                throw new Error(`HTTP ${res.status}`);
        }, {
            // Poll until the page answers, within the step's time and at most a minute. A cancelled job stops
            // at once: polling on would lose the race with the hard exit, and with it the outputs and summary.
            policy: {
                attempts: Infinity,
                baseDelayMs: 200,
                maxDelayMs: 2000,
                budgetMs: Math.min(timeoutMs, 60_000)
            },
            retryable: () => true,
            signal: kube.signal
        });
    }
    catch (err) {
        if (kube.signal?.aborted)
            throw err;
        throw new errors/* ActionError */.lZ(`productpage in namespace ${namespace} did not answer "Simple Bookstore App": ${err instanceof Error ? err.message : String(err)}`, { hint: 'check the productpage pod logs and that the Service productpage has endpoints' });
    }
    core/* info */.pq('productpage answers "Simple Bookstore App" (through the API server service proxy)');
}
/** Bookinfo's Gateway + route as they will be applied (for checks before anything is applied). */
async function bookinfoGatewayObjects(args) {
    const { config } = args;
    if (config.ingress === 'gateway-api')
        return planGatewayApi(await args.readSample(GATEWAY_API_FILE), {
            namespace: config.namespace,
            ownership: args.ownership,
            hosts: config.gatewayHosts,
            serviceAnnotations: config.istio.ingressAnnotations
        });
    return planGateway(await args.readSample(GATEWAY_FILE), {
        namespace: config.namespace,
        ownership: args.ownership,
        hosts: config.gatewayHosts
    });
}
/** Gateway objects of either ingress mode, as an earlier run may have applied them. */
const GATEWAY_KINDS = [
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' }
];
async function applyBookinfoGateway(args) {
    const { kube, config } = args;
    const objects = await bookinfoGatewayObjects(args);
    const gatewayApi = config.ingress === 'gateway-api'
        ? {
            gateway: `${config.namespace}/${objects.find((o) => o.kind === 'Gateway')?.metadata.name ?? ''}`,
            routes: objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)
        }
        : undefined;
    const { plan } = await applyLogged(kube, objects);
    // Switching ingress modes: the other mode's Gateway and route go (the shared ingress stops serving this
    // preview's host; a Kubernetes Gateway takes its generated Deployment and Service with it).
    const previous = await listRefs(kube, GATEWAY_KINDS, config.namespace, (0,src_ownership/* componentSelector */.rv)(GATEWAY_COMPONENT));
    const stale = (0,kube_objects/* refsNotIn */.Dw)(previous, objects);
    for (const ref of stale.sort((a, b) => (a.kind === 'Gateway' ? 1 : 0) - (b.kind === 'Gateway' ? 1 : 0))) {
        if (config.lifecycle.dryRun) {
            plan.push(`${(0,kube_objects/* describeRef */.Ro)(ref)} would be deleted`);
            continue;
        }
        await kube.delete(ref);
        core/* info */.pq(`${(0,kube_objects/* describeRef */.Ro)(ref)} deleted (ingress is ${config.ingress} now)`);
    }
    return { report: { plan, ...(gatewayApi ? { gatewayApi } : {}) } };
}
/**
 * Starts `istioctl analyze -n NS` (quietly: its findings are reported by reportAnalysis). Started right
 * after the routing is applied, it runs while the gateway address is awaited and traffic is verified.
 */
function startAnalysis(istioctl, config) {
    return istioctl.run(analyzeArgs(config.namespace), {
        timeoutMs: 120_000,
        allowExitCodes: [0, 79],
        quiet: true
    });
}
/**
 * Istio's own samples/bookinfo/networking/destination-rule-all(-mtls).yaml declares the ratings subsets
 * v2-mysql and v2-mysql-vm for variants the walk-through never deploys. From Istio 1.2x on, analyze reports
 * them as Error IST0173 ("The Subset … does not select any pods"; seen with the real istioctl 1.30.3),
 * which would fail every run that applies the sample. That one finding on that one object is suppressed,
 * by name; every other finding still counts.
 */
const SAMPLE_ANALYZE_SUPPRESSIONS = (namespace) => [
    // A suppression is a glob on the resource's friendly name: `Kind name.namespace` up to 1.2x (what
    // istioctl's --help still shows) and `Kind namespace/name` in 1.30 (what the real 1.30.3 prints and
    // matches). Both are given so one list works for every release.
    `IST0173=DestinationRule ratings.${namespace}`,
    `IST0173=DestinationRule ${namespace}/ratings`
];
function analyzeArgs(namespace) {
    return [
        'analyze',
        '-n',
        namespace,
        ...SAMPLE_ANALYZE_SUPPRESSIONS(namespace).flatMap((s) => ['--suppress', s])
    ];
}
/** Findings go to the log and summary; errors (exit 79) fail the step. */
function reportAnalysis(res, config) {
    if (res instanceof Error) {
        // analyze is a diagnostic: its findings can fail the run, its inability to run cannot.
        const why = `istioctl analyze could not analyze namespace ${config.namespace}: ${(0,errors/* messageOf */.bD)(res).split('\n')[0]}`;
        core/* warning */.$e(why);
        return { report: { warnings: [why] } };
    }
    const findings = res.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^(Error|Warning|Info) \[IST\d+\]/.test(l));
    if (findings.length === 0)
        core/* info */.pq(`✔ No validation issues found when analyzing namespace: ${config.namespace}.`);
    for (const f of findings)
        (f.startsWith('Error') ? core/* error */.z3 : f.startsWith('Warning') ? core/* warning */.$e : core/* info */.pq)(f);
    if (res.code === 79) {
        const failure = new errors/* ActionError */.lZ(`istioctl analyze found errors in namespace ${config.namespace}.`, {
            details: findings.filter((f) => f.startsWith('Error')),
            hint: 'fix the objects named above (a routing-file with a wrong host or subset is the usual cause)'
        });
        throw new model/* StepFailure */.pH(failure, { analyze: findings });
    }
    return { report: { analyze: findings } };
}

// EXTERNAL MODULE: ./src/routing/plan.ts
var routing_plan = __webpack_require__(11783);
// EXTERNAL MODULE: ./src/routing/gatewayApiPlan.ts
var gatewayApiPlan = __webpack_require__(12137);
// EXTERNAL MODULE: ./src/routing/httproute.ts
var httproute = __webpack_require__(31643);
;// CONCATENATED MODULE: ./src/routing/apply.ts
// Thin part of the routing step: read the sample files the plan needs, plan, let the API server
// validate everything with a dry run, apply destination rules before virtual services, then delete
// what the previous variant had and this one does not (virtual services before their rules).










const NETWORKING_DIR = 'samples/bookinfo/networking';
/**
 * Deletion order of what a variant no longer has: routes before what they route to (the rules defining
 * their subsets, the per-version Services), and the STRICT policy before the ISTIO_MUTUAL rules (else a
 * client could send plaintext to a STRICT pod).
 */
const DELETE_ORDER = ['VirtualService', 'HTTPRoute', 'PeerAuthentication', 'DestinationRule', 'Service'];
/** Destination rules and per-version Services first: the routes that use them come second. */
const ROUTE_TARGETS = (o) => o.kind === 'DestinationRule' || o.kind === 'Service';
async function applyRouting(args) {
    const { kube, config, ownership, readSample, istioVersion } = args;
    const routing = config.routing;
    const dryRun = config.lifecycle.dryRun;
    const apiVersion = (0,routing_plan/* networkingApiVersion */.Ts)(istioVersion);
    const securityVersion = (0,routing_plan/* securityApiVersion */.bu)(istioVersion);
    const gatewayApi = config.ingress === 'gateway-api';
    const samples = {};
    const [dir, names] = gatewayApi
        ? [gatewayApiPlan/* GATEWAY_API_DIR */.SJ, (0,gatewayApiPlan/* requiredGatewayApiFiles */.nh)(routing)]
        : [NETWORKING_DIR, (0,routing_plan/* requiredSampleFiles */.FG)(routing)];
    for (const name of names) {
        // A missing file is reported by the plan, naming the variant that needs it.
        const text = await readSample(`${dir}/${name}`).catch(() => undefined);
        if (text !== undefined)
            samples[name] = text;
    }
    let userFile;
    if (!gatewayApi && routing.kind === 'file') {
        const path = routing.file;
        const content = await (0,promises_.readFile)(path, 'utf8').catch((err) => {
            throw new errors/* ActionError */.lZ(`Cannot read routing-file ${path}.`, {
                details: [(0,errors/* messageOf */.bD)(err)],
                hint: 'Check out the repository (actions/checkout) before this step, and give the path relative to the workspace.'
            });
        });
        userFile = { path, content };
    }
    // created-at is the namespace's birth date (kept there across runs); stamped with this run's clock on
    // every routing object it would make each re-run an update instead of a no-op.
    const annotations = Object.fromEntries(Object.entries(ownership.annotations).filter(([k]) => k !== src_ownership/* CREATED_AT_ANNOTATION */.fs));
    const plan = gatewayApi
        ? (0,gatewayApiPlan/* planHttpRoutes */.Ir)(routing, {
            samples,
            versions: await readSample(gatewayApiPlan/* VERSIONS_FILE */.HY).catch(() => undefined),
            securityApiVersion: securityVersion,
            namespace: config.namespace,
            labels: ownership.labels,
            annotations
        })
        : (0,routing_plan/* planRouting */.cp)(routing, {
            samples,
            apiVersion,
            securityApiVersion: securityVersion,
            namespace: config.namespace,
            gatewayHosts: config.gatewayHosts,
            labels: ownership.labels,
            annotations,
            userFile
        });
    for (const line of plan.describe)
        core/* info */.pq(line);
    // The API server (and Istio's validating webhook, when installed) checks every object first, so a
    // bad routing-file changes nothing. (Inside a namespace or of a CRD that this dry run only plans to
    // create, the kube layer lists objects unchecked: the server cannot check them yet.)
    try {
        await applyStaged(kube, plan.objects, { dryRun: true, stages: [ROUTE_TARGETS] });
    }
    catch (err) {
        throw new errors/* ActionError */.lZ(`The cluster rejected the routing objects of "${routing.variant}"; nothing was applied.`, {
            details: [(0,errors/* messageOf */.bD)(err)],
            hint: routing.kind === 'file'
                ? 'Fix routing-file so it passes `kubectl apply --dry-run=server`.'
                : undefined,
            cause: err
        });
    }
    // What an earlier run applied for routing here, in either ingress mode.
    const previous = await listRefs(kube, [
        { apiVersion, kind: 'VirtualService' },
        { apiVersion, kind: 'DestinationRule' },
        { apiVersion: securityVersion, kind: 'PeerAuthentication' },
        { apiVersion: httproute/* GATEWAY_API_VERSION_V1 */.LY, kind: 'HTTPRoute' },
        { apiVersion: 'v1', kind: 'Service' }
    ], config.namespace, (0,src_ownership/* componentSelector */.rv)(routing_plan/* ROUTING_COMPONENT */.L9));
    const stale = (0,kube_objects/* refsNotIn */.Dw)(previous, plan.objects).sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
    const applied = [];
    const deleted = [];
    const dryRunPlan = [];
    if (dryRun) {
        dryRunPlan.push(...plan.describe.slice(1).map((l) => `${l} would be applied`), ...stale.map((r) => `${(0,kube_objects/* describeRef */.Ro)(r)} would be deleted`));
    }
    else {
        for (const outcome of await applyStaged(kube, plan.objects, { stages: [ROUTE_TARGETS] })) {
            const line = describeOutcome(outcome);
            core/* info */.pq(line);
            applied.push(line);
        }
        for (const ref of stale) {
            await kube.delete(ref);
            core/* info */.pq(`${(0,kube_objects/* describeRef */.Ro)(ref)} deleted (not part of "${routing.variant}")`);
            deleted.push((0,kube_objects/* describeRef */.Ro)(ref));
        }
    }
    return {
        report: {
            plan: dryRunPlan,
            routing: {
                variant: routing.variant,
                description: plan.describe[0] ?? routing.variant,
                ...(plan.expect ? { expectation: plan.expect } : {}),
                applied,
                deleted
            }
        }
    };
}

;// CONCATENATED MODULE: ./src/eci/imageCache.ts
// `eci-image-cache: prepare`: on ASK every pod is an ECI instance that pulls each of its images afresh,
// unless an ECI ImageCache (cluster-scoped, imagecaches.eci.alibabacloud.com) holding them is Ready; ECI
// then matches it to new pods by itself (k8s.aliyun.com/eci-auto-imc, true by default). This step makes
// that cache before Bookinfo's pods exist: it asks the cluster which images the pods will run — each
// Deployment's pod, created as a server-side dry run in the preview's namespace, comes back with what the
// sidecar injector added (istio-init, istio-proxy), so the list is the injector's, not a guess — creates
// one ImageCache per Istio version and exactly that list, named after both (a new list is a new cache,
// never a stale Ready one), and waits until ECI reports it Ready. It is kept across runs and teardowns: a scheduled run keeps it warm.
// Fields as in Alibaba Cloud's "Kubernetes ImageCache API" (spec.images; status.phase, imageCacheId).






const IMAGECACHE_API = 'eci.alibabacloud.com/v1';
/**
 * Pure: a Pod for each Deployment of `workloads`, to be created as a server-side dry run so admission
 * (the sidecar injector) shows what it would add. The service account is left out: a new namespace has
 * none of Bookinfo's yet, and the injected containers do not depend on it.
 */
function probePods(workloads, namespace) {
    return workloads
        .filter((o) => o.kind === 'Deployment')
        .map((d) => {
        const template = (d.spec?.template ?? {});
        const { serviceAccountName: _unused, ...spec } = template.spec ?? {};
        return {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
                name: `${d.metadata.name}-image-probe`,
                namespace,
                labels: template.metadata?.labels ?? {},
                annotations: template.metadata?.annotations ?? {}
            },
            spec
        };
    });
}
/** Pure: every image a pod runs (init containers included), sorted and without repeats. */
function podImages(pods) {
    const images = new Set();
    for (const pod of pods) {
        const spec = (pod.spec ?? {});
        for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])])
            if (c.image)
                images.add(c.image);
    }
    return [...images].sort();
}
/** Pure: the ImageCache of one Istio version and exactly these images; its name is a digest of both. */
function imageCacheObject(images, istioVersion) {
    const digest = (0,external_node_crypto_.createHash)('sha256')
        .update([istioVersion, ...images].join('\n'))
        .digest('hex')
        .slice(0, 12);
    return {
        apiVersion: IMAGECACHE_API,
        kind: 'ImageCache',
        metadata: {
            name: `ask-istio-bookinfo-${digest}`,
            labels: { [src_ownership/* MANAGED_BY_LABEL */.lT]: src_ownership/* MANAGED_BY */.Kf, [src_ownership/* ISTIO_VERSION_LABEL */.Ni]: istioVersion }
        },
        spec: { images: [...images] }
    };
}
/** Pure: where ECI is with a cache (phases from its API: Ready, and Failed/UpdateFailed as final). */
function cacheState(o) {
    const status = (o?.status ?? {});
    const phase = status.phase ?? 'not started';
    if (phase === 'Ready')
        return { done: true, progress: 'Ready' };
    if (/failed/i.test(phase))
        return { done: false, progress: phase, failure: `ECI could not build the ImageCache (phase ${phase})` };
    return { done: false, progress: `${phase}${status.progress ? ` ${status.progress}` : ''}` };
}
async function prepareImageCache(args) {
    const { kube, config } = args;
    const started = Date.now();
    try {
        await kube.resource(IMAGECACHE_API, 'ImageCache');
    }
    catch (err) {
        if (!(err instanceof UnknownKindError))
            throw err;
        const why = `eci-image-cache: prepare did nothing: this cluster has no ECI ImageCache CRD (imagecaches.eci.alibabacloud.com; ASK clusters get it with the ack-virtual-node component).`;
        core/* warning */.$e(why);
        return {
            report: { warnings: [why], imageCache: { name: '', images: [], action: 'not supported', waitedMs: 0 } }
        };
    }
    const { plan } = await applyLogged(kube, [args.namespace]);
    const probes = probePods(args.workloads, config.namespace);
    const admitted = (await kube.apply(probes, { dryRun: true })).map((o) => o.object);
    const images = podImages(admitted);
    const injected = images.length > podImages(probes).length;
    core/* info */.pq(`Images of Bookinfo's pods${injected ? ' with their injected sidecar' : ' (no sidecar injected: none added by admission)'}: ${images.join(', ')}`);
    const cache = imageCacheObject(images, args.istioVersion);
    if (kube.dryRun) {
        const live = await kube.get({
            apiVersion: IMAGECACHE_API,
            kind: 'ImageCache',
            name: cache.metadata.name
        });
        const action = live ? 'found' : 'would be created';
        return {
            report: {
                plan: [
                    ...plan,
                    `ImageCache ${cache.metadata.name} (${images.length} images) ${live ? 'exists' : 'would be created'}`
                ],
                imageCache: { name: cache.metadata.name, images, action, waitedMs: 0 }
            }
        };
    }
    // Only labels can differ on a live one (the name is the image list): re-applying it is a no-op.
    const [outcome] = (await applyLogged(kube, [cache])).outcomes;
    let ready;
    try {
        [ready] = await kube.waitFor({ apiVersion: IMAGECACHE_API, kind: 'ImageCache', name: cache.metadata.name }, (items) => {
            const state = cacheState(items[0]);
            return {
                done: state.done,
                progress: `ImageCache ${cache.metadata.name}: ${state.progress}`,
                ...(state.failure ? { failure: state.failure, fatal: true } : {})
            };
        }, { timeoutMs: args.timeoutMs });
    }
    catch (err) {
        throw new errors/* ActionError */.lZ(`The ECI ImageCache ${cache.metadata.name} did not become Ready; no Bookinfo pod was created.`, {
            details: [err instanceof Error ? err.message : String(err)],
            hint: 'Check `kubectl describe imagecache` for its events (a private image needs imagePullSecrets), or set eci-image-cache: auto to start without it.',
            cause: err
        });
    }
    const waitedMs = Date.now() - started;
    const id = ready?.status?.imageCacheId;
    core/* info */.pq(`ImageCache ${cache.metadata.name}${id ? ` (${id})` : ''} is Ready after ${(waitedMs / 1000).toFixed(1)} s`);
    return {
        report: {
            plan,
            imageCache: {
                name: cache.metadata.name,
                ...(id ? { id } : {}),
                images,
                action: outcome?.action === 'created' ? 'created' : 'found',
                waitedMs
            }
        }
    };
}

;// CONCATENATED MODULE: ./src/gateway/address.ts
function gatewayUrl(host, port, scheme = 'http') {
    const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const defaultPort = scheme === 'http' ? 80 : 443;
    return `${scheme}://${h}${port === defaultPort ? '' : `:${port}`}`;
}
function port(svc, name) {
    return svc.spec?.ports?.find((p) => p.name === name);
}
/** The LoadBalancer address, or undefined while the cloud has not assigned one. */
function loadBalancerEndpoint(service) {
    const svc = service;
    const ingress = svc.status?.loadBalancer?.ingress?.[0];
    const host = ingress?.ip || ingress?.hostname;
    const http = port(svc, 'http2') ?? port(svc, 'http');
    if (!host || !http)
        return undefined;
    return {
        host,
        port: http.port,
        securePort: port(svc, 'https')?.port,
        via: 'loadbalancer',
        url: gatewayUrl(host, http.port)
    };
}
/** A node address + NodePort, when the Service has node ports and some node has a usable address. */
function nodePortEndpoint(service, nodes) {
    const svc = service;
    const http = port(svc, 'http2') ?? port(svc, 'http');
    if (!http?.nodePort)
        return undefined;
    for (const want of ['ExternalIP', 'InternalIP']) {
        for (const n of nodes) {
            const addrs = n.status?.addresses ?? [];
            const a = addrs.find((x) => x.type === want);
            if (a) {
                return {
                    host: a.address,
                    port: http.nodePort,
                    securePort: port(svc, 'https')?.nodePort,
                    via: 'nodeport',
                    url: gatewayUrl(a.address, http.nodePort)
                };
            }
        }
    }
    return undefined;
}
/** The Gateway's Programmed condition, when it is about the current generation. */
function programmedCondition(gateway) {
    const gw = gateway;
    const c = gw.status?.conditions?.find((x) => x.type === 'Programmed');
    if (!c)
        return undefined;
    const generation = gw.metadata?.generation;
    if (generation !== undefined && c.observedGeneration !== undefined && c.observedGeneration < generation)
        return undefined;
    return { status: c.status ?? 'Unknown', reason: c.reason ?? '', message: c.message ?? '' };
}
/**
 * A Kubernetes Gateway's own address (`ingress: gateway-api`): once its controller reports Programmed, the
 * first of `status.addresses` (an IP, or a hostname for a load balancer that only has one) and the port of
 * its HTTP listener. Undefined while it is not programmed or has no address yet.
 */
function gatewayApiEndpoint(gateway) {
    const gw = gateway;
    if (programmedCondition(gateway)?.status !== 'True')
        return undefined;
    const address = gw.status?.addresses?.find((a) => typeof a.value === 'string' && a.value !== '');
    const listener = gw.spec?.listeners?.find((l) => l.protocol === 'HTTP') ?? gw.spec?.listeners?.[0];
    if (!address?.value || !listener?.port)
        return undefined;
    const https = gw.spec?.listeners?.find((l) => l.protocol === 'HTTPS');
    return {
        host: address.value,
        port: listener.port,
        securePort: https?.port,
        via: 'gateway-api',
        url: gatewayUrl(address.value, listener.port)
    };
}

;// CONCATENATED MODULE: ./src/gateway/resolve.ts
// Thin part: watch istio-ingressgateway until the cloud assigns an address; on clusters with real nodes
// fall back to node address + NodePort when no LB address appears (kind, bare metal). ASK has no NodePort,
// so there the only outcome besides an address is a timeout that says the SLB never came.




const SERVICE = 'istio-ingressgateway';
async function resolveGateway(args) {
    const { kube, serverless, timeoutMs, hosts } = args;
    const hostHeader = hosts.find((h) => h !== '*' && !h.startsWith('*'));
    const ref = { apiVersion: 'v1', kind: 'Service', namespace: apis/* ISTIO_NAMESPACE */.TE, name: SERVICE };
    if (args.dryRun) {
        const svc = await kube.get(ref);
        return svc ? withHost(loadBalancerEndpoint(svc), hostHeader) : undefined;
    }
    // With real nodes a LoadBalancer may never come (kind): wait only part of the budget for it.
    const lbBudget = serverless ? timeoutMs : Math.min(timeoutMs / 2, 120_000);
    try {
        const [svc] = await kube.waitFor({ ...ref, name: SERVICE }, (items) => {
            const s = items[0];
            if (!s)
                return { done: false, progress: `Service ${apis/* ISTIO_NAMESPACE */.TE}/${SERVICE} does not exist yet` };
            return {
                done: loadBalancerEndpoint(s) !== undefined,
                progress: 'waiting for the load balancer address'
            };
        }, { timeoutMs: lbBudget });
        const endpoint = svc && loadBalancerEndpoint(svc);
        if (endpoint)
            return withHost(endpoint, hostHeader);
    }
    catch (err) {
        if (serverless) {
            throw new errors/* ActionError */.lZ(`The ingress gateway's load balancer got no address within ${Math.round(lbBudget / 1000)}s; serverless clusters have no NodePort to fall back to.`, {
                cause: err,
                hint: 'check the SLB events of istio-system/istio-ingressgateway (quota, vSwitch, the ingress-annotations you set) or raise wait-timeout'
            });
        }
    }
    const svc = await kube.get(ref);
    const nodes = await kube.list('v1', 'Node', {});
    const fallback = svc && nodePortEndpoint(svc, nodes);
    if (!fallback) {
        throw new errors/* ActionError */.lZ(`The ingress gateway has neither a load balancer address nor a usable NodePort.`, {
            hint: 'install a load-balancer implementation (e.g. MetalLB, cloud-provider-kind) or raise wait-timeout'
        });
    }
    core/* warning */.$e(`No load balancer address for ${SERVICE}; using node address ${fallback.host} and NodePort ${fallback.port}.`);
    return withHost(fallback, hostHeader);
}
function withHost(e, hostHeader) {
    return e ? { ...e, hostHeader } : undefined;
}
/**
 * `ingress: gateway-api`: waits until istiod reports the namespace's Gateway Programmed (its Deployment and
 * LoadBalancer Service exist and the Service has an address) and reads the address from the Gateway's own
 * status. In a dry run the Gateway's current status (if any) is reported without waiting.
 */
async function resolveGatewayApi(args) {
    const { kube, namespace, name, timeoutMs, hosts } = args;
    const hostHeader = hosts.find((h) => h !== '*' && !h.startsWith('*'));
    const ref = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace, name };
    if (args.dryRun) {
        const gw = await kube.get(ref).catch(() => undefined);
        return gw ? withHost(gatewayApiEndpoint(gw), hostHeader) : undefined;
    }
    try {
        const [gw] = await kube.waitFor({ ...ref, name }, (items) => {
            const g = items[0];
            if (!g)
                return { done: false, progress: `Gateway ${namespace}/${name} does not exist yet` };
            const programmed = programmedCondition(g);
            return {
                done: gatewayApiEndpoint(g) !== undefined,
                progress: programmed
                    ? `Programmed ${programmed.status} (${programmed.reason}: ${programmed.message})`
                    : 'waiting for the gateway controller to report Programmed',
                ...(programmed && programmed.status !== 'True'
                    ? { failure: `${programmed.reason}: ${programmed.message}` }
                    : {})
            };
        }, { timeoutMs });
        const endpoint = gw && gatewayApiEndpoint(gw);
        if (endpoint) {
            core/* info */.pq(`Gateway ${namespace}/${name} is programmed at ${endpoint.url}`);
            return withHost(endpoint, hostHeader);
        }
    }
    catch (err) {
        const events = await kube
            .eventsFor({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: `${name}-istio` })
            .catch(() => []);
        throw new errors/* ActionError */.lZ(`The Gateway ${namespace}/${name} was not Programmed with an address within ${Math.round(timeoutMs / 1000)}s.`, {
            cause: err,
            details: events,
            hint: `istiod creates Deployment and LoadBalancer Service ${name}-istio for it: check their events, the SLB quota and the ingress-annotations you set, or raise wait-timeout`
        });
    }
    return undefined;
}

// EXTERNAL MODULE: ./src/gatewayapi/crds.ts
var gatewayapi_crds = __webpack_require__(13896);
;// CONCATENATED MODULE: ./src/gatewayapi/apply.ts
// Thin part of the Gateway API CRD step: read the live CRDs, plan (crds.ts), create the missing ones and wait
// until the API server serves them. Runs before Istio is installed, so a cluster that cannot run the mode is
// refused before anything changes; istiod watches for the CRDs and starts its gateway controller once they
// are established (it need not be restarted).




const apply_CRD_API = 'apiextensions.k8s.io/v1';
async function vendoredCrds() {
    // Loaded only in this mode: the bundle is about 1 MB of YAML.
    const data = await __webpack_require__.e(/* import() */ 427).then(__webpack_require__.bind(__webpack_require__, 25427));
    const crds = data.STANDARD_CRD_FILES.map((f) => {
        const object = (0,js_yaml/* load */.Hh)(f.text);
        const annotations = object.metadata.annotations ?? {};
        return {
            name: object.metadata.name,
            bundleVersion: annotations['gateway.networking.k8s.io/bundle-version'] ?? data.GATEWAY_API_VERSION,
            object
        };
    });
    return { version: data.GATEWAY_API_VERSION, crds };
}
async function ensureGatewayApi(args) {
    const { kube, config } = args;
    const { version, crds } = await vendoredCrds();
    const live = (await kube.list(apply_CRD_API, 'CustomResourceDefinition'))
        .filter((o) => o.metadata.name.endsWith(`.${gatewayapi_crds/* GATEWAY_API_GROUP */.oC}`))
        .map(gatewayapi_crds/* liveCrd */.Iw);
    const plan = (0,gatewayapi_crds/* planCrds */.Ee)({
        vendored: crds,
        live,
        bundleVersion: version,
        istioVersion: args.istioVersion,
        kubernetesVersion: args.kubernetesVersion
    });
    const gatewayApi = {
        bundleVersion: version,
        created: plan.create.map((c) => c.name),
        kept: plan.decisions.filter((d) => d.action === 'keep').map((d) => `${d.name} ${d.version}`)
    };
    const objects = plan.create.map((c) => c.object);
    if (config.lifecycle.dryRun) {
        for (const l of plan.describe)
            core/* info */.pq(l);
        // The server checks the CRDs, and the kube layer then plans this dry run's HTTPRoutes and Gateway
        // as would-be objects of kinds it does not serve yet.
        await applyStaged(kube, objects);
        return { report: { gatewayApi, plan: plan.describe } };
    }
    for (const l of plan.describe.filter((l) => !l.endsWith('would be created')))
        core/* info */.pq(l);
    // Staged: the apply waits until the API server serves the new CRDs.
    for (const outcome of await applyStaged(kube, objects, { timeoutMs: args.timeoutMs }))
        core/* info */.pq(`CustomResourceDefinition ${outcome.ref.name} ${version} ${outcome.action}`);
    return { report: { gatewayApi } };
}

;// CONCATENATED MODULE: ./src/gateway/hosts.ts
// Shared hosts on the ingress gateway (pure). Istio merges every Gateway that selects the same gateway
// pods: two Gateways in different namespaces claiming the same host on the same port make one route
// table, and for a conflict the older Gateway wins. Two previews with the default `gateway-hosts: *`
// therefore silently share the ingress, and the second one's traffic goes to the first one's Bookinfo.

function claimOf(gw) {
    const spec = (gw.spec ?? {});
    return {
        namespace: gw.metadata.namespace ?? '',
        name: gw.metadata.name,
        selector: spec.selector ?? {},
        servers: (spec.servers ?? []).map((s) => ({ port: s.port?.number ?? 0, hosts: s.hosts ?? [] })),
        ...(gw.metadata.creationTimestamp ? { createdAt: gw.metadata.creationTimestamp } : {})
    };
}
/** Gateway hosts may be `namespace/host` (`./host`, `*\/host`); the namespace part only scopes routes. */
function dnsPart(host) {
    const slash = host.indexOf('/');
    return (slash >= 0 ? host.slice(slash + 1) : host).toLowerCase();
}
/**
 * Whether two Gateway hosts claim the same virtual host. Only equal names do: Envoy picks the most specific
 * domain for a request, so `pr-1.example.com` next to another namespace's `*` or `*.example.com` still gets
 * its own traffic; two equal hosts (two `*`, the default) become one virtual host, which Istio gives to the
 * older VirtualService.
 */
function claimsSameHost(a, b) {
    return dnsPart(a) === dnsPart(b);
}
/** Two selectors can pick the same pods unless some label is required with different values. */
function selectorsCompatible(a, b) {
    return Object.entries(a).every(([k, v]) => !(k in b) || b[k] === v);
}
// A Gateway port that is a port of the ingress Service binds that port's targetPort: the demo ingress maps
// 80 → 8080 and 443 → 8443, so Bookinfo's old port-80 Gateway (Istio ≤ 1.18) and its 8080 one share a
// listener.
const LISTENER = { 80: 8080, 443: 8443 };
const listener = (port) => LISTENER[port] ?? port;
/** Gateways of other namespaces that claim a host of `own` on the same ingress pods and listener. */
function findSharedHosts(own, others) {
    const out = [];
    for (const other of others) {
        if (other.namespace === own.namespace || !selectorsCompatible(own.selector, other.selector))
            continue;
        for (const mine of own.servers) {
            const theirs = other.servers.filter((s) => listener(s.port) === listener(mine.port));
            const hosts = [];
            for (const h of mine.hosts)
                for (const s of theirs)
                    for (const t of s.hosts)
                        if (claimsSameHost(h, t))
                            hosts.push([h, t]);
            if (hosts.length > 0) {
                out.push({
                    namespace: other.namespace,
                    name: other.name,
                    port: mine.port,
                    hosts,
                    ...(other.createdAt ? { createdAt: other.createdAt } : {})
                });
                break;
            }
        }
    }
    return out;
}
/** A warning, or (for a preview, unless allowed) a refusal, for the conflicts found. */
function sharedHostsVerdict(conflicts, ctx) {
    if (conflicts.length === 0)
        return {};
    const claims = conflicts.map((c) => {
        const hosts = [...new Set(c.hosts.map(([, t]) => t))];
        return (`Gateway ${c.namespace}/${c.name}${c.createdAt ? ` (created ${c.createdAt})` : ''} already claims ` +
            `host${hosts.length === 1 ? '' : 's'} ${hosts.join(', ')} on port ${c.port} of the same ingress gateway`);
    });
    const where = [...new Set(conflicts.map((c) => c.namespace))].join(', ');
    const sentence = `${claims.join('; ')}; Istio sends such shared hosts to the older Gateway, so requests through the ingress ` +
        `may reach namespace ${where} instead of ${ctx.namespace}.`;
    if (ctx.previewId !== undefined && !ctx.allowShared) {
        return {
            refuse: new errors/* ActionError */.lZ(sentence, {
                hint: 'give this preview its own host (gateway-hosts: pr-{id}.preview.example.com), or set allow-shared-hosts: true to share the ingress knowingly'
            })
        };
    }
    return {
        warning: `${sentence} Give each deployment its own gateway-hosts (e.g. pr-{id}.preview.example.com).`
    };
}

;// CONCATENATED MODULE: ./src/gateway/shared.ts
// Thin part of the shared-host check: list the Gateways of every namespace through the kube layer and
// let the pure detection (hosts.ts) decide. Runs before Bookinfo is deployed, so a refused preview
// changes nothing. An identity that may not list Gateways cluster-wide gets a warning, not a failure:
// the check is a safety net, not a requirement.





// v1beta1 is served from Istio 1.13 to 1.30 (v1 only from 1.22).
const GATEWAY_API_VERSION = 'networking.istio.io/v1beta1';
function warn(message) {
    core/* warning */.$e(message);
    return { report: { warnings: [message] } };
}
/** Warns about (or, for a preview, refuses) hosts this run's Gateway would share with another namespace. */
async function checkSharedHosts(args) {
    const { kube, config, objects } = args;
    const own = objects.find((o) => o.kind === 'Gateway');
    if (!own)
        return { report: {} };
    let live;
    try {
        live = await kube.list(GATEWAY_API_VERSION, 'Gateway');
    }
    catch (err) {
        if (err instanceof UnknownKindError)
            return { report: {} }; // no Istio CRDs yet: nobody else can claim a host
        if (err instanceof KubeApiError && err.status === 403) {
            return warn(`Not checking whether another namespace's Gateway claims the same hosts: this identity may not list Gateways in all namespaces (${(0,errors/* messageOf */.bD)(err).split('\n')[0]}). Grant list on gateways.networking.istio.io cluster-wide to enable the check.`);
        }
        throw err;
    }
    const claim = claimOf({ ...own, metadata: { ...own.metadata, namespace: config.namespace } });
    const conflicts = findSharedHosts(claim, live.map(claimOf));
    const verdict = sharedHostsVerdict(conflicts, {
        namespace: config.namespace,
        ...(config.lifecycle.previewId !== undefined ? { previewId: config.lifecycle.previewId } : {}),
        allowShared: config.allowSharedHosts
    });
    if (verdict.refuse)
        throw verdict.refuse;
    if (verdict.warning)
        return warn(verdict.warning);
    core/* info */.pq(`No Gateway in another namespace claims ${config.gatewayHosts.join(', ')} on this ingress`);
    return { report: {} };
}

;// CONCATENATED MODULE: ./src/routing/types.ts
const OUTCOMES = ['v1', 'v2', 'v3', 'ratings-unavailable', 'reviews-unavailable'];
/** "v1 70 %, v2 20 %, v3 10 %": a distribution in the words of the summary and the log. */
const OUTCOME_TEXT = {
    v1: 'v1',
    v2: 'v2',
    v3: 'v3',
    'ratings-unavailable': 'ratings unavailable',
    'reviews-unavailable': 'reviews unavailable'
};
function describeDistribution(dist) {
    const parts = Object.entries(dist)
        .filter(([, pct]) => (pct ?? 0) > 0)
        .map(([outcome, pct]) => {
        const name = OUTCOME_TEXT[outcome] ?? outcome;
        return pct === 100
            ? `${name} 100 %`
            : `${name} ${Number.isInteger(pct) ? pct : (pct ?? 0).toFixed(1)} %`;
    });
    return parts.join(', ');
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./src/verify/classify.ts
// Reads a Bookinfo productpage response and tells which reviews version rendered it. Works on both
// productpage templates: the old Bootstrap one (images ≤ 1.19.1, Istio ≤ 1.22) and the Tailwind one
// (images 1.20.x). Star markup is the signal: v1 shows no ratings, v2 black stars, v3 red stars.
const TITLE = /<title>\s*Simple Bookstore App\s*<\/title>/i;
// Matches the old `class="glyphicon glyphicon-star"` and the new `id="glyphicon glyphicon-star"`;
// also inside "glyphicon-star-empty", which is only drawn next to full stars anyway.
const STAR = 'glyphicon glyphicon-star';
const RED = /color="red"|gap-x-1 text-red-500/;
const BLACK = /color="black"|gap-x-1 text-black-500/;
const REVIEWS_ERROR = /Error fetching product reviews/;
const DETAILS_ERROR = /Error fetching product details/;
const RATINGS_ERROR = /Ratings service is currently unavailable/;
const SERVED_BY = /Reviews served by:[\s\S]{0,80}?(reviews-(v[123])-[a-z0-9-]*)/;
function classifyProductPage(html) {
    const titleOk = TITLE.test(html);
    const ratingsUnavailable = RATINGS_ERROR.test(html);
    const detailsUnavailable = DETAILS_ERROR.test(html);
    const served = SERVED_BY.exec(html);
    const base = {
        titleOk,
        ratingsUnavailable,
        detailsUnavailable,
        ...(served?.[1] ? { servedBy: served[1] } : {})
    };
    if (REVIEWS_ERROR.test(html))
        return { ...base, reviewsVersion: 'unavailable' };
    const servedVersion = served?.[2];
    if (html.includes(STAR)) {
        // Red is checked first: a v3 page never contains black star markup, and neither colour regex
        // matches error text (a bare text-red-500 would: the Tailwind error messages use it).
        if (RED.test(html))
            return { ...base, reviewsVersion: 'v3' };
        if (BLACK.test(html))
            return { ...base, reviewsVersion: 'v2' };
        return { ...base, reviewsVersion: servedVersion ?? 'unknown' };
    }
    if (servedVersion)
        return { ...base, reviewsVersion: servedVersion };
    // Without stars: v1 never asks ratings; a ratings error means v2 or v3 with the colour unknown.
    return { ...base, reviewsVersion: ratingsUnavailable ? 'unknown' : 'v1' };
}
/** The verification outcome of one page, in the terms the variant table's expectations use. */
function outcomeOf(c) {
    if (!c.titleOk)
        return 'error';
    if (c.reviewsVersion === 'unavailable')
        return 'reviews-unavailable';
    if (c.ratingsUnavailable)
        return 'ratings-unavailable';
    if (c.reviewsVersion === 'unknown')
        return 'error';
    return c.reviewsVersion;
}

;// CONCATENATED MODULE: ./src/verify/stats.ts
// Exact tests for "does the observed traffic split match the configured one?". With ~30 requests a
// normal approximation is poor, so binomial and multinomial p-values are computed exactly; only very
// large samples fall back to Pearson's chi-square.
const logFactorials = [0];
function logFactorial(n) {
    for (let i = logFactorials.length; i <= n; i++)
        logFactorials[i] = (logFactorials[i - 1] ?? 0) + Math.log(i);
    return logFactorials[n] ?? NaN;
}
/** log P(counts) under a multinomial with probabilities `probs` (all > 0). */
function logMultinomialPmf(counts, probs) {
    const n = counts.reduce((a, b) => a + b, 0);
    let log = logFactorial(n);
    counts.forEach((c, i) => {
        log += c * Math.log(probs[i] ?? 0) - logFactorial(c);
    });
    return log;
}
function binomialPmf(k, n, p) {
    if (k < 0 || k > n)
        return 0;
    if (p === 0)
        return k === 0 ? 1 : 0;
    if (p === 1)
        return k === n ? 1 : 0;
    return Math.exp(logMultinomialPmf([k, n - k], [p, 1 - p]));
}
// Outcomes as likely as the observed one count towards the p-value; the tolerance keeps ties that
// differ only by rounding (the same rule R's binom.test uses).
const TIE = 1 + 1e-7;
/** Two-sided exact binomial test: P(an outcome no more likely than k successes in n trials). */
function binomialTest(k, n, p) {
    const observed = binomialPmf(k, n, p);
    let sum = 0;
    for (let i = 0; i <= n; i++) {
        const d = binomialPmf(i, n, p);
        if (d <= observed * TIE)
            sum += d;
    }
    return Math.min(1, sum);
}
/** Number of ways to spread n requests over k categories: C(n+k-1, k-1). */
function compositions(n, k) {
    return Math.round(Math.exp(logFactorial(n + k - 1) - logFactorial(k - 1) - logFactorial(n)));
}
const EXACT_LIMIT = 2_000_000;
/**
 * Goodness of fit of `counts` to `probs` (same order; probs sum to 1). Categories with probability 0
 * must be empty, else p = 0. Exact (sum over every outcome no more likely than the observed one)
 * unless that means enumerating more than two million outcomes.
 */
function multinomialTest(counts, probs) {
    if (counts.length !== probs.length)
        throw new Error('counts and probabilities differ in length');
    const live = [];
    for (let i = 0; i < counts.length; i++) {
        if ((probs[i] ?? 0) > 0)
            live.push(i);
        else if ((counts[i] ?? 0) > 0)
            return { pValue: 0, method: 'deterministic' };
    }
    const c = live.map((i) => counts[i] ?? 0);
    const total = live.reduce((s, i) => s + (probs[i] ?? 0), 0);
    const p = live.map((i) => (probs[i] ?? 0) / total);
    const n = c.reduce((a, b) => a + b, 0);
    if (c.length <= 1 || n === 0)
        return { pValue: 1, method: 'deterministic' };
    if (c.length === 2)
        return { pValue: binomialTest(c[0] ?? 0, n, p[0] ?? 0), method: 'exact' };
    if (compositions(n, c.length) > EXACT_LIMIT)
        return { pValue: chiSquareTest(c, p), method: 'chi-square' };
    const threshold = logMultinomialPmf(c, p) + Math.log(TIE);
    let sum = 0;
    const current = new Array(c.length).fill(0);
    const walk = (i, left) => {
        if (i === c.length - 1) {
            current[i] = left;
            const lp = logMultinomialPmf(current, p);
            if (lp <= threshold)
                sum += Math.exp(lp);
            return;
        }
        for (let x = 0; x <= left; x++) {
            current[i] = x;
            walk(i + 1, left - x);
        }
    };
    walk(0, n);
    return { pValue: Math.min(1, sum), method: 'exact' };
}
/** Pearson's chi-square goodness-of-fit p-value, df = k − 1. */
function chiSquareTest(counts, probs) {
    const n = counts.reduce((a, b) => a + b, 0);
    let x2 = 0;
    counts.forEach((o, i) => {
        const e = n * (probs[i] ?? 0);
        x2 += ((o - e) * (o - e)) / e;
    });
    return regularizedGammaQ((counts.length - 1) / 2, x2 / 2);
}
function logGamma(x) {
    // Lanczos approximation (g = 7, n = 9); accurate to ~1e-15 for x > 0.
    const c = [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
    ];
    if (x < 0.5)
        return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    const z = x - 1;
    let a = c[0] ?? 0;
    const t = z + 7.5;
    for (let i = 1; i < 9; i++)
        a += (c[i] ?? 0) / (z + i);
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
/** Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, continued fraction above. */
function regularizedGammaQ(a, x) {
    if (x <= 0)
        return 1;
    const gln = logGamma(a);
    if (x < a + 1) {
        let sum = 1 / a;
        let term = sum;
        for (let k = 1; k < 1000; k++) {
            term *= x / (a + k);
            sum += term;
            if (Math.abs(term) < Math.abs(sum) * 1e-15)
                break;
        }
        return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - gln));
    }
    // Lentz's method for the continued fraction.
    const tiny = 1e-300;
    let b = x + 1 - a;
    let cc = 1 / tiny;
    let d = 1 / b;
    let h = d;
    for (let i = 1; i < 1000; i++) {
        const an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (Math.abs(d) < tiny)
            d = tiny;
        cc = b + an / cc;
        if (Math.abs(cc) < tiny)
            cc = tiny;
        d = 1 / d;
        const delta = d * cc;
        h *= delta;
        if (Math.abs(delta - 1) < 1e-15)
            break;
    }
    return Math.min(1, Math.exp(-x + a * Math.log(x) - gln) * h);
}
/** The q-th percentile (0–100) with linear interpolation between ranks; NaN for no values. */
function percentile(values, q) {
    if (values.length === 0)
        return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (q / 100) * (sorted.length - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    const a = sorted[lo] ?? NaN;
    const b = sorted[hi] ?? NaN;
    return a + (b - a) * (rank - lo);
}

;// CONCATENATED MODULE: ./src/verify/http.ts
// Talks to Bookinfo through the ingress gateway like a browser would: a cookie jar for Flask's signed
// `session` cookie, login/logout, then many GET /productpage to measure the reviews split.
// node:http rather than fetch: fetch silently drops a Host header, and preview hosts need one.







/** One visitor: remembers cookies between requests, never follows redirects on its own. */
class Session {
    cookies = new Map();
    base;
    options;
    constructor(baseUrl, options = {}) {
        this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
        this.options = options;
    }
    url(path) {
        return new URL(path.replace(/^\//, ''), this.base);
    }
    request(method, path, body, headers = {}) {
        const url = this.url(path);
        const all = { 'user-agent': 'ask-istio-action', accept: 'text/html', ...headers };
        if (this.options.hostHeader)
            all.host = this.options.hostHeader;
        if (this.cookies.size > 0)
            all.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        if (body !== undefined)
            all['content-length'] = String(Buffer.byteLength(body));
        const started = performance.now();
        const client = url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
        return new Promise((resolve, reject) => {
            const req = client.request(url, { method, headers: all, timeout: this.options.timeoutMs ?? 20000, signal: this.options.signal }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('error', reject);
                res.on('end', () => {
                    this.remember(res.headers['set-cookie'] ?? []);
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        body: Buffer.concat(chunks).toString('utf8'),
                        latencyMs: performance.now() - started
                    });
                });
            });
            req.on('timeout', () => req.destroy(new Error(`no answer from ${url.href} within ${this.options.timeoutMs ?? 20000} ms`)));
            req.on('error', reject);
            req.end(body);
        });
    }
    get(path) {
        return this.request('GET', path);
    }
    remember(setCookies) {
        for (const line of setCookies) {
            const [pair, ...attrs] = line.split(';');
            const eq = pair?.indexOf('=') ?? -1;
            if (!pair || eq < 1)
                continue;
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            const expired = attrs.some((a) => {
                const [k, v = ''] = a.split('=').map((s) => s.trim());
                if (k?.toLowerCase() === 'max-age')
                    return Number(v) <= 0;
                if (k?.toLowerCase() === 'expires')
                    return Date.parse(v) <= Date.now();
                return false;
            });
            if (expired || value === '')
                this.cookies.delete(name);
            else
                this.cookies.set(name, value);
        }
    }
    /**
     * Logs in the way the productpage form does. Flask keeps the user in its signed `session` cookie
     * and redirects to the Referer, so a Referer is sent and the redirect is not followed.
     */
    async login(username) {
        const body = new URLSearchParams({ username, passwd: 'password' }).toString();
        const res = await this.request('POST', '/login', body, {
            'content-type': 'application/x-www-form-urlencoded',
            referer: this.url('/productpage').href
        });
        if (res.status >= 400 || !this.cookies.has('session')) {
            throw new errors/* ActionError */.lZ(`Logging in to Bookinfo as "${username}" failed (HTTP ${res.status}${this.cookies.has('session') ? '' : ', no session cookie set'}).`, {
                details: [
                    `POST ${this.url('/login').href}`,
                    ...(res.body ? [`answer: ${res.body.slice(0, 200)}`] : [])
                ],
                hint: 'Check that the gateway routes /login to productpage (bookinfo-gateway.yaml does).'
            });
        }
    }
    async logout() {
        await this.request('GET', '/logout', undefined, { referer: this.url('/productpage').href });
        this.cookies.delete('session');
    }
}
function problemOf(res) {
    if (res.status !== 200)
        return `HTTP ${res.status}${res.body ? `: ${res.body.slice(0, 120).replace(/\s+/g, ' ')}` : ''}`;
    if (!classifyProductPage(res.body).titleOk)
        return 'HTTP 200 but the page has no "Simple Bookstore App" title';
    return undefined;
}
/**
 * GET /productpage until it answers 200 with the Bookinfo title (the gateway and sidecars may need a
 * moment after apply), within `budgetMs`; then time `samples` more requests for p50/p95.
 */
async function smokeTest(url, opts) {
    const started = Date.now();
    const session = new Session(url, {
        hostHeader: opts.hostHeader,
        signal: opts.signal,
        timeoutMs: Math.min(20000, opts.budgetMs)
    });
    let attempts = 0;
    let lastProblem;
    try {
        // Until the first good answer: the gateway and sidecars may need a moment after apply.
        const first = await retry(async (attempt) => {
            attempts = attempt;
            const res = await session.get('/productpage');
            const problem = problemOf(res);
            if (problem)
                throw new Error(problem);
            return res;
        }, {
            policy: { attempts: Infinity, baseDelayMs: 500, maxDelayMs: 5000, budgetMs: opts.budgetMs },
            retryable: (err) => {
                lastProblem = err.message;
                return true;
            },
            signal: opts.signal
        });
        const latencies = [first.latencyMs];
        for (let i = 1; i < (opts.samples ?? 10); i++) {
            const next = await session.get('/productpage').catch(() => undefined);
            if (!next || problemOf(next))
                break;
            latencies.push(next.latencyMs);
        }
        return {
            ok: true,
            attempts,
            elapsedMs: Date.now() - started,
            latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) }
        };
    }
    catch {
        // Out of time, or cancelled: the caller reports the last problem seen.
    }
    return { ok: false, attempts, elapsedMs: Date.now() - started, lastProblem };
}
/** productpage gives up on reviews after 3 s; a 7 s ratings delay can never be faster than that. */
const DELAYED_PAGE_MIN_MS = 3000;
async function verifyIdentity(url, user, expected, expect, opts) {
    const session = new Session(url, {
        hostHeader: opts.hostHeader,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal
    });
    if (user)
        await session.login(user);
    const observed = {};
    const latencies = [];
    const errors = [];
    const servedBy = {};
    let next = 0;
    const worker = async () => {
        while (next < opts.requests && !opts.signal?.aborted) {
            next++;
            let outcome;
            try {
                const res = await session.get('/productpage');
                latencies.push(res.latencyMs);
                const problem = problemOf(res);
                const page = classifyProductPage(res.body);
                if (page.servedBy)
                    servedBy[page.servedBy] = (servedBy[page.servedBy] ?? 0) + 1;
                outcome = problem ? 'error' : outcomeOf(page);
                if (outcome === 'error' && errors.length < 3)
                    errors.push(problem ?? 'page rendered reviews, but neither stars nor "served by" tell the version');
            }
            catch (err) {
                outcome = 'error';
                if (errors.length < 3)
                    errors.push(err.message);
            }
            observed[outcome] = (observed[outcome] ?? 0) + 1;
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, opts.requests)) }, worker));
    if (user)
        await session.logout().catch(() => undefined);
    const categories = [...OUTCOMES, 'error'];
    const totalPct = Object.values(expected).reduce((a, b) => a + (b ?? 0), 0);
    const counts = categories.map((c) => observed[c] ?? 0);
    const probs = categories.map((c) => (c === 'error' ? 0 : (expected[c] ?? 0) / totalPct));
    const test = multinomialTest(counts, probs);
    const alpha = opts.alpha ?? 0.001;
    const requests = counts.reduce((a, b) => a + b, 0);
    const latency = { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
    let pass = requests > 0 && test.pValue >= alpha;
    let reason = pass
        ? undefined
        : requests === 0
            ? 'no requests completed'
            : `observed split is unlikely under the expected one (p = ${test.pValue.toPrecision(3)} < ${alpha})`;
    const delayed = user && expect.ratingsFault?.fault === 'delay7s' && expect.ratingsFault.users.includes(user);
    if (pass && delayed && !(latency.p50 >= DELAYED_PAGE_MIN_MS)) {
        pass = false;
        reason = `ratings is delayed 7 s for ${user}, yet the median page took ${Math.round(latency.p50)} ms (expected ≥ ${DELAYED_PAGE_MIN_MS} ms)`;
    }
    return {
        identity: user ?? 'anonymous',
        expected,
        observed,
        requests,
        pValue: test.pValue,
        method: test.method,
        pass,
        ...(reason ? { reason } : {}),
        latency,
        errors,
        ...(Object.keys(servedBy).length ? { servedBy } : {})
    };
}
/**
 * Sends `requests` page views per identity the expectation names (anonymous, then each user after
 * logging in) and tests the observed reviews split against the expected one.
 */
async function verifyRouting(url, expect, opts) {
    const identities = [await verifyIdentity(url, undefined, expect.anonymous, expect, opts)];
    for (const [user, dist] of Object.entries(expect.users ?? {})) {
        identities.push(await verifyIdentity(url, user, dist, expect, opts));
    }
    return { pass: identities.every((i) => i.pass), alpha: opts.alpha ?? 0.001, identities };
}

;// CONCATENATED MODULE: ./src/verify/origin.ts

/** One sentence naming the namespaces (or, unknown, the pods) that answered instead of `namespace`. */
function foreignResponses(identities, namespace, located) {
    const counts = new Map();
    for (const id of identities)
        for (const [pod, n] of Object.entries(id.servedBy ?? {}))
            counts.set(pod, (counts.get(pod) ?? 0) + n);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const foreign = [...counts.entries()].filter(([pod]) => located?.get(pod) !== namespace);
    if (foreign.length === 0 || total === 0)
        return undefined;
    const byNamespace = new Map();
    for (const [pod] of foreign) {
        const ns = located?.get(pod) ?? '';
        byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), pod]);
    }
    const n = foreign.reduce((a, [, c]) => a + c, 0);
    const parts = [...byNamespace.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([ns, pods]) => ns
        ? `reviews pods of namespace ${ns} (${pods.sort().join(', ')})`
        : `reviews pods that are not in namespace ${namespace} (${pods.sort().join(', ')})`);
    return (`${n} of ${total} pages were rendered by ${parts.join(' and ')}, not by those of ${namespace}: ` +
        'the ingress sent these requests to another deployment of Bookinfo, typically through another namespace’s ' +
        'Gateway claiming the same host (Istio serves a shared host from the older Gateway)');
}
/**
 * Where the reviews pods are: all namespaces when the identity may list pods cluster-wide, else only this
 * namespace (a pod missing there is then reported as "not found in" it).
 */
async function locateReviewsPods(kube, namespace) {
    const toMap = (pods) => new Map(pods.map((p) => [p.metadata.name, p.metadata.namespace ?? namespace]));
    try {
        return toMap(await kube.list('v1', 'Pod', { labelSelector: 'app=reviews' }));
    }
    catch (err) {
        if (!(err instanceof KubeApiError && err.status === 403))
            return undefined;
    }
    try {
        return toMap(await kube.list('v1', 'Pod', { namespace, labelSelector: 'app=reviews' }));
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/verify/run.ts
// The verify step: smoke test through the gateway, then the routing split per identity against the
// expectation the routing step recorded. Results go into the report (outputs + summary).







const SMOKE_BUDGET_MS = 180_000;
/**
 * Verification requests in flight at once. Each identity keeps its own session and every answer is
 * counted once, so the statistics do not depend on it; 8 keeps a 100-request check to a few round trips
 * without loading a preview's single productpage pod.
 */
const VERIFY_CONCURRENCY = 8;
/** How long routes may take to reach the gateways' Envoys after they are applied. */
const PROPAGATION_GRACE_MS = 5_000;
async function verify(args) {
    const { config, gateway, signal } = args;
    const found = config.verify.smokeTest ? await checkSmoke(args) : {};
    if (!config.verify.verifyRouting)
        return { report: found };
    const expectation = args.routing?.expectation;
    if (!expectation) {
        core/* info */.pq('Routing split not verified: the applied routes are too rich to predict what a visitor sees.');
        return { report: found };
    }
    const options = {
        requests: config.verify.requests,
        hostHeader: gateway.hostHeader,
        concurrency: VERIFY_CONCURRENCY,
        signal
    };
    let result = await verifyRouting(gateway.url, expectation, options);
    if (!result.pass) {
        // Envoy picks up new routes a second or two after they are applied (istiod pushes them): a split seen
        // right after a switch can still be the previous one. One more sample after a pause settles that;
        // a real mismatch fails again.
        core/* info */.pq(`The observed split does not match yet; sampling again in ${PROPAGATION_GRACE_MS / 1000} s (route propagation).`);
        await sleep(PROPAGATION_GRACE_MS, signal);
        result = await verifyRouting(gateway.url, expectation, options);
    }
    found.verification = result;
    for (const id of result.identities) {
        core/* info */.pq(`${id.identity}: expected ${describeDistribution(id.expected)}; observed ${JSON.stringify(id.observed)}; p = ${id.pValue.toPrecision(3)}; ${id.pass ? 'pass' : `FAIL — ${id.reason ?? ''}`}`);
    }
    // The measured split reaches the `verification` output also when it fails the run.
    if (!result.pass)
        throw new model/* StepFailure */.pH(await splitMismatch(args, result), found);
    return { report: found };
}
/** The smoke test's status for the summary; a failed one throws with that status handed over. */
async function checkSmoke({ config, gateway, signal }) {
    const { url, hostHeader } = gateway;
    const smoke = await smokeTest(url, {
        hostHeader,
        budgetMs: Math.min(config.waitTimeoutMs, SMOKE_BUDGET_MS),
        signal
    });
    if (!smoke.ok) {
        const failure = new errors/* ActionError */.lZ(`GET ${url}/productpage did not return the Bookinfo page within ${Math.round(smoke.elapsedMs / 1000)} s.`, {
            details: [
                `last answer: ${smoke.lastProblem ?? 'none'}`,
                ...(hostHeader ? [`Host: ${hostHeader}`] : [])
            ],
            hint: 'Check the istio-ingressgateway pods and the bookinfo Gateway/VirtualService (istioctl analyze), and that the runner can reach the load balancer.'
        });
        throw new model/* StepFailure */.pH(failure, {
            smoke: 'failed',
            smokeStatus: `failed after ${smoke.attempts} attempts: ${smoke.lastProblem ?? 'no answer'}`
        });
    }
    const smokeStatus = `ok (p50 ${Math.round(smoke.latency?.p50 ?? 0)} ms, p95 ${Math.round(smoke.latency?.p95 ?? 0)} ms, ${smoke.attempts} attempt(s))`;
    core/* info */.pq(`Smoke test: ${smokeStatus}`);
    return { smoke: 'passed', smokeStatus };
}
/** Why the split does not match: who answered instead (another namespace's pods), or each identity's miss. */
async function splitMismatch(args, result) {
    const { config } = args;
    const failed = result.identities.filter((i) => !i.pass);
    const located = args.locatePods ? await args.locatePods().catch(() => undefined) : undefined;
    const elsewhere = foreignResponses(result.identities, config.namespace, located);
    return new errors/* ActionError */.lZ(`The traffic split does not match routing "${args.routing?.variant ?? config.routing.variant}".`, {
        details: [
            ...(elsewhere ? [`${elsewhere}.`] : []),
            ...failed.map((i) => `${i.identity}: expected ${describeDistribution(i.expected)}, observed ${JSON.stringify(i.observed)} — ${i.reason ?? ''}${i.errors.length ? ` (e.g. ${i.errors[0]})` : ''}`)
        ],
        hint: elsewhere
            ? 'Give this deployment its own gateway-hosts (e.g. pr-{id}.preview.example.com), or remove the other namespace’s Gateway for this host.'
            : 'Sidecars may still be picking up the new routes (re-run), or the VirtualService/DestinationRule differ from what the variant expects (istioctl analyze).'
    });
}

;// CONCATENATED MODULE: ./src/lifecycle/previews.ts
// Preview environments: teardown of one preview namespace, and pruning of old ones. Both act only on
// namespaces carrying the action's ownership label, never on default/istio-system.




const PROTECTED = new Set(['default', ...src_ownership/* SYSTEM_NAMESPACES */.Jo]);
/** Pure: which namespaces a prune removes. */
function selectExpired(namespaces, olderThanMs, now = Date.now()) {
    return namespaces.filter((ns) => {
        if (PROTECTED.has(ns.metadata.name))
            return false;
        if (ns.metadata.labels?.[src_ownership/* MANAGED_BY_LABEL */.lT] !== src_ownership/* MANAGED_BY */.Kf)
            return false;
        const created = Date.parse(ns.metadata.annotations?.[src_ownership/* CREATED_AT_ANNOTATION */.fs] ?? String(ns.metadata.creationTimestamp ?? ''));
        return Number.isFinite(created) && now - created > olderThanMs;
    });
}
async function deleteNamespace(kube, name, timeoutMs) {
    const ref = { apiVersion: 'v1', kind: 'Namespace', name };
    await kube.delete(ref);
    if (kube.dryRun)
        return; // the server only checked the delete
    await kube.waitFor({ apiVersion: 'v1', kind: 'Namespace', name }, (items) => ({ done: items.length === 0, progress: `namespace ${name} terminating` }), {
        timeoutMs
    });
}
async function teardownPreview(args) {
    const { kube, config } = args;
    const name = config.namespace;
    try {
        return { report: { namespace: name, plan: await teardown(kube, config) } };
    }
    catch (err) {
        throw new model/* StepFailure */.pH(err, { namespace: name });
    }
}
/** Deletes the preview's namespace after checking that it is one; returns the plan's line. */
async function teardown(kube, config) {
    const name = config.namespace;
    if (PROTECTED.has(name)) {
        throw new errors/* ActionError */.lZ(`Refusing to tear down namespace ${name}.`, {
            hint: 'set namespace (or preview-id) to a preview namespace'
        });
    }
    const ns = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name });
    if (!ns) {
        core/* info */.pq(`Namespace ${name} does not exist; nothing to tear down.`);
        return [`namespace ${name} already gone`];
    }
    if (ns.metadata.labels?.[src_ownership/* MANAGED_BY_LABEL */.lT] !== src_ownership/* MANAGED_BY */.Kf) {
        throw new errors/* ActionError */.lZ(`Namespace ${name} was not created by ask-istio-action (no ${src_ownership/* MANAGED_BY_LABEL */.lT}=${src_ownership/* MANAGED_BY */.Kf} label); not deleting it.`, {
            hint: 'delete it yourself if it really is a preview'
        });
    }
    const preview = config.lifecycle.previewId;
    if (preview && ns.metadata.labels?.[src_ownership/* PREVIEW_LABEL */.W7] !== preview) {
        throw new errors/* ActionError */.lZ(`Namespace ${name} belongs to preview ${ns.metadata.labels?.[src_ownership/* PREVIEW_LABEL */.W7] ?? '(none)'}, not ${preview}; not deleting it.`);
    }
    core/* info */.pq(`Deleting namespace ${name}${config.lifecycle.dryRun ? ' (dry run)' : ''}`);
    await deleteNamespace(kube, name, config.waitTimeoutMs);
    return [`namespace ${name} ${config.lifecycle.dryRun ? 'would be deleted' : 'deleted'}`];
}
async function prunePreviews(args) {
    const { kube, config } = args;
    const olderThan = config.lifecycle.pruneOlderThanMs ?? 72 * 3600_000;
    const all = await kube.list('v1', 'Namespace', { labelSelector: `${src_ownership/* MANAGED_BY_LABEL */.lT}=${src_ownership/* MANAGED_BY */.Kf}` });
    const expired = selectExpired(all, olderThan);
    core/* info */.pq(`${all.length} preview namespace(s), ${expired.length} older than ${Math.round(olderThan / 3600_000)}h`);
    // The namespaces deleted before a failure are still listed in the summary.
    const plan = [];
    try {
        for (const ns of expired) {
            await deleteNamespace(kube, ns.metadata.name, config.waitTimeoutMs);
            plan.push(`namespace ${ns.metadata.name} (created ${ns.metadata.annotations?.[src_ownership/* CREATED_AT_ANNOTATION */.fs] ?? '?'}) ${config.lifecycle.dryRun ? 'would be deleted' : 'deleted'}`);
        }
    }
    catch (err) {
        throw new model/* StepFailure */.pH(err, { plan });
    }
    return { report: { plan } };
}

;// CONCATENATED MODULE: ./src/pipeline.ts
// The deploy / teardown / prune sequences. Every line is one step from its own module. Steps return typed
// results and never touch the report: what each found reaches the report model through the step log
// (report.steps.run records a result's `report` contribution, or a StepFailure's), and what this file
// passes on from one step to the next is visible here.






















async function connect(config, report, signal) {
    const creds = await report.steps.run('Authenticate', async (note) => {
        const c = await authenticate(config.auth, { runnerTemp: process.env.RUNNER_TEMP ?? '', signal });
        note(`${c.source} → ${c.server}`);
        return c;
    });
    // A dry run's connection turns every apply and delete into a server-side dry run and refuses any other
    // write: whatever a step does, a dry run changes nothing.
    const kube = await Kube.connect({
        kubeconfigPath: creds.kubeconfigPath,
        context: creds.context,
        signal,
        dryRun: config.lifecycle.dryRun
    });
    return { creds, kube };
}
async function deploy(config, report, signal) {
    const { creds, kube } = await connect(config, report, signal);
    const deadline = Date.now() + config.waitTimeoutMs;
    const run = { config, report, kube, signal, remaining: () => Math.max(1000, deadline - Date.now()) };
    const mesh = await installMesh(run, creds);
    try {
        const app = await applyBookinfo(run, mesh);
        await awaitAndVerify(run, mesh, app);
    }
    finally {
        // istioctl install may still be rolling out the gateways, under the install lease: a failed run
        // still waits for it to end rather than leave it behind.
        await mesh.controlPlane?.catch(() => undefined);
    }
    // A cancelled run never ends green, whichever step noticed the cancellation first.
    if (signal?.aborted)
        throw signal.reason;
    // Counted by the kube layer (a re-run writes nothing). The line is for people; the e2e tests and the
    // benchmark read the same figures as data, from the debug command (shown with ACTIONS_STEP_DEBUG).
    core/* info */.pq(`Kubernetes API: ${kube.stats.requests} requests, ${kube.stats.writes} writes`);
    core/* debug */.Yz(`${KUBE_STATS_DEBUG_PREFIX}${JSON.stringify(kube.stats)}`);
    if (config.lifecycle.dryRun)
        core/* info */.pq(['Dry run — nothing was changed. Plan:', ...report.plan.map((l) => `  ${l}`)].join('\n'));
}
/** istioctl, the preflight, the Gateway API CRDs (in that mode) and the shared control plane. */
async function installMesh({ config, report, kube, signal, remaining }, creds) {
    const tool = await report.steps.run('Fetch istioctl', async (note) => {
        const t = await installIstioctl({
            versionSpec: config.istio.versionSpec,
            downloadUrl: config.istio.downloadUrl,
            githubToken: config.lifecycle.githubToken,
            signal
        });
        note(`istioctl ${t.version} (${t.cacheHit ? 'tool cache hit' : 'downloaded and verified'})`);
        return t;
    });
    const istioctl = new Istioctl(tool.binary, {
        kubeconfig: creds.kubeconfigPath,
        context: creds.context,
        secrets: config.secrets,
        signal
    });
    report.istio = {
        version: tool.version,
        istioctlPath: tool.binary,
        cacheHit: tool.cacheHit,
        action: 'pending',
        reason: ''
    };
    const cluster = await report.steps.run('Preflight', () => checkCluster(kube, config, tool.version));
    report.cluster = {
        server: creds.server,
        kubeVersion: cluster.kubeVersion,
        serverless: cluster.serverless,
        source: creds.source
    };
    // ingress: gateway-api — the CRDs are checked (too old: refused, nothing changed yet) and created when
    // absent before Istio is installed; istiod picks them up whenever they appear.
    if (config.ingress === 'gateway-api') {
        await report.steps.run('Gateway API CRDs', () => ensureGatewayApi({
            kube,
            config,
            istioVersion: tool.version,
            kubernetesVersion: cluster.kubeVersion,
            timeoutMs: remaining()
        }));
    }
    // On a fresh install the step ends once istiod can inject pods; controlPlane is the rest of istioctl install.
    const { controlPlane } = await report.steps.run('Install Istio', () => ensureIstio({
        kube,
        istioctl,
        config,
        version: tool.version,
        extraSets: cluster.fixes,
        timeoutMs: remaining()
    }));
    return { version: tool.version, istioctl, serverless: cluster.serverless, controlPlane };
}
/**
 * Bookinfo, its gateway and its routing, applied back to back: none of them needs a running pod, so the
 * rollout wait (the cluster's own limit) overlaps istioctl analyze instead of preceding it.
 */
async function applyBookinfo({ config, report, kube, remaining }, mesh) {
    const own = (0,src_ownership/* ownership */.kG)(config.lifecycle.previewId, (0,src_ownership/* runContextFromEnv */.wX)(process.env));
    const samples = config.bookinfo || config.gateway || config.addons.length > 0
        ? await report.steps.run('Fetch samples', () => installSamples({
            version: mesh.version,
            downloadUrl: config.istio.downloadUrl,
            githubToken: config.lifecycle.githubToken
        }))
        : undefined;
    const readSample = (rel) => (0,promises_.readFile)((0,external_node_path_.join)(samples ?? '', rel), 'utf8');
    if (!config.bookinfo) {
        report.steps.skip('Deploy Bookinfo', 'bookinfo: false');
        return { deployments: [], readSample, own };
    }
    // Before anything of Bookinfo is applied: another namespace's Gateway claiming our hosts would take
    // our traffic (Istio gives a shared host to the older Gateway); a preview is refused, others warned.
    // (A Gateway API Gateway is the namespace's own: no other namespace's Gateway can claim its hosts.)
    if (config.gateway && config.ingress === 'istio-gateway') {
        await report.steps.run('Check gateway hosts', async () => checkSharedHosts({
            kube,
            config,
            objects: await bookinfoGatewayObjects({ config, ownership: own, readSample })
        }));
    }
    // On ASK, the pods start from the cache only if it is Ready before they are created.
    if (config.eciImageCache === 'prepare') {
        await report.steps.run('Prepare ECI ImageCache', async () => prepareImageCache({
            kube,
            config,
            istioVersion: mesh.version,
            namespace: await bookinfoNamespace(kube, config, own),
            workloads: await bookinfoWorkloads({ config, ownership: own, readSample }),
            timeoutMs: remaining()
        }));
    }
    const { deployments } = await report.steps.run('Deploy Bookinfo', () => deployBookinfo({ kube, config, ownership: own, readSample }));
    // The sample gateway routes to productpage: without Bookinfo it would only shadow other hosts.
    if (config.gateway) {
        await report.steps.run('Apply Bookinfo gateway', () => applyBookinfoGateway({ kube, config, ownership: own, readSample }));
    }
    await report.steps.run(`Apply routing (${config.routing.variant})`, () => applyRouting({ kube, config, ownership: own, readSample, istioVersion: mesh.version }));
    return { deployments, readSample, own };
}
/**
 * The waits (Bookinfo, addons, the gateway address) and the verification, with istioctl analyze running
 * alongside: it reads what was just applied and was a third of a warm run. Its verdict is reported after
 * them (and wins over theirs).
 */
async function awaitAndVerify(run, mesh, app) {
    const { config, report, kube, signal, remaining } = run;
    const { controlPlane } = mesh;
    let analysis;
    if (config.bookinfo && config.lifecycle.dryRun)
        (0,model/* record */.g1)(report, { plan: [`istioctl analyze -n ${config.namespace}`] });
    else if (config.bookinfo) {
        // Once the whole control plane is up: before the gateways exist, analyze would report the Bookinfo
        // Gateway's selector as matching no pods. No analysis when the control plane failed (that step says why).
        analysis = (controlPlane ?? Promise.resolve()).then(() => startAnalysis(mesh.istioctl, config), () => undefined);
        analysis.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
    }
    try {
        if (app.deployments.length > 0) {
            await report.steps.run('Wait for Bookinfo', () => awaitBookinfo({
                kube,
                config,
                names: app.deployments,
                timeoutMs: remaining(),
                istioVersion: mesh.version,
                readSample: app.readSample,
                ownership: app.own
            }));
        }
        if (controlPlane)
            await report.steps.run('Finish Istio install', () => controlPlane);
        if (config.addons.length > 0) {
            await report.steps.run(`Deploy addons (${config.addons.join(', ')})`, () => deployAddons({ kube, config, readSample: app.readSample, timeoutMs: remaining() }));
        }
        await gatewayAndVerify(config, report, kube, mesh.serverless, remaining, signal);
    }
    finally {
        const outcome = analysis && !signal?.aborted ? await settle(analysis) : undefined;
        if (outcome)
            await report.steps.run('istioctl analyze', async () => reportAnalysis(outcome, config));
    }
}
/** An analyze that could not run at all (API server flaky, no read access) becomes a warning. */
async function settle(p) {
    return p.catch((err) => (err instanceof Error ? err : new Error(String(err))));
}
async function gatewayAndVerify(config, report, kube, serverless, remaining, signal) {
    if (config.gateway && config.bookinfo && config.ingress === 'gateway-api') {
        const [namespace, name] = (report.gatewayApi?.gateway ?? '').split('/');
        report.gateway = await report.steps.run('Wait for Gateway Programmed', () => resolveGatewayApi({
            kube,
            namespace: namespace || config.namespace,
            name: name || 'bookinfo-gateway',
            timeoutMs: remaining(),
            hosts: config.gatewayHosts,
            dryRun: config.lifecycle.dryRun
        }));
    }
    else if (config.gateway) {
        report.gateway = await report.steps.run('Find gateway address', () => resolveGateway({
            kube,
            serverless,
            timeoutMs: remaining(),
            hosts: config.gatewayHosts,
            dryRun: config.lifecycle.dryRun
        }));
    }
    const gateway = report.gateway;
    if (!config.lifecycle.dryRun &&
        gateway &&
        config.bookinfo &&
        (config.verify.smokeTest || config.verify.verifyRouting)) {
        await report.steps.run('Verify', () => verify({
            config,
            gateway,
            routing: report.routing,
            signal,
            locatePods: () => locateReviewsPods(kube, config.namespace)
        }));
    }
}
async function pipeline_teardown(config, report, signal) {
    const { kube } = await connect(config, report, signal);
    await report.steps.run(`Tear down ${config.namespace}`, () => teardownPreview({ kube, config }));
}
async function prune(config, report, signal) {
    const { kube } = await connect(config, report, signal);
    await report.steps.run('Prune old previews', () => prunePreviews({ kube, config }));
}


/***/ })

};
