# PostgreSQL and NATS (JetStream) for the indexers and the API, from Debian's packages, with their
# data under the state folder. Sourced by test-network.sh.
# shellcheck shell=bash

POSTGRES_USER=rcn
POSTGRES_DB=rcn
POSTGRES_DATA="$STATE_DIR/postgres"
NATS_DATA="$STATE_DIR/nats"

apt_install() {
    log "installing $* from Debian's packages"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null ||
        fail "apt-get install $* failed"
}

postgres_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

ensure_service_packages() {
    [ -n "$(postgres_bin_dir)" ] || apt_install postgresql
    command -v nats-server >/dev/null || apt_install nats-server
    command -v curl >/dev/null || apt_install curl
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres system user.
as_postgres_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

postgres_healthy() { "$(postgres_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; }

start_postgres() {
    local bin
    bin=$(postgres_bin_dir)
    if [ ! -f "$POSTGRES_DATA/PG_VERSION" ]; then
        mkdir -p "$POSTGRES_DATA" "$LOG_DIR" "$PID_DIR"
        touch "$(log_file postgres)"
        if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$(log_file postgres)" "$POSTGRES_DATA"; fi
        chmod 700 "$POSTGRES_DATA"
        as_postgres_owner "$bin/initdb" -D "$POSTGRES_DATA" -U "$POSTGRES_USER" --auth=trust >>"$(log_file postgres)" 2>&1 ||
            fail_with_log postgres "initdb failed"
    fi
    if ! is_running postgres; then
        # Trust on loopback only: a local development database, never reachable from elsewhere.
        as_postgres_owner "$bin/pg_ctl" start -D "$POSTGRES_DATA" -l "$(log_file postgres)" -w -t 60 -o \
            "-c listen_addresses=127.0.0.1 -c port=$POSTGRES_PORT -c unix_socket_directories='$POSTGRES_DATA' -c max_connections=200" \
            >/dev/null || fail_with_log postgres "pg_ctl start failed"
        head -n 1 "$POSTGRES_DATA/postmaster.pid" >"$(pid_file postgres)"
    fi
    wait_until postgres 60 postgres_healthy
    if ! "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'" | grep -q 1; then
        "$bin/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" "$POSTGRES_DB" ||
            fail_with_log postgres "creating database $POSTGRES_DB failed"
    fi
    log "postgres ready on 127.0.0.1:$POSTGRES_PORT (database $POSTGRES_DB, user $POSTGRES_USER)"
}

nats_healthy() { curl -sf "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" >/dev/null; }

start_nats() {
    mkdir -p "$NATS_DATA"
    start_process nats nats-server --addr 127.0.0.1 --port "$NATS_PORT" --http_port "$NATS_MONITOR_PORT" \
        --jetstream --store_dir "$NATS_DATA" --server_name rcn-local
    wait_until nats 30 nats_healthy
    log "nats ready on 127.0.0.1:$NATS_PORT (JetStream on; monitoring on $NATS_MONITOR_PORT)"
}

stop_postgres() {
    if is_running postgres; then
        as_postgres_owner "$(postgres_bin_dir)/pg_ctl" stop -D "$POSTGRES_DATA" -m fast -w >/dev/null
    fi
    rm -f "$(pid_file postgres)"
}

stop_services() {
    stop_process nats
    stop_postgres
}
