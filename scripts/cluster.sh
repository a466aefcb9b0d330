#!/usr/bin/env bash
# A local Kubernetes control plane for the integration tests and the demo:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler on
# 127.0.0.1, plus kwok simulating three nodes (pods really get scheduled and
# become Ready, nothing runs), the CRDs a generated chart can use, and an OCI
# registry (CNCF Distribution) with TLS from the local CA and htpasswd auth.
#
#   scripts/cluster.sh up       start (no-op when already up), wait until ready
#   scripts/cluster.sh down     stop the processes and remove their data
#   scripts/cluster.sh status   exit 0 when up, 1 when not
#
# State lives in the git-ignored .tools/cluster/: kubeconfig, registry.env
# (REGISTRY, REGISTRY_USER, REGISTRY_PASSWORD, REGISTRY_CA, shell syntax), pids,
# logs/. kwok loads its default stages plus scripts/kwok-stages/*.yaml.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
STATE="$ROOT/.tools/cluster"
DATA="$STATE/data"
PKI="$DATA/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBECONFIG_OUT="$STATE/kubeconfig"
STAGES="$ROOT/.tools/share/kwok-stages.yaml"
EXTRA_STAGES="$ROOT/scripts/kwok-stages"
CRDS="$ROOT/.tools/share/crds"
REGISTRY_ENV="$STATE/registry.env"
SERVICE_CIDR=10.96.0.0/16

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

k() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_OUT" "$@"; }

# ------------------------------------------------------------- processes

# alive PID NAME: the process exists and is the binary we started.
alive() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "^$BIN/$2 "
}

# all_alive: every process recorded in the pids file is still running.
all_alive() {
  [[ -s "$PIDS" ]] || return 1
  local name pid
  while read -r name pid; do alive "$pid" "$name" || return 1; done <"$PIDS"
}

