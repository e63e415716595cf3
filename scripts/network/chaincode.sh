# The project's chaincode as a service: one ccaas package per club (its connection.json names the club's
# own chaincode server), installed on the club's peer, approved by each club and committed on every
# channel with the channel's MAJORITY policy; the servers are started here with their package IDs.
# Sourced by test-network.sh.
# shellcheck shell=bash

CHAINCODE_DIR="$STATE_DIR/chaincode"
CHAINCODE_VERSION_FILE="$CHAINCODE_DIR/version"

chaincode_tls_dir() { echo "$ORGS_DIR/$1/chaincode/tls"; }
chaincode_package() { echo "$CHAINCODE_DIR/$1/$CHAINCODE_NAME-v$(chaincode_version).tar.gz"; }
chaincode_version() { cat "$CHAINCODE_VERSION_FILE" 2>/dev/null || echo 1; }

build_chaincode() {
    log "building the chaincode (tsc)"
    (cd "$ROOT_DIR" && npx --no-install tsc --build chaincode) >>"$(log_file build)" 2>&1 ||
        fail_with_log build "building the chaincode failed"
}

# A deterministic tar.gz (fixed owner, order and time), so the same content always has the same package ID.
deterministic_tar() {
    local out=$1 dir=$2
    shift 2
    tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - "$@" | gzip -n >"$out"
}

write_chaincode_package() {
    local club=$1 package work
    package=$(chaincode_package "$club")
    [ -f "$package" ] && return
    work=$(mktemp -d)
    node -e '
const fs = require("fs");
const [address, rootCertPath, out] = process.argv.slice(1);
fs.writeFileSync(out, JSON.stringify({ address, dial_timeout: "10s", tls_required: true,
    client_auth_required: false, root_cert: fs.readFileSync(rootCertPath, "utf8") }));
' "127.0.0.1:$(chaincode_server_port "$club")" "$(chaincode_tls_dir "$club")/ca.crt" "$work/connection.json"
    echo "{\"type\":\"ccaas\",\"label\":\"${CHAINCODE_NAME}_v$(chaincode_version)\"}" >"$work/metadata.json"
    deterministic_tar "$work/code.tar.gz" "$work" connection.json
    mkdir -p "$(dirname "$package")"
    deterministic_tar "$package" "$work" metadata.json code.tar.gz
    rm -rf "$work"
}

# Fabric's package ID: the label and the SHA-256 of the package file (2.1 has no calculatepackageid).
package_id() { echo "${CHAINCODE_NAME}_v$(chaincode_version):$(sha256sum "$(chaincode_package "$1")" | cut -d' ' -f1)"; }

# A peer under load can time the CLI out on either call; a timed-out install may still have installed.
is_installed() {
    local club=$1 id=$2 listing
    listing=$(retry 10 peer_as_admin "$club" lifecycle chaincode queryinstalled 2>/dev/null) ||
        fail "peer-$club does not list its installed chaincodes"
    grep -q "Package ID: $id," <<<"$listing"
}

install_chaincode() {
    local club=$1 id
    id=$(package_id "$club")
    is_installed "$club" "$id" && return
    peer_admin "$club" lifecycle chaincode install "$(chaincode_package "$club")" || is_installed "$club" "$id" ||
        fail_with_log "cli-$club" "installing the chaincode on peer-$club failed"
}

# The chaincode definition committed on a channel as JSON, nothing when none is; fails when the peer does
# not answer, which must not pass for "none" (that would approve and commit sequence 1 again).
query_committed() {
    local channel=$1 club=$2 errors
    { errors=$(peer_as_admin "$club" lifecycle chaincode querycommitted -C "$channel" -n "$CHAINCODE_NAME" -O json 2>&1 >&3 3>&-); } 3>&1 &&
        return
    grep -q "namespace $CHAINCODE_NAME is not defined" <<<"$errors"
}

# A field of the chaincode definition committed on a channel (`fallback` when none is).
committed_definition() {
    local channel=$1 club=$2 field=$3 fallback=$4 definition
    definition=$(retry 10 query_committed "$channel" "$club") || fail "peer-$club does not answer querycommitted on $channel"
    node -e 'const [json, field, fallback] = process.argv.slice(1); console.log(json ? JSON.parse(json)[field] : fallback)' \
        "$definition" "$field" "$fallback"
}

