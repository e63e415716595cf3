#!/usr/bin/env bash
# The local Reciprocal Clubs Network: ./test-network.sh up | down [--clean] | status | deploy | stop <c> | logs <c>
# Everything it starts listens on 127.0.0.1 and keeps its state under .network/ (see README.md).
set -euo pipefail
source "$(dirname "$0")/scripts/network/common.sh"
for concern in binaries ca services orderer peers channels chaincode gateways profile indexers api; do
    source "$ROOT_DIR/scripts/network/$concern.sh"
done

COMPONENTS=()
for org in "${ORGS[@]}"; do COMPONENTS+=("ca-$org"); done
COMPONENTS+=(postgres nats orderer)
for club in "${CLUBS[@]}"; do COMPONENTS+=("peer-$club" "chaincode-$club" "gateway-$club" "indexer-$club"); done
COMPONENTS+=(api)

usage() {
    cat <<USAGE
usage: ./test-network.sh <command>
  up               install and build what is missing, start every component, create the channels, deploy the
                   chaincode, start the indexers and the API, load the demo data through the API, print tokens
  down [--clean]   stop every component started here; --clean also deletes all state (.network/)
  status           every component with PID, ports and health, every channel's height on each peer and
                   whether they agree, each indexer's lag, the API's readiness; non-zero exit when unhealthy
  deploy           rebuild the chaincode, commit it at the next sequence on every channel, restart its servers
  stop <component> stop one component (up starts it again); for testing outages
  logs <component> the log of one component: ${COMPONENTS[*]}
USAGE
}

# Every port a component listens on, its main one first.
component_ports() {
    case $1 in
    ca-*) echo "$(ca_port "${1#ca-}") $(ca_operations_port "${1#ca-}")" ;;
    postgres) echo "$POSTGRES_PORT" ;;
    nats) echo "$NATS_PORT $NATS_MONITOR_PORT" ;;
    orderer) echo "$(orderer_port) $(orderer_operations_port)" ;;
    peer-*) echo "$(peer_port "${1#peer-}") $(peer_chaincode_port "${1#peer-}") $(peer_operations_port "${1#peer-}")" ;;
    chaincode-*) chaincode_server_port "${1#chaincode-}" ;;
    gateway-*) echo "$(gateway_port "${1#gateway-}") $(gateway_operations_port "${1#gateway-}")" ;;
    indexer-*) indexer_port "${1#indexer-}" ;;
    api) echo "$API_PORT" ;;
    esac
}

# `<kind>_healthy [<org>]` for a component named `<kind>-<org>` or `<kind>`.
component_healthy() {
    case $1 in
    *-*) "${1%%-*}_healthy" "${1#*-}" ;;
    *) "${1}_healthy" ;;
    esac
}

# Every package: the chaincode, the Gateway service, the indexer and the API.
build_packages() {
    log "building the packages (tsc --build)"
    (cd "$ROOT_DIR" && npm run --silent build) >>"$(log_file build)" 2>&1 || fail_with_log build "building the packages failed"
}

# Through the API; a step already on the ledger is not submitted again. Prints the tokens to paste.
load_demo_data() {
    (cd "$ROOT_DIR" && npx --no-install tsx scripts/demo-data.ts --api "$(api_url)/graphql") || fail "loading the demo data through the API failed"
}

all_running() {
    for component in "${COMPONENTS[@]}"; do
        is_running "$component" || return 1
    done
}

cmd_up() {
    if all_running && [ -f "$NETWORK_PROFILE" ]; then
        log "the network is already up (./test-network.sh status for details)"
        load_demo_data
        return 0
    fi
    local started=$SECONDS ports=()
    for component in "${COMPONENTS[@]}"; do
        # shellcheck disable=SC2207 # ports are numbers
        is_running "$component" || ports+=($(component_ports "$component"))
    done
    require_free_ports "${ports[@]}"
    mkdir -p "$STATE_DIR" "$LOG_DIR"
    ensure_service_packages
    bash "$ROOT_DIR/scripts/install-node-deps.sh" >>"$(log_file build)" 2>&1 || fail_with_log build "npm ci failed"
    ensure_fabric
    ensure_fabric_ca
    build_packages
    start_cas
    start_postgres
    start_nats
    start_orderer
    start_peers
    create_channels
    deploy_chaincode
    start_gateways
    write_network_profile
    start_indexers
    start_api
    load_demo_data
    log "up in $((SECONDS - started))s; connection settings in $NETWORK_PROFILE"
}