# dead_list: what is wrong with the recorded processes, for messages.
dead_list() {
  [[ -s "$PIDS" ]] || { echo "not started"; return; }
  local name pid dead=()
  while read -r name pid; do alive "$pid" "$name" || dead+=("$name"); done <"$PIDS"
  if ((${#dead[@]})); then echo "exited: ${dead[*]}"; else echo "API server not ready"; fi
}

ready() {
  all_alive && [[ -s "$KUBECONFIG_OUT" ]] &&
    k --request-timeout=5s get --raw /readyz >/dev/null 2>&1
}

# wait_ready SECONDS: like ready, but give a busy machine some time.
wait_ready() {
  local deadline=$(( $(date +%s) + $1 ))
  until ready; do
    (( $(date +%s) < deadline )) && all_alive || return 1
    sleep 1
  done
}

# start NAME ARGS...: run .tools/bin/NAME detached from this script (own
# session, no terminal, output to logs/NAME.log) and record its pid.
start() {
  local name=$1; shift
  setsid nohup "$BIN/$name" "$@" </dev/null >"$LOGS/$name.log" 2>&1 9>&- &
  echo "$name $!" >>"$PIDS"
}

# wait_for SECONDS WHAT CMD...: retry CMD until it succeeds.
wait_for() {
  local timeout=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      die "timed out after ${timeout}s waiting for $what (logs: $LOGS)"
    fi
    all_alive || die "a control-plane process exited while waiting for $what; see $LOGS/*.log"
    sleep 0.5
  done
}

stop_all() {
  [[ -f "$PIDS" ]] || return 0
  local name pid live=()
  # Stop in reverse start order: clients first, etcd last.
  while read -r name pid; do
    if alive "$pid" "$name"; then kill "$pid" 2>/dev/null || true; live+=("$name:$pid"); fi
  done < <(tac "$PIDS")
  local entry i
  for entry in "${live[@]}"; do
    name=${entry%%:*} pid=${entry#*:}
    for ((i = 0; i < 50; i++)); do alive "$pid" "$name" || break; sleep 0.1; done
    if alive "$pid" "$name"; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  rm -f "$PIDS"
}

# ------------------------------------------------------------- setup

# free_ports N: N distinct free TCP ports on 127.0.0.1.
free_ports() {
  node -e '
    const net = require("net");
    const n = Number(process.argv[1]);
    const servers = [];
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        servers.push(s);
        if (servers.length === n) {
          console.log(servers.map((x) => x.address().port).join(" "));
          servers.forEach((x) => x.close());
        }
      });
    }' "$1"
}

# ensure_cmd COMMAND DEBIAN_PACKAGE: install the package when the command is missing.
ensure_cmd() {
  command -v "$1" >/dev/null && return
  log "installing $2 ..."
  local sudo=""; [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}

# cert NAME SUBJECT [SAN]: EC key + certificate signed by the local CA.
cert() {
  local name=$1 subj=$2 san=${3:-}
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
}

gen_pki() {
  mkdir -p "$PKI"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=goservice-local-ca" -days 365 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$PKI/ca.crt" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert admin "/O=system:masters/CN=goservice-admin"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert registry "/CN=goservice-registry" "IP:127.0.0.1,DNS:localhost"
  # Service-account token signing key.
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
  openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

# kubeconfig FILE USER SERVER: a kubeconfig with embedded credentials.
kubeconfig() {
  local file=$1 user=$2 server=$3
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: goservice-local
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")
contexts:
- name: goservice-local
  context:
    cluster: goservice-local
    user: $user
current-context: goservice-local
EOF
  chmod 600 "$file"
}

# node NAME DISKTYPE ZONE: a fake node managed by kwok, with finite capacity.
node_manifest() {
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: $1
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    disktype: $2
    topology.kubernetes.io/zone: $3
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110", ephemeral-storage: 100Gi}
  allocatable: {cpu: "4", memory: 8Gi, pods: "110", ephemeral-storage: 100Gi}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
EOF
}

# kwok_config FILE: kwok's default stages plus the project's own.
kwok_config() {
  local f
  cat "$STAGES" >"$1"
  for f in "$EXTRA_STAGES"/*.yaml; do
    [[ -e "$f" ]] || continue
    printf '\n---\n' >>"$1"
    cat "$f" >>"$1"
  done
}

# start_registry PORT: the OCI registry on 127.0.0.1:PORT, TLS and basic auth,
# data under $DATA/registry; writes $REGISTRY_ENV.
start_registry() {
  local port=$1 user=goservice password
  password="$(openssl rand -hex 16)"
  mkdir -p "$DATA/registry"
  htpasswd -Bbn "$user" "$password" >"$DATA/registry.htpasswd" 2>/dev/null
  cat >"$DATA/registry.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $DATA/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: $(openssl rand -hex 16)
  tls:
    certificate: $PKI/registry.crt
    key: $PKI/registry.key
auth:
  htpasswd:
    realm: goservice-local
    path: $DATA/registry.htpasswd
EOF
  OTEL_TRACES_EXPORTER=none start registry serve "$DATA/registry.yml"
  (
    umask 077
    printf 'REGISTRY=%q\nREGISTRY_USER=%q\nREGISTRY_PASSWORD=%q\nREGISTRY_CA=%q\n' \
      "127.0.0.1:$port" "$user" "$password" "$PKI/ca.crt" >"$REGISTRY_ENV"
  )
}

# registry_up PORT: the registry answers /v2/ with 401 (it wants credentials).
registry_up() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$PKI/ca.crt" \
    "https://127.0.0.1:$1/v2/")" == 401 ]]
}

# ------------------------------------------------------------- commands

up() {
  if all_alive && [[ -s "$KUBECONFIG_OUT" && -s "$REGISTRY_ENV" ]] && wait_ready 30; then
    log "already up"
    usage_hint
    return
  fi
  if [[ -s "$PIDS" ]]; then
    log "not healthy ($(dead_list)); restarting from scratch"
    stop_all
  fi
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl; do
    if [[ ! -x "$BIN/$b" ]]; then
      log "control-plane binaries missing; building them (scripts/tools.sh cluster)"
      bash "$ROOT/scripts/tools.sh" cluster
      break
    fi
  done
  [[ -s "$STAGES" ]] || bash "$ROOT/scripts/tools.sh" cluster
  [[ -x "$BIN/registry" && -d "$CRDS" ]] || bash "$ROOT/scripts/tools.sh" extra
  ensure_cmd openssl openssl
  ensure_cmd htpasswd apache2-utils
  ensure_cmd curl curl
  command -v node >/dev/null || die "node is required"

  local t0; t0=$(date +%s)
  rm -rf "$DATA" "$LOGS" "$KUBECONFIG_OUT" "$REGISTRY_ENV"
  mkdir -p "$DATA/etcd" "$LOGS"
  : >"$PIDS"
  gen_pki
  kwok_config "$DATA/kwok.yaml"

  local etcd_port etcd_peer_port api_port registry_port
  read -r etcd_port etcd_peer_port api_port registry_port < <(free_ports 4)
  local server="https://127.0.0.1:$api_port"
  kubeconfig "$DATA/controller-manager.kubeconfig" controller-manager "$server"
  kubeconfig "$DATA/scheduler.kubeconfig" scheduler "$server"
  kubeconfig "$KUBECONFIG_OUT" admin "$server"

  log "starting etcd on 127.0.0.1:$etcd_port"
  start etcd --name=local --data-dir="$DATA/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster="local=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync --quota-backend-bytes=$((2 * 1024 * 1024 * 1024)) --log-level=warn

  log "starting kube-apiserver on $server"
  start kube-apiserver --bind-address=127.0.0.1 --secure-port="$api_port" \
    --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC --allow-privileged=true

  wait_for 60 "kube-apiserver /readyz" k --request-timeout=3s get --raw /readyz

  log "starting kube-controller-manager, kube-scheduler and kwok"
  start kube-controller-manager --kubeconfig="$DATA/controller-manager.kubeconfig" \
    --secure-port=0 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --service-cluster-ip-range="$SERVICE_CIDR" --cluster-name=goservice-local
  start kube-scheduler --kubeconfig="$DATA/scheduler.kubeconfig" \
    --secure-port=0 --leader-elect=false
  start kwok --kubeconfig="$KUBECONFIG_OUT" --config="$DATA/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --node-ip=127.0.0.1

  {
    node_manifest node-a ssd zone-a
    node_manifest node-b hdd zone-b
    node_manifest node-c ssd zone-b
  } | k apply -f - >/dev/null

  log "starting the registry on 127.0.0.1:$registry_port"
  start_registry "$registry_port"

  # Server-side apply: the CRDs are too large for the last-applied annotation.
  k apply --server-side -f "$CRDS" >/dev/null
  wait_for 60 "the CRDs to be established" k wait --for=condition=Established crd --all --timeout=5s
  wait_for 90 "the nodes to become Ready" k wait --for=condition=Ready node --all --timeout=5s
  wait_for 60 "the default service account" k -n default get serviceaccount default
  wait_for 30 "the registry" registry_up "$registry_port"
  log "up in $(( $(date +%s) - t0 ))s"
  usage_hint
}

usage_hint() {
  log "kubeconfig: $KUBECONFIG_OUT"
  [[ -s "$REGISTRY_ENV" ]] && log "registry: $REGISTRY_ENV"
  echo "export KUBECONFIG=$KUBECONFIG_OUT"
}

down() {
  if [[ -f "$PIDS" ]]; then
    log "stopping $(cut -d' ' -f1 "$PIDS" | paste -sd' ')"
  else
    log "not running"
  fi
  stop_all
  rm -rf "$DATA" "$KUBECONFIG_OUT" "$REGISTRY_ENV"
}

status() {
  if ready; then
    log "up (kubeconfig: $KUBECONFIG_OUT)"
    k get nodes -o wide 2>/dev/null || true
  else
    log "not up ($(dead_list))"
    return 1
  fi
}

main() {
  # One invocation at a time: tests and people may start it concurrently.
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) die "usage: $0 up|down|status" ;;
  esac
}

main "$@"
exit
