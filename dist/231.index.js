export const id = 231;
export const ids = [231,994];
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

/***/ 54231:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   commentMarker: () => (/* binding */ commentMarker),
/* harmony export */   commentOnPr: () => (/* binding */ commentOnPr),
/* harmony export */   pullRequestNumber: () => (/* binding */ pullRequestNumber),
/* harmony export */   renderComment: () => (/* binding */ renderComment),
/* harmony export */   runUrlFromEnv: () => (/* binding */ runUrlFromEnv)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46058);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83916);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(57994);
/* harmony import */ var _auth_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(25439);
// The pull request comment (`comment-on-pr`). One comment per PR and namespace: a hidden marker finds the
// comment an earlier run left, which is updated in place, so re-runs and pushes never pile up duplicates.
// A comment is a courtesy: any failure to post it is a warning, never a failed deployment.





/** The hidden marker identifying this action's comment for one namespace (a PR may deploy several). */
function commentMarker(namespace) {
    return `<!-- ask-istio-action:${namespace} -->`;
}
/** Link to the workflow run (and attempt) from the runner's environment; undefined outside a runner. */
function runUrlFromEnv(env) {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
    if (!server || !repo || !run)
        return undefined;
    const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
    return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}${attempt}`;
}
function verificationVerdict(v) {
    if (!v)
        return undefined;
    return v.pass ? '✅ traffic split verified' : '❌ traffic split not as expected';
}
/** Pure: the comment body (Markdown) for a finished deploy. */
function renderComment(report, config, runUrl) {
    const namespace = report.namespace ?? config.namespace;
    const parts = [commentMarker(namespace), `### Bookinfo preview \`${namespace}\``];
    const facts = [];
    const gw = report.gateway;
    if (gw) {
        facts.push(['Productpage', `${gw.url}/productpage`]);
        if (gw.hostHeader)
            facts.push(['Host header', `\`${gw.hostHeader}\``]);
    }
    if (report.gatewayApi?.gateway)
        facts.push(['Gateway', `Gateway API \`${report.gatewayApi.gateway}\` (its own load balancer)`]);
    const variant = report.routing?.variant ?? config.routing.variant;
    facts.push([
        'Routing',
        report.routing ? `\`${variant}\` — ${report.routing.description}` : `\`${variant}\``
    ]);
    if (report.istio)
        facts.push(['Istio', report.istio.version]);
    if (report.smokeStatus)
        facts.push(['Smoke test', report.smokeStatus]);
    const verdict = verificationVerdict(report.verification);
    if (verdict)
        facts.push(['Verification', verdict]);
    if (report.failure)
        facts.push(['Result', '❌ the deploy failed — see the workflow run']);
    parts.push((0,_summary_js__WEBPACK_IMPORTED_MODULE_3__/* .table */ .tp)(['', ''], facts));
    if (report.failure)
        parts.push('```\n' + report.failure + '\n```');
    if (gw) {
        // Ready to paste: with a preview host the gateway only routes requests carrying that Host header.
        const header = gw.hostHeader ? ` -H 'Host: ${gw.hostHeader}'` : '';
        parts.push('```sh\ncurl -s' + header + ` ${gw.url}/productpage\n` + '```');
    }
    if (report.verification !== undefined)
        parts.push('#### Verification', (0,_summary_js__WEBPACK_IMPORTED_MODULE_3__/* .verificationTable */ .mh)(report.verification));
    if (report.warnings.length)
        parts.push(report.warnings.map((w) => `> [!WARNING]\n> ${w}`).join('\n\n'));
    if (runUrl)
        parts.push(`[Workflow run](${runUrl})`);
    return parts.join('\n\n') + '\n';
}
/**
 * The pull request to comment on: the event payload's PR (or an issue_comment on a PR), else a numeric
 * preview-id (a workflow_dispatch or push run that deploys "PR 42" by hand).
 */
