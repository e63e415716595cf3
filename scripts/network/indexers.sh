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

indexer_summary() { echo "(schema indexer_$1; health and metrics on $(indexer_port "$1"))"; }
start_indexers() { start_for_each_club indexer; }

stop_indexers() { stop_for_each_club indexer; }

# The next block the club's indexer will apply on a channel: its indexed height.
indexed_height() {
    local channel=$1 club=$2
    "$(postgres_bin_dir)/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc \
        "SELECT next_block FROM indexer_$club.checkpoints WHERE channel = '$channel'" 2>/dev/null
}
