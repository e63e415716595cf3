# Writes .network/network.json: where the API, the indexers and the tests find the clubs' CAs, peers,
# gateway services, identities, channels, PostgreSQL and NATS. One file, one source of truth. Sourced by
# test-network.sh.
# shellcheck shell=bash

NETWORK_PROFILE="$STATE_DIR/network.json"

# One club's entry. `gateway` is what @hyperledger/fabric-gateway connects to (our Gateway service here; a
# Fabric >= 2.4 peer's own address elsewhere); `peer` is the peer itself, for its Deliver and Discovery.
club_profile() {
    local club=$1 identities=""
    for role in "${APP_ROLES[@]}"; do
        identities+="\"$role\":{\"certPath\":\"$ORGS_DIR/$club/users/$role/msp/signcerts/cert.pem\",\"keyPath\":\"$ORGS_DIR/$club/users/$role/msp/keystore/key.pem\"},"
    done
    cat <<CLUB
"${ORG_MSP[$club]}": {
  "key": "$club", "name": "${ORG_NAME[$club]}",
  "ca": {"url": "https://127.0.0.1:$(ca_port "$club")", "name": "$(ca_name "$club")", "tlsCertPath": "$(ca_tls_cert "$club")"},
  "peer": {"endpoint": "$(peer_endpoint "$club")", "hostAlias": "peer.$club", "tlsRootCertPath": "$(peer_tls_root "$club")"},
  "gateway": {"endpoint": "$(gateway_endpoint "$club")", "hostAlias": "gateway.$club", "tlsRootCertPath": "$(gateway_home "$club")/tls/ca.crt"},
  "chaincodeServer": {"endpoint": "127.0.0.1:$(chaincode_server_port "$club")"},
  "indexer": {"schema": "indexer_$club", "url": "http://127.0.0.1:$(indexer_port "$club")"},
  "identities": {${identities%,}}
}
CLUB
}

write_network_profile() {
    local clubs_json="" channels_json=""
    for club in "${CLUBS[@]}"; do clubs_json+="$(club_profile "$club"),"; done
    for channel in "${CHANNELS[@]}"; do
        local members=""
        for club in ${CHANNEL_CLUBS[$channel]}; do members+="\"${ORG_MSP[$club]}\","; done
        channels_json+="\"$channel\":[${members%,}],"
    done
    node -e 'const p = JSON.parse(process.argv[1]); require("fs").writeFileSync(process.argv[2], JSON.stringify(p, null, 2) + "\n");' \
        "{\"stateDir\":\"$STATE_DIR\",\"chaincode\":\"$CHAINCODE_NAME\",\"clubs\":{${clubs_json%,}},\"channels\":{${channels_json%,}},
          \"orderer\":{\"mspId\":\"${ORG_MSP[$ORDERER_ORG]}\",\"endpoint\":\"$(orderer_endpoint)\",\"tlsRootCertPath\":\"$(orderer_tls_root)\"},
          \"postgres\":{\"host\":\"127.0.0.1\",\"port\":$POSTGRES_PORT,\"user\":\"$POSTGRES_USER\",\"database\":\"$POSTGRES_DB\"},
          \"nats\":{\"servers\":\"nats://127.0.0.1:$NATS_PORT\"},
          \"api\":{\"url\":\"$(api_url)\"}}" "$NETWORK_PROFILE"
}