# Approves and commits the current version on a channel at the next sequence, unless it is committed. No
# policy is named, so the chaincode takes the channel's /Channel/Application/Endorsement: MAJORITY.
commit_chaincode() {
    local channel=$1 clubs=(${CHANNEL_CLUBS[$1]}) version sequence
    version=$(chaincode_version)
    [ "$(committed_definition "$channel" "${clubs[0]}" version "")" = "$version" ] && return
    sequence=$(($(committed_definition "$channel" "${clubs[0]}" sequence 0) + 1))
    local peers=()
    for club in "${clubs[@]}"; do
        peer_admin_to_orderer "$club" lifecycle chaincode approveformyorg -C "$channel" -n "$CHAINCODE_NAME" \
            --version "$version" --sequence "$sequence" --package-id "$(package_id "$club")" --waitForEvent ||
            fail_with_log "cli-$club" "approving the chaincode for ${ORG_MSP[$club]} on $channel failed"
        peers+=(--peerAddresses "$(peer_endpoint "$club")" --tlsRootCertFiles "$(peer_tls_root "$club")")
    done
    peer_admin_to_orderer "${clubs[0]}" lifecycle chaincode commit -C "$channel" -n "$CHAINCODE_NAME" \
        --version "$version" --sequence "$sequence" "${peers[@]}" --waitForEvent || fail_with_log "cli-${clubs[0]}" "committing the chaincode on $channel failed"
    wait_until_planned "$channel"
    log "chaincode $CHAINCODE_NAME v$version committed on $channel (sequence $sequence)"
}

# True once the club's peer's discovery service plans endorsements for the chaincode on the channel: the
# peers gossip what they have installed, so a newly committed definition takes a few seconds to be planned.
discovery_plans() {
    local channel=$1 club=$2 users="$ORGS_DIR/$2/users/auditor/msp"
    "$FABRIC_BIN_DIR/discover" --peerTLSCA "$(peer_tls_root "$club")" --userKey "$users/keystore/key.pem" \
        --userCert "$users/signcerts/cert.pem" --MSP "${ORG_MSP[$club]}" endorsers --channel "$channel" \
        --chaincode "$CHAINCODE_NAME" --server "$(peer_endpoint "$club")" >/dev/null 2>&1
}

wait_until_planned() {
    local channel=$1 club
    for club in ${CHANNEL_CLUBS[$channel]}; do
        retry 60 discovery_plans "$channel" "$club" || fail "discovery on peer-$club plans no endorsement of $CHAINCODE_NAME on $channel"
    done
}

chaincode_healthy() { port_in_use "$(chaincode_server_port "$1")"; }

# The peer only accepts a server that registers with the package ID it installed. A server running an
# earlier version keeps serving the channels whose definition still names it until the new version is
# committed everywhere: it listens on the other port of the pair (chaincode_server_port).
start_chaincode() {
    local club=$1 tls id id_file="$CHAINCODE_DIR/$1/running-package-id"
    tls=$(chaincode_tls_dir "$club")
    id=$(package_id "$club")
    if [ "$(cat "$id_file" 2>/dev/null)" != "$id" ] && is_running "chaincode-$club"; then
        mv "$(pid_file "chaincode-$club")" "$(pid_file "chaincode-$club-previous")"
    fi
    echo "$id" >"$id_file"
    # Fabric 2.1 peers cannot purge private data (2.5): the chaincode erases by deleting only, and the API
    # destroys the member's data key (see README.md, "Which Fabric, and what it lacks").
    CORE_CHAINCODE_LOGGING_LEVEL=${CORE_CHAINCODE_LOGGING_LEVEL:-warning} RCN_PURGE_PRIVATE_DATA=false \
        start_process "chaincode-$club" "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" server \
        --chaincode-address "127.0.0.1:$(chaincode_server_port "$club")" --chaincode-id "$id" \
        --chaincode-tls-cert-file "$tls/server.crt" --chaincode-tls-key-file "$tls/server.key" \
        --module-path "$ROOT_DIR/chaincode"
}

chaincode_summary() { echo "on 127.0.0.1:$(chaincode_server_port "$1") ($(cat "$CHAINCODE_DIR/$1/running-package-id"))"; }
start_chaincode_servers() { start_for_each_club chaincode; }

stop_chaincode_servers() {
    for club in "${CLUBS[@]}"; do
        stop_process "chaincode-$club"
        stop_process "chaincode-$club-previous"
    done
}

# Packages, installs and commits the current version everywhere, and starts its servers; the servers of
# the version it replaces stop once no channel names them.
deploy_chaincode() {
    for club in "${CLUBS[@]}"; do
        write_chaincode_package "$club"
        install_chaincode "$club"
    done
    start_chaincode_servers
    for channel in "${CHANNELS[@]}"; do commit_chaincode "$channel"; done
    for club in "${CLUBS[@]}"; do stop_process "chaincode-$club-previous"; done
}

# A new version: rebuilt, packaged with the next label, committed at the next sequence on every channel,
# and the servers restarted with the new package IDs.
redeploy_chaincode() {
    build_chaincode
    echo $(($(chaincode_version) + 1)) >"$CHAINCODE_VERSION_FILE"
    deploy_chaincode
}
