#!/usr/bin/env bash
# The manual procedure the action replaces: the seed walk-through (Istio "Getting Started" on an ASK
# cluster), step by step, in its order, with kubectl and istioctl and the waits a person would use.
# bench/bench.ts times it against the action doing the same job. Only differences from the walk-through:
#   - a fresh namespace ($NS) instead of `default`, so runs do not interfere;
#   - the productpage title is read through the apiserver's service proxy (`kubectl get --raw`) instead
#     of `kubectl exec ... curl`, because the test cluster has no container runtime to exec into.
# Environment: KUBECTL, ISTIOCTL, KUBECONFIG, SAMPLES (istio-<ver>/samples), NS, ROUTING (variant name).
set -euo pipefail
: "${KUBECTL:?}" "${ISTIOCTL:?}" "${KUBECONFIG:?}" "${SAMPLES:?}" "${NS:?}" "${ROUTING:?}"
export KUBECONFIG
k() { "$KUBECTL" "$@"; }

# 1. Install Istio with the demo profile.
"$ISTIOCTL" install --set profile=demo -y

# 2. Label the namespace for automatic sidecar injection.
k create namespace "$NS"
k label namespace "$NS" istio-injection=enabled

# 3. Deploy Bookinfo and wait for it.
k -n "$NS" apply -f "$SAMPLES/bookinfo/platform/kube/bookinfo.yaml"
k -n "$NS" wait --for=condition=available deployment --all --timeout=300s
k -n "$NS" wait --for=condition=ready pod --all --timeout=300s

# 4. Check the app answers inside the cluster.
title=$(k get --raw "/api/v1/namespaces/$NS/services/productpage:9080/proxy/productpage" | grep -o "<title>.*</title>")
[ "$title" = "<title>Simple Bookstore App</title>" ] || { echo "unexpected productpage title: $title" >&2; exit 1; }

# 5. Open the app to outside traffic and check the configuration.
k -n "$NS" apply -f "$SAMPLES/bookinfo/networking/bookinfo-gateway.yaml"
"$ISTIOCTL" analyze -n "$NS"

# 6. Ingress host and port (poll until the load balancer has an address).
INGRESS_HOST=""
for _ in $(seq 1 300); do
  INGRESS_HOST=$(k -n istio-system get service istio-ingressgateway -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  [ -n "$INGRESS_HOST" ] && break
  sleep 1
done
INGRESS_PORT=$(k -n istio-system get service istio-ingressgateway -o jsonpath='{.spec.ports[?(@.name=="http2")].port}')
GATEWAY_URL="$INGRESS_HOST:$INGRESS_PORT"

# 7. Default destination rules, then the routing variant.
k -n "$NS" apply -f "$SAMPLES/bookinfo/networking/destination-rule-all.yaml"
k -n "$NS" apply -f "$SAMPLES/bookinfo/networking/virtual-service-$ROUTING.yaml"

# 8. The app through the gateway (retry while the gateway picks the new configuration up).
for _ in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://$GATEWAY_URL/productpage" || true)
  [ "$code" = 200 ] && exit 0
  sleep 0.2
done
echo "productpage through the gateway did not answer 200 (last: $code)" >&2
exit 1