cmd_down() {
    stop_process api
    stop_indexers
    stop_gateways
    stop_chaincode_servers
    stop_peers
    stop_process orderer
    stop_services
    stop_cas
    if [ "${1:-}" = "--clean" ]; then
        rm -rf "$STATE_DIR"
        log "stopped; state removed"
    else
        log "stopped; state kept in $STATE_DIR (up restarts the same network)"
    fi
}

components_status() {
    local unhealthy=0
    printf '%-18s %-8s %-18s %s\n' COMPONENT PID PORTS HEALTH
    for component in "${COMPONENTS[@]}"; do
        local pid=- health=stopped
        if is_running "$component"; then
            pid=$(cat "$(pid_file "$component")")
            if component_healthy "$component"; then health=healthy; else health=unhealthy; fi
        fi
        [ "$health" = healthy ] || unhealthy=1
        printf '%-18s %-8s %-18s %s\n' "$component" "$pid" "$(component_ports "$component" | tr ' ' ,)" "$health"
    done
    return $unhealthy
}

# Each channel's height and newest block hash on each member peer; the peers must agree on the hash of
# every block they both have, checked at the lowest height among them.
channels_status() {
    local unhealthy=0
    printf '\n%-10s %-10s %-7s %s\n' CHANNEL PEER HEIGHT "NEWEST BLOCK HASH"
    for channel in "${CHANNELS[@]}"; do
        local clubs=(${CHANNEL_CLUBS[$channel]}) lowest="" hashes=()
        for club in "${clubs[@]}"; do
            local height=- hash=unreachable tip
            tip=$(chain_tip "$channel" "$club")
            if [ -n "$tip" ]; then
                read -r height hash <<<"$tip"
                if [ -z "$lowest" ] || [ "$height" -lt "$lowest" ]; then lowest=$height; fi
            else
                unhealthy=1
            fi
            printf '%-10s %-10s %-7s %s\n' "$channel" "$club" "$height" "$hash"
        done
        [ -n "$lowest" ] || continue
        for club in "${clubs[@]}"; do
            is_running "peer-$club" && hashes+=("$(block_hash "$channel" "$club" $((lowest - 1)))")
        done
        if [ "$(printf '%s\n' "${hashes[@]}" | sort -u | wc -l)" -ne 1 ]; then
            printf '%-10s peers disagree on block %s\n' "$channel" $((lowest - 1))
            unhealthy=1
        else
            printf '%-10s peers agree on block %s\n' "$channel" $((lowest - 1))
        fi
    done
    return $unhealthy
}

# Each club's indexer against its peer: the peer's height, the indexed height and the difference.
indexers_status() {
    printf '\n%-10s %-10s %-12s %-14s %s\n' CHANNEL INDEXER "PEER HEIGHT" "INDEXED HEIGHT" LAG
    for channel in "${CHANNELS[@]}"; do
        for club in ${CHANNEL_CLUBS[$channel]}; do
            local height indexed lag=-
            height=$(chain_tip "$channel" "$club" | cut -d' ' -f1)
            [ -n "$height" ] || height=-
            indexed=$(indexed_height "$channel" "$club")
            [ -n "$indexed" ] || indexed=-
            [ "$height" != - ] && [ "$indexed" != - ] && lag=$((height - indexed))
            printf '%-10s %-10s %-12s %-14s %s\n' "$channel" "$club" "$height" "$indexed" "$lag"
        done
    done
}

cmd_status() {
    local unhealthy=0
    components_status || unhealthy=1
    ensure_fabric
    channels_status || unhealthy=1
    indexers_status
    printf '\nAPI %s/graphql: %s\n' "$(api_url)" "$(api_health)"
    return $unhealthy
}

cmd_deploy() {
    all_running || fail "the network is not up (./test-network.sh up)"
    ensure_fabric
    redeploy_chaincode
    log "chaincode $CHAINCODE_NAME v$(chaincode_version) deployed on ${CHANNELS[*]}"
}

cmd_stop() {
    local component=${1:-}
    case $component in
    postgres) stop_postgres ;;
    *)
        [[ " ${COMPONENTS[*]} " == *" $component "* ]] || fail "no component '$component'; components: ${COMPONENTS[*]}"
        stop_process "$component"
        ;;
    esac
    log "stopped $component"
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
deploy) cmd_deploy ;;
stop) cmd_stop "${2:-}" ;;
logs) cmd_logs "${2:-}" ;;
*)
    usage
    exit 2
    ;;
esac
