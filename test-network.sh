#!/usr/bin/env bash
# The local Reciprocal Clubs Network: ./test-network.sh up | down [--clean] | status | logs <component>
# Everything it starts listens on 127.0.0.1 and keeps its state under .network/ (see README.md).
set -euo pipefail
source "$(dirname "$0")/scripts/network/common.sh"
source "$ROOT_DIR/scripts/network/binaries.sh"
source "$ROOT_DIR/scripts/network/ca.sh"
source "$ROOT_DIR/scripts/network/services.sh"
source "$ROOT_DIR/scripts/network/profile.sh"

COMPONENTS=()
for club in "${CLUBS[@]}"; do COMPONENTS+=("ca-$club"); done
COMPONENTS+=(postgres nats)

usage() {
    cat <<USAGE
usage: ./test-network.sh <command>
  up               install what is missing, start every component, enrol identities, write .network/network.json
  down [--clean]   stop every component started here; --clean also deletes all state (.network/)
  status           every component with PID, port and health; non-zero exit when one is unhealthy
  stop <component> stop one component (up starts it again); for testing outages
  logs <component> the log of one component: ${COMPONENTS[*]}
USAGE
}

component_port() {
    case $1 in
    ca-*) ca_port "${1#ca-}" ;;
    postgres) echo "$POSTGRES_PORT" ;;
    nats) echo "$NATS_PORT" ;;
    esac
}

component_healthy() {
    case $1 in
    ca-*) ca_healthy "${1#ca-}" ;;
    postgres) postgres_healthy ;;
    nats) nats_healthy ;;
    esac
}

all_running() {
    for component in "${COMPONENTS[@]}"; do
        is_running "$component" || return 1
    done
}

cmd_up() {
    if all_running && [ -f "$NETWORK_PROFILE" ]; then
        log "the network is already up (./test-network.sh status for details)"
        return 0
    fi
    local started=$SECONDS ports=()
    for component in "${COMPONENTS[@]}"; do
        is_running "$component" || ports+=("$(component_port "$component")")
    done
    for club in "${CLUBS[@]}"; do
        is_running "ca-$club" || ports+=("$(ca_operations_port "$club")")
    done
    is_running nats || ports+=("$NATS_MONITOR_PORT")
    require_free_ports "${ports[@]}"
    mkdir -p "$STATE_DIR"
    ensure_service_packages
    ensure_fabric_ca
    start_cas
    start_postgres
    start_nats
    write_network_profile
    log "up in $((SECONDS - started))s; connection settings in $NETWORK_PROFILE"
    cat <<NOTICE
Not started: the Fabric orderer, peers, channels and chaincode. Fabric v3's peer and orderer cannot be
built from the Go module proxy on this machine (see README.md, "What is real today").
NOTICE
}

cmd_down() {
    stop_services
    stop_cas
    if [ "${1:-}" = "--clean" ]; then
        rm -rf "$STATE_DIR"
        log "stopped; state removed"
    else
        log "stopped; state kept in $STATE_DIR (up restarts the same network)"
    fi
}

cmd_status() {
    local unhealthy=0
    printf '%-14s %-8s %-7s %s\n' COMPONENT PID PORT HEALTH
    for component in "${COMPONENTS[@]}"; do
        local pid=- health=stopped
        if is_running "$component"; then
            pid=$(cat "$(pid_file "$component")")
            if component_healthy "$component"; then health=healthy; else health=unhealthy; fi
        fi
        [ "$health" = healthy ] || unhealthy=1
        printf '%-14s %-8s %-7s %s\n' "$component" "$pid" "$(component_port "$component")" "$health"
    done
    return $unhealthy
}

cmd_stop() {
    case ${1:-} in
    postgres) stop_postgres ;;
    nats | ca-*) stop_process "$1" ;;
    *) fail "no component '${1:-}'; components: ${COMPONENTS[*]}" ;;
    esac
    log "stopped $1"
}

cmd_logs() {
    local component=${1:-}
    [ -f "$(log_file "$component")" ] || fail "no log for '${component}'; components: ${COMPONENTS[*]}"
    cat "$(log_file "$component")"
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down "${2:-}" ;;
status) cmd_status ;;
stop) cmd_stop "${2:-}" ;;
logs) cmd_logs "${2:-}" ;;
*)
    usage
    exit 2
    ;;
esac