function pullRequestNumber(config, env) {
    if (env.GITHUB_EVENT_PATH) {
        try {
            const payload = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
            const n = payload.pull_request?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined);
            if (typeof n === 'number' && Number.isInteger(n) && n > 0)
                return n;
        }
        catch {
            // No readable payload (e.g. a local run): fall back to the preview id.
        }
    }
    const id = config.lifecycle.previewId;
    return id && /^[1-9]\d*$/.test(id) ? Number(id) : undefined;
}
/** Creates or updates this namespace's comment on the pull request. Never throws: problems become warnings. */
async function commentOnPr(args) {
    const { config, report, env = process.env } = args;
    const skip = (reason) => {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Not commenting on the pull request: ${reason}.`);
        return { outcome: 'skipped', reason };
    };
    const token = config.lifecycle.githubToken;
    if (!token)
        return skip('github-token is empty');
    const issue = pullRequestNumber(config, env);
    if (issue === undefined)
        return skip('this run has no pull request (not a pull_request event, and preview-id is not a PR number)');
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo)
        return skip('GITHUB_REPOSITORY is not set');
    const marker = commentMarker(report.namespace ?? config.namespace);
    // The runner masks logs, not API calls: redact anything secret before it leaves for GitHub.
    const body = (0,_auth_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(renderComment(report, config, runUrlFromEnv(env)), config.secrets);
    try {
        // Lazily loaded: Octokit is sizeable and most runs never comment.
        const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 92413));
        const octokit = getOctokit(token, env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {});
        const list = async () => (await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: issue,
            per_page: 100
        })).filter((c) => c.body?.includes(marker));
        const update = async (id) => (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data;
        const done = (outcome, c) => {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Pull request #${issue}: ${outcome} comment ${c.id} (${c.html_url})`);
            return { outcome, id: c.id, url: c.html_url };
        };
        const existing = (await list())[0];
        if (existing)
            return done('updated', await update(existing.id));
        const created = (await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body }))
            .data;
        // Two runs for the same PR at once can both find nothing and both create. The oldest comment (lowest id)
        // wins: whoever created a younger one deletes it and updates the oldest, so one comment remains.
        const oldest = (await list()).reduce((a, c) => (a && a.id < c.id ? a : c), undefined);
        if (oldest && oldest.id < created.id) {
            await octokit.rest.issues.deleteComment({ owner, repo, comment_id: created.id });
            return done('updated', await update(oldest.id));
        }
        return done('created', created);
    }
    catch (err) {
        const status = err.status;
        const hint = status === 403 || status === 404
            ? ' (does the token have `pull-requests: write`? Tokens of PRs from forks are read-only.)'
            : '';
        const reason = `${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(err)}${hint}`;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not comment on pull request #${issue}: ${reason}`);
        return { outcome: 'failed', reason };
    }
}


/***/ }),

/***/ 57994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   mh: () => (/* binding */ verificationTable),
/* harmony export */   tp: () => (/* binding */ table),
/* harmony export */   writeSummary: () => (/* binding */ writeSummary)
/* harmony export */ });
/* unused harmony exports routingDiagram, renderSummary */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46058);
// The job summary, rendered (pure) from the report model, then written with core.summary. Secrets never
// get here: the model holds no credentials, and the writer masks anything registered as secret anyway.

function esc(s) {
    return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
function table(head, rows) {
    return [
        `| ${head.join(' | ')} |`,
        `| ${head.map(() => '---').join(' | ')} |`,
        ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)
    ].join('\n');
}
function edges(from, who, d, lines, prefix = '') {
    for (const [outcome, share] of Object.entries(d)) {
        if (!share)
            continue;
        // Error outcomes get their own node: "ratings unavailable" is reviews answering without stars,
        // not reviews being unavailable.
        const target = /^v\d$/.test(outcome) ? `reviews_${outcome}` : outcome.replace(/-/g, '_');
        lines.push(`  ${from} -->|"${prefix}${who} ${share}%"| ${target}`);
    }
}
/**
 * Mermaid flowchart: gateway → productpage → reviews versions (with the rule per identity) → ratings. With
 * `ingress: gateway-api` the namespace's own Gateway and the HTTPRoutes are the nodes and edge labels.
 */
