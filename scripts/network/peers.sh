# One peer per club (goleveldb, TLS, gossip endpoints and anchor peers so that discovery can plan
# endorsements, our ccaas external builder, no Docker). Sourced by test-network.sh.
# shellcheck shell=bash

peer_home() { echo "$ORGS_DIR/$1/peer"; }
peer_config_dir() { echo "$STATE_DIR/peers/$1/config"; }
peer_data_dir() { echo "$STATE_DIR/peers/$1/data"; }
peer_endpoint() { echo "127.0.0.1:$(peer_port "$1")"; }
peer_tls_root() { echo "$(peer_home "$1")/tls/ca.crt"; }

# core.yaml with the absolute path of our external builder (the one setting an environment variable
# cannot carry: it is a list).
write_peer_config() {
    local club=$1 dir
    dir=$(peer_config_dir "$club")
    mkdir -p "$dir"
    sed "s|path: /nonexistent|path: $ROOT_DIR/network/ccaas-builder|" "$ROOT_DIR/network/config/core.yaml" >"$dir/core.yaml"
}

# The environment of the peer process and of the peer CLI: the CLI acts as `msp_dir`'s identity.
peer_environment() {
    local club=$1 msp_dir=$2 tls
    tls="$(peer_home "$club")/tls"
    echo FABRIC_CFG_PATH="$(peer_config_dir "$club")"
    echo CORE_PEER_ID="peer.$club"
    echo CORE_PEER_LOCALMSPID="${ORG_MSP[$club]}"
    echo CORE_PEER_MSPCONFIGPATH="$msp_dir"
    echo CORE_PEER_ADDRESS="$(peer_endpoint "$club")"
    echo CORE_PEER_TLS_ENABLED=true
    echo CORE_PEER_TLS_CERT_FILE="$tls/server.crt"
    echo CORE_PEER_TLS_KEY_FILE="$tls/server.key"
    echo CORE_PEER_TLS_ROOTCERT_FILE="$tls/ca.crt"
}

# Runs the peer CLI as the club's organization admin.
peer_as_admin() {
    local club=$1
    shift
    # shellcheck disable=SC2046 # one word per variable
    env $(peer_environment "$club" "$ORGS_DIR/$club/users/orgadmin/msp") "$FABRIC_BIN_DIR/peer" "$@"
}

# The same, with everything it prints appended to the club's CLI log.
peer_admin() {
    mkdir -p "$LOG_DIR"
    peer_as_admin "$@" >>"$(log_file "cli-$1")" 2>&1
}

# The operations server answers while a restarted peer still opens its ledgers: healthy once its gRPC listener is up too.
peer_healthy() { curl -sf "http://127.0.0.1:$(peer_operations_port "$1")/healthz" >/dev/null && port_in_use "$(peer_port "$1")"; }

start_peer() {
    local club=$1
    write_peer_config "$club"
    mkdir -p "$(peer_data_dir "$club")"
    # shellcheck disable=SC2046 # one word per variable
    start_process "peer-$club" env $(peer_environment "$club" "$(peer_home "$club")/msp") \
        CORE_PEER_LISTENADDRESS="$(peer_endpoint "$club")" \
        CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_chaincode_port "$club")" \
        CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(peer_chaincode_port "$club")" \
        CORE_PEER_GOSSIP_BOOTSTRAP="$(peer_endpoint "$club")" \
        CORE_PEER_GOSSIP_EXTERNALENDPOINT="$(peer_endpoint "$club")" \
        CORE_PEER_FILESYSTEMPATH="$(peer_data_dir "$club")" \
        CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_operations_port "$club")" \
        "$FABRIC_BIN_DIR/peer" node start
}

peer_summary() { echo "on $(peer_endpoint "$1") (operations on $(peer_operations_port "$1"))"; }
start_peers() { start_for_each_club peer; }

stop_peers() { stop_for_each_club peer; }
