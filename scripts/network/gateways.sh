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

start_gateways() {
    for club in "${CLUBS[@]}"; do start_gateway "$club"; done
    for club in "${CLUBS[@]}"; do
        wait_until "gateway-$club" 30 gateway_healthy "$club"
        log "gateway-$club ready on $(gateway_endpoint "$club") (operations on $(gateway_operations_port "$club"))"
    done
}

stop_gateways() {
    for club in "${CLUBS[@]}"; do stop_process "gateway-$club"; done
}
