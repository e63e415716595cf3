# One event indexer per club, streaming every channel of the club from its own gateway endpoint into the
# club's PostgreSQL schema (indexer_<club>). Sourced by test-network.sh.
# shellcheck shell=bash

indexer_port() { echo $((17460 + ${CLUB_INDEX[$1]})); }
indexer_healthy() { curl -sf "http://127.0.0.1:$(indexer_port "$1")/health/ready" >/dev/null; }

start_indexer() {
    local club=$1
    INDEXER_CLUB="${ORG_MSP[$club]}" INDEXER_HTTP_PORT="$(indexer_port "$club")" RCN_NETWORK_PROFILE="$NETWORK_PROFILE" \
        start_process "indexer-$club" node "$ROOT_DIR/event-indexer/dist/main.js"
}

start_indexers() {
    for club in "${CLUBS[@]}"; do start_indexer "$club"; done
    for club in "${CLUBS[@]}"; do
        wait_until "indexer-$club" 60 indexer_healthy "$club"
        log "indexer-$club ready (schema indexer_$club; health and metrics on $(indexer_port "$club"))"
    done
}

stop_indexers() {
    for club in "${CLUBS[@]}"; do stop_process "indexer-$club"; done
}

# The next block the club's indexer will apply on a channel: its indexed height.
indexed_height() {
    local channel=$1 club=$2
    "$(postgres_bin_dir)/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc \
        "SELECT next_block FROM indexer_$club.checkpoints WHERE channel = '$channel'" 2>/dev/null
}
