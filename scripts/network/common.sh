# Shared settings and process handling for test-network.sh. Sourced, not run.
# shellcheck shell=bash

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE_DIR="${RCN_STATE_DIR:-$ROOT_DIR/.network}"
PID_DIR="$STATE_DIR/pids"
LOG_DIR="$STATE_DIR/logs"
ORGS_DIR="$STATE_DIR/organizations"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/reciprocal-clubs"

FABRIC_VERSION=2.1.1
FABRIC_CA_VERSION=1.5.21

# Organizations: key, MSP ID, display name. Each has its own Fabric CA; each club has one peer.
ORDERER_ORG=orderer
CLUBS=(harbour alpine metro)
ORGS=("$ORDERER_ORG" "${CLUBS[@]}")
declare -A ORG_MSP=([orderer]=OrdererMSP [harbour]=HarbourMSP [alpine]=AlpineMSP [metro]=MetroMSP)
declare -A ORG_NAME=([orderer]="Orderer Org" [harbour]="Harbour Club" [alpine]="Alpine Club" [metro]="Metro Club")
# Port blocks: 1705x for the orderer org, 17<n>5x for club n (CLUB_INDEX: 1 Harbour, 2 Alpine, 3 Metro).
declare -A CLUB_INDEX=([harbour]=1 [alpine]=2 [metro]=3)
declare -A ORG_PORT_BASE=([orderer]=17050 [harbour]=17150 [alpine]=17250 [metro]=17350)
CHANNELS=(atlantic alps)
declare -A CHANNEL_CLUBS=([atlantic]="harbour alpine metro" [alps]="alpine metro")
CHAINCODE_NAME=reciprocal

orderer_port() { echo $((ORG_PORT_BASE[$ORDERER_ORG])); }
orderer_operations_port() { echo $((ORG_PORT_BASE[$ORDERER_ORG] + 3)); }
peer_port() { echo $((ORG_PORT_BASE[$1] + 1)); }
peer_chaincode_port() { echo $((ORG_PORT_BASE[$1] + 2)); }
peer_operations_port() { echo $((ORG_PORT_BASE[$1] + 3)); }
ca_port() { echo $((ORG_PORT_BASE[$1] + 4)); }
ca_operations_port() { echo $((ORG_PORT_BASE[$1] + 5)); }
# Consecutive chaincode versions alternate between two ports, so that a new version's server can start
# while the previous one still serves (see deploy_chaincode).
chaincode_server_port() { echo $((ORG_PORT_BASE[$1] + ($(chaincode_version) % 2 == 1 ? 6 : 9))); }
gateway_port() { echo $((ORG_PORT_BASE[$1] + 7)); }
gateway_operations_port() { echo $((ORG_PORT_BASE[$1] + 8)); }
POSTGRES_PORT=17432
NATS_PORT=17422
NATS_MONITOR_PORT=17822

# Application roles: each gets an identity enrolled with the attribute club.role in its certificate.
APP_ROLES=(admin staff auditor)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

pid_file() { echo "$PID_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

is_running() {
    local pid
    pid=$(cat "$(pid_file "$1")" 2>/dev/null) || return 1
    kill -0 "$pid" 2>/dev/null
}

# Prints the last lines of a component's log and fails, naming the component.
fail_with_log() {
    local name=$1
    shift
    printf 'ERROR: %s: %s\n--- last lines of %s ---\n' "$name" "$*" "$(log_file "$name")" >&2
    tail -n 30 "$(log_file "$name")" >&2 2>/dev/null || true
    exit 1
}

# Starts a long-running process in the background, its PID recorded under the state folder.
start_process() {
    local name=$1
    shift
    mkdir -p "$PID_DIR" "$LOG_DIR"
    if is_running "$name"; then
        log "$name already running (pid $(cat "$(pid_file "$name")"))"
        return
    fi
    # From the state folder, so that nothing a process writes relative to its working directory lands elsewhere.
    (cd "$STATE_DIR" && exec nohup "$@" >>"$(log_file "$name")" 2>&1) &
    echo $! >"$(pid_file "$name")"
}

stop_process() {
    local name=$1 pid
    pid=$(cat "$(pid_file "$name")" 2>/dev/null) || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$(pid_file "$name")"
}

# Starts the `kind` component of every club with `start_<kind> <club>`, then waits until each one's
# `<kind>_healthy <club>` succeeds and logs it as ready, with what `<kind>_summary <club>` says.
start_for_each_club() {
    local kind=$1
    for club in "${CLUBS[@]}"; do "start_$kind" "$club"; done
    for club in "${CLUBS[@]}"; do
        wait_until "$kind-$club" 60 "${kind}_healthy" "$club"
        log "$kind-$club ready $("${kind}_summary" "$club")"
    done
}

stop_for_each_club() {
    for club in "${CLUBS[@]}"; do stop_process "$1-$club"; done
}

# Waits until a command succeeds, or fails naming the component and showing its log.
wait_until() {
    local name=$1 seconds=$2
    shift 2
    for _ in $(seq 1 $((seconds * 5))); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        is_running "$name" || fail_with_log "$name" "the process exited during start-up"
        sleep 0.2
    done
    fail_with_log "$name" "not healthy after ${seconds}s"
}

# Runs a command until it succeeds, at most `tries` times, half a second apart.
retry() {
    local tries=$1
    shift
    for _ in $(seq 2 "$tries"); do
        "$@" && return
        sleep 0.5
    done
    "$@"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Reports every port already taken, by number, before anything starts.
require_free_ports() {
    local busy=()
    for port in "$@"; do
        port_in_use "$port" && busy+=("$port")
    done
    [ ${#busy[@]} -eq 0 ] || fail "port(s) already in use on 127.0.0.1: ${busy[*]} (stop what holds them, or ./test-network.sh down)"
}
