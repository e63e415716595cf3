# Writes .network/network.json: where the API, the indexers and the tests find the clubs' CAs,
# identities, channels, PostgreSQL and NATS. One file, one source of truth. Sourced by test-network.sh.
# shellcheck shell=bash

NETWORK_PROFILE="$STATE_DIR/network.json"

write_network_profile() {
    local clubs_json="" channels_json=""
    for club in "${CLUBS[@]}"; do
        local identities=""
        for role in "${APP_ROLES[@]}"; do
            identities+="\"$role\":{\"certPath\":\"$ORGS_DIR/$club/users/$role/msp/signcerts/cert.pem\",\"keyPath\":\"$ORGS_DIR/$club/users/$role/msp/keystore/key.pem\"},"
        done
        clubs_json+="\"${CLUB_MSP[$club]}\":{\"key\":\"$club\",\"name\":\"${CLUB_NAME[$club]}\","
        clubs_json+="\"ca\":{\"url\":\"https://127.0.0.1:$(ca_port "$club")\",\"name\":\"$(ca_name "$club")\",\"tlsCertPath\":\"$(ca_tls_cert "$club")\"},"
        clubs_json+="\"identities\":{${identities%,}}},"
    done
    for channel in "${CHANNELS[@]}"; do
        local members=""
        for club in ${CHANNEL_CLUBS[$channel]}; do
            members+="\"${CLUB_MSP[$club]}\","
        done
        channels_json+="\"$channel\":[${members%,}],"
    done
    node -e 'const p = JSON.parse(process.argv[1]); require("fs").writeFileSync(process.argv[2], JSON.stringify(p, null, 2) + "\n");' \
        "{\"stateDir\":\"$STATE_DIR\",\"clubs\":{${clubs_json%,}},\"channels\":{${channels_json%,}},
          \"postgres\":{\"host\":\"127.0.0.1\",\"port\":$POSTGRES_PORT,\"user\":\"$POSTGRES_USER\",\"database\":\"$POSTGRES_DB\"},
          \"nats\":{\"servers\":\"nats://127.0.0.1:$NATS_PORT\"}}" "$NETWORK_PROFILE"
}
