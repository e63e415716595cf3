# Fabric and Fabric CA binaries: FABRIC_BIN if it has them, else a cache outside the clone keyed by
# version, built once from the Go module proxy. Sourced by test-network.sh.
# shellcheck shell=bash

FABRIC_COMMANDS=(peer orderer configtxgen configtxlator discover)
FABRIC_CA_COMMANDS=(fabric-ca-server fabric-ca-client)
FABRIC_PINS_DIR="$ROOT_DIR/network/fabric-$FABRIC_VERSION"

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

# Fabric 2.1.1 predates Go modules (it used dep): its source is copied from the module cache into the
# binary cache, given a go.mod that pins every dependency to Gopkg.lock's revisions (network/fabric-<v>/),
# and built there. Without the replace lines Go's version selection raises viper and a dozen others.
write_fabric_go_mod() {
    local src=$1
    {
        printf 'module github.com/hyperledger/fabric\n\ngo 1.14\n\nrequire (\n'
        awk 'NF == 2 { printf "\t%s %s\n", $1, $2 }' "$FABRIC_PINS_DIR/dependency-pins.txt"
        printf ')\n\nreplace (\n'
        awk 'NF == 2 { printf "\t%s => %s %s\n", $1, $1, $2 }' "$FABRIC_PINS_DIR/dependency-pins.txt"
        printf ')\n'
    } >"$src/go.mod"
    cp "$FABRIC_PINS_DIR/go.sum" "$src/go.sum"
}

# Runs one build step with its output in a log; a failure names the step and shows the log's tail.
build_step() {
    local name=$1 log=$2
    shift 2
    log "  $name"
    "$@" >>"$log" 2>&1 && return
    printf 'ERROR: building Fabric v%s failed at: %s\n--- last lines of %s ---\n' "$FABRIC_VERSION" "$name" "$log" >&2
    tail -n 30 "$log" >&2
    exit 1
}

copy_fabric_source() {
    local src=$1 module_dir
    module_dir=$(go mod download -json "github.com/hyperledger/fabric@v$FABRIC_VERSION+incompatible" |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error)throw new Error(m.Error);console.log(m.Dir)})') ||
        return 1
    rm -rf "$src" && cp -r "$module_dir" "$src" && chmod -R u+w "$src"
}

ensure_fabric() {
    if has_commands "${FABRIC_BIN:-}" "${FABRIC_COMMANDS[@]}"; then
        FABRIC_BIN_DIR=$FABRIC_BIN
        return
    fi
    local cache="$CACHE_ROOT/fabric-$FABRIC_VERSION"
    FABRIC_BIN_DIR="$cache/bin"
    has_commands "$FABRIC_BIN_DIR" "${FABRIC_COMMANDS[@]}" && return
    require_go
    log "building Fabric v$FABRIC_VERSION (${FABRIC_COMMANDS[*]}) into $FABRIC_BIN_DIR (first run only: 1-2 minutes on 2 cores)"
    local started=$SECONDS src="$cache/src" build_log="$cache/build.log"
    mkdir -p "$cache" && : >"$build_log"
    build_step "downloading the module source" "$build_log" copy_fabric_source "$src"
    build_step "pinning dependencies" "$build_log" write_fabric_go_mod "$src"
    local packages=()
    for command in "${FABRIC_COMMANDS[@]}"; do packages+=("./cmd/$command"); done
    rm -rf "$FABRIC_BIN_DIR.partial" && mkdir -p "$FABRIC_BIN_DIR.partial"
    build_step "compiling ${FABRIC_COMMANDS[*]}" "$build_log" env -C "$src" GOFLAGS="-buildvcs=false -mod=mod" \
        go build -trimpath -o "$FABRIC_BIN_DIR.partial/" \
        -ldflags "-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION" "${packages[@]}"
    rm -rf "$FABRIC_BIN_DIR" && mv "$FABRIC_BIN_DIR.partial" "$FABRIC_BIN_DIR"
    log "Fabric v$FABRIC_VERSION built in $((SECONDS - started))s"
}
