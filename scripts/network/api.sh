# The GraphQL API: one process serving all three clubs locally (each club runs its own in production; the
# API takes its clubs from the profile). Sourced by test-network.sh.
# shellcheck shell=bash

API_PORT=17400
api_url() { echo "http://127.0.0.1:$API_PORT"; }
api_healthy() { curl -sf "$(api_url)/health/ready" >/dev/null; }
api_health() { curl -s "$(api_url)/health/ready" 2>/dev/null || echo '{"ready":false}'; }

start_api() {
    API_PORT=$API_PORT GRAPHIQL=true RCN_NETWORK_PROFILE="$NETWORK_PROFILE" \
        start_process api node "$ROOT_DIR/gateway-api/dist/main.js"
    wait_until api 60 api_healthy
    log "api ready on $(api_url)/graphql"
}
