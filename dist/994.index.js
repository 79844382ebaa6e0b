export const id = 994;
export const ids = [994];
export const modules = {

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
