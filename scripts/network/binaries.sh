# Fabric CA binaries: FABRIC_BIN if it has them, else a cache outside the clone keyed by
# version, built once from the Go module proxy. Sourced by test-network.sh.
# shellcheck shell=bash

FABRIC_CA_COMMANDS=(fabric-ca-server fabric-ca-client)

has_commands() {
    local dir=$1
    shift
    [ -n "$dir" ] || return 1
    for command in "$@"; do
        [ -x "$dir/$command" ] || return 1
    done
}

require_go() {
    command -v go >/dev/null || fail "Go >= 1.26.4 is needed to build Fabric's binaries (or set FABRIC_BIN to a folder that has them)"
}

# Builds commands of a module at a version inside a throwaway module: `go install pkg@version` also asks
# the proxy for the module's version list (for deprecations), which the proxy here refuses for Fabric's modules.
build_from_module_proxy() {
    local module=$1 version=$2 out=$3
    shift 3
    local workdir
    workdir=$(mktemp -d)
    (
        cd "$workdir" &&
            go mod init rcn-binaries >/dev/null 2>&1 &&
            go get "$module@$version" &&
            GOFLAGS=-mod=mod go build -trimpath -o "$out/" "$@"
    )
    local status=$?
    rm -rf "$workdir"
    return $status
}

ensure_fabric_ca() {
    if has_commands "${FABRIC_BIN:-}" "${FABRIC_CA_COMMANDS[@]}"; then
        FABRIC_CA_BIN_DIR=$FABRIC_BIN
        return
    fi
    FABRIC_CA_BIN_DIR="$CACHE_ROOT/fabric-ca-$FABRIC_CA_VERSION/bin"
    has_commands "$FABRIC_CA_BIN_DIR" "${FABRIC_CA_COMMANDS[@]}" && return
    require_go
    log "building Fabric CA v$FABRIC_CA_VERSION into $FABRIC_CA_BIN_DIR (first run only: about 2 minutes on 2 cores)"
    local started=$SECONDS
    mkdir -p "$FABRIC_CA_BIN_DIR.partial"
    build_from_module_proxy github.com/hyperledger/fabric-ca "v$FABRIC_CA_VERSION" "$FABRIC_CA_BIN_DIR.partial" \
        github.com/hyperledger/fabric-ca/cmd/fabric-ca-server github.com/hyperledger/fabric-ca/cmd/fabric-ca-client ||
        fail "building Fabric CA v$FABRIC_CA_VERSION failed (output above)"
    rm -rf "$FABRIC_CA_BIN_DIR" && mv "$FABRIC_CA_BIN_DIR.partial" "$FABRIC_CA_BIN_DIR"
    log "Fabric CA built in $((SECONDS - started))s"
}
