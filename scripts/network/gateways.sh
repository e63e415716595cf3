# One Gateway service per club, beside its peer (network/gateway/): the gateway.Gateway gRPC service that
# Fabric 2.1 peers lack and @hyperledger/fabric-gateway needs. Sourced by test-network.sh.
# shellcheck shell=bash

gateway_home() { echo "$ORGS_DIR/$1/gateway"; }
gateway_endpoint() { echo "127.0.0.1:$(gateway_port "$1")"; }
gateway_healthy() { curl -sf "http://127.0.0.1:$(gateway_operations_port "$1")/healthz" >/dev/null; }

start_gateway() {
    local club=$1 home
    home=$(gateway_home "$club")
    GATEWAY_LISTEN="$(gateway_endpoint "$club")" \
        GATEWAY_OPERATIONS_LISTEN="127.0.0.1:$(gateway_operations_port "$club")" \
        GATEWAY_TLS_CERT="$home/tls/server.crt" GATEWAY_TLS_KEY="$home/tls/server.key" \
        GATEWAY_MSP_ID="${ORG_MSP[$club]}" \
        GATEWAY_CERT="$home/msp/signcerts/cert.pem" GATEWAY_KEY="$home/msp/keystore/key.pem" \
        PEER_ENDPOINT="$(peer_endpoint "$club")" PEER_TLS_ROOT_CERT="$(peer_tls_root "$club")" \
        start_process "gateway-$club" node "$ROOT_DIR/network/gateway/dist/main.js"
}

gateway_summary() { echo "on $(gateway_endpoint "$1") (operations on $(gateway_operations_port "$1"))"; }
start_gateways() { start_for_each_club gateway; }

stop_gateways() { stop_for_each_club gateway; }