function routingDiagram(expectation, gatewayApi) {
    const lines = ['flowchart LR'];
    if (gatewayApi) {
        const gw = gatewayApi.gateway ?? 'bookinfo-gateway';
        const route = gatewayApi.routes?.[0] ?? 'bookinfo';
        lines.push(`  client((client)) --> gw[Gateway ${gw}]`, `  gw -->|"HTTPRoute ${route}"| productpage[productpage v1]`);
    }
    else {
        lines.push('  client((client)) --> gw[istio-ingressgateway]', '  gw --> productpage[productpage v1]');
    }
    lines.push('  productpage --> details[details v1]');
    const versions = new Set();
    const collect = (d) => Object.keys(d)
        .filter((k) => /^v\d$/.test(k) && d[k])
        .forEach((k) => versions.add(k));
    if (expectation) {
        collect(expectation.anonymous);
        for (const d of Object.values(expectation.users ?? {}))
            collect(d);
    }
    for (const v of [...versions].sort())
        lines.push(`  reviews_${v}[reviews ${v}]`);
    const errors = new Set();
    if (expectation) {
        for (const d of [expectation.anonymous, ...Object.values(expectation.users ?? {})]) {
            for (const [k, share] of Object.entries(d))
                if (share && !/^v\d$/.test(k))
                    errors.add(k);
        }
    }
    for (const e of [...errors].sort())
        lines.push(`  ${e.replace(/-/g, '_')}[${e.replace(/-/g, ' ')}]`);
    if (expectation) {
        const via = gatewayApi ? 'HTTPRoute reviews: ' : '';
        edges('productpage', 'anonymous', expectation.anonymous, lines, via);
        for (const [user, d] of Object.entries(expectation.users ?? {}))
            edges('productpage', user, d, lines, via);
    }
    for (const v of [...versions].sort())
        if (v !== 'v1')
            lines.push(`  reviews_${v} --> ratings[ratings v1]`);
    if (expectation?.ratingsFault) {
        lines.push(`  ratings -.-|"${expectation.ratingsFault.fault} for ${expectation.ratingsFault.users.join(', ')}"| fault{{fault}}`);
    }
    return ['```mermaid', ...lines, '```'].join('\n');
}
function renderSummary(r) {
    const parts = [];
    const title = r.mode === 'deploy'
        ? 'Istio + Bookinfo on ASK'
        : r.mode === 'teardown'
            ? 'Preview teardown'
            : 'Preview prune';
    parts.push(`## ${title}${r.dryRun ? ' (dry run — nothing changed)' : ''}`);
    const facts = [];
    if (r.cluster)
        facts.push([
            'Cluster',
            `${r.cluster.server} (Kubernetes ${r.cluster.kubeVersion}${r.cluster.serverless ? ', serverless' : ''}, auth: ${r.cluster.source})`
        ]);
    if (r.istio)
        facts.push([
            'Istio',
            `${r.istio.version} — ${r.istio.action}: ${r.istio.reason}${r.istio.cacheHit ? ' (istioctl from tool cache)' : ''}`
        ]);
    if (r.compatibility)
        facts.push(['Compatibility', r.compatibility]);
    if (r.namespace)
        facts.push(['Namespace', r.namespace]);
    if (r.routing)
        facts.push(['Routing', `${r.routing.variant} — ${r.routing.description}`]);
    if (r.gateway)
        facts.push([
            'Gateway URL',
            `${r.gateway.url}${r.gateway.hostHeader ? ` (Host: ${r.gateway.hostHeader})` : ''} via ${r.gateway.via}`
        ]);
    if (r.gatewayApi)
        facts.push([
            'Gateway API',
            `CRDs ${r.gatewayApi.bundleVersion} (${r.gatewayApi.created.length ? `created ${r.gatewayApi.created.length}` : 'already present'}); Gateway ${r.gatewayApi.gateway ?? '—'}, HTTPRoutes ${(r.gatewayApi.routes ?? []).join(', ') || '—'}`
        ]);
    if (r.imageCache && r.imageCache.action !== 'not supported') {
        const c = r.imageCache;
        facts.push([
            'ECI ImageCache',
            `${c.name}${c.id ? ` (${c.id})` : ''} — ${c.action}, ${c.images.length} images${c.waitedMs ? `, Ready after ${(c.waitedMs / 1000).toFixed(1)} s` : ''}`
        ]);
    }
    if (r.smokeStatus)
        facts.push(['Smoke test', r.smokeStatus]);
    if (facts.length)
        parts.push(table(['', ''], facts));
    // A failed (or cancelled) run says so and why; the Timings table below shows how far it got.
    if (r.failure)
        parts.push(`> [!CAUTION]\n> **Failed:** ${r.failure.split('\n').join('\n> ')}`);
    if (r.warnings.length)
        parts.push(r.warnings.map((w) => `> [!WARNING]\n> ${w}`).join('\n\n'));
    if (r.preflight) {
        const p = r.preflight;
        const caps = p.capabilities.allowed === undefined
            ? 'unknown'
            : p.capabilities.allowed
                ? 'allowed'
                : 'NET_ADMIN not allowed';
        parts.push('### Preflight', table(['Check', 'Result'], [
            [
                'Cluster kind',
                p.clusterKind === 'serverless'
                    ? 'serverless (virtual-kubelet nodes only)'
                    : `${p.nodeCount} node(s)`
            ],
            [
                'Kubernetes vs Istio',
                `${p.compatibility.status === 'unknown' ? '⚠️' : p.compatibility.supported ? '✅' : '❌'} ${p.compatibility.message}`
            ],
            ['NET_ADMIN/NET_RAW for istio-init', `${caps} — ${p.capabilities.checks.join('; ')}`],
            ['Data plane', `${p.dataplaneMode}, Istio CNI ${p.cni ? 'on' : 'off'} (${p.cniReason})`]
        ]));
    }
    if (r.plan.length)
        parts.push('### Plan', r.plan.map((l) => `- ${l}`).join('\n'));
    if (r.components.length) {
        parts.push('### Components', table(['Namespace', 'Deployment', 'Ready', 'Image'], r.components.map((c) => [c.namespace, c.name, `${c.ready}/${c.desired}`, c.image])));
    }
    if (r.routing)
        parts.push('### Traffic routing', routingDiagram(r.routing.expectation, r.gatewayApi));
    if (r.verification !== undefined)
        parts.push('### Verification', verificationTable(r.verification));
    if (r.analyze.length)
        parts.push('### istioctl analyze', r.analyze.map((l) => `- \`${l}\``).join('\n'));
    parts.push('### Timings', table(['Step', 'Status', 'Seconds'], r.steps.steps.map((s) => [s.name, s.status, (s.durationMs / 1000).toFixed(1)])));
    return parts.join('\n\n') + '\n';
}
function verificationTable(v) {
    return table(['Identity', 'Expected', 'Observed', 'p-value', 'Result'], v.identities.map((i) => [
        i.identity,
        JSON.stringify(i.expected),
        JSON.stringify(i.observed),
        i.pValue.toPrecision(3),
        i.pass ? '✅ pass' : '❌ fail'
    ]));
}
async function writeSummary(report) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(renderSummary(report)).write();
}


/***/ })

};
