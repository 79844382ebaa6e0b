export const id = 468;
export const ids = [468];
export const modules = {

/***/ 65468:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   setOutputs: () => (/* binding */ setOutputs)
/* harmony export */ });
/* unused harmony export outputValues */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46058);
// The action's outputs, set from the report model (values asserted by the e2e tests).

function outputValues(config, report) {
    const out = {
        namespace: config.namespace,
        routing: config.routing.variant
    };
    if (report.istio) {
        out['istio-version'] = report.istio.version;
        out['istioctl-path'] = report.istio.istioctlPath;
    }
    const gw = report.gateway;
    if (gw) {
        out['gateway-url'] = gw.url;
        out['ingress-host'] = gw.host;
        out['ingress-port'] = String(gw.port);
        if (gw.securePort !== undefined)
            out['secure-ingress-port'] = String(gw.securePort);
        out['productpage-url'] = `${gw.url}/productpage`;
        if (gw.hostHeader)
            out['gateway-host-header'] = gw.hostHeader;
    }
    if (report.verification !== undefined)
        out['verification'] = JSON.stringify(report.verification);
    // Recorded by the preflight before it can refuse the run, so a refused run has it too.
    if (report.preflight)
        out['preflight'] = JSON.stringify(report.preflight);
    if (report.mode === 'deploy')
        out['smoke-status'] = report.smoke ?? 'skipped';
    return out;
}
function setOutputs(config, report) {
    for (const [k, v] of Object.entries(outputValues(config, report)))
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH(k, v);
}


/***/ })

};
