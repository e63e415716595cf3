# One Fabric CA per organization (the orderer org's included), and the identities it issues: no
# cryptogen anywhere (see README.md). Sourced by test-network.sh.
# shellcheck shell=bash

CA_BOOTSTRAP_USER=admin
CA_BOOTSTRAP_PASSWORD=adminpw

ca_home() { echo "$STATE_DIR/ca/$1"; }
ca_name() { echo "ca-$1"; }
ca_tls_cert() { echo "$(ca_home "$1")/ca-cert.pem"; }
ca_url() { echo "https://$1@127.0.0.1:$(ca_port "$2")"; }

ca_healthy() { curl -sf "http://127.0.0.1:$(ca_operations_port "$1")/healthz" >/dev/null; }

start_ca() {
    local org=$1
    mkdir -p "$(ca_home "$org")"
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ca_operations_port "$org")" \
        FABRIC_CA_SERVER_CSR_HOSTS="127.0.0.1,localhost" \
        FABRIC_CA_SERVER_CSR_CN="$(ca_name "$org")" \
        start_process "ca-$org" "$FABRIC_CA_BIN_DIR/fabric-ca-server" start \
        --home "$(ca_home "$org")" --ca.name "$(ca_name "$org")" \
        --boot "$CA_BOOTSTRAP_USER:$CA_BOOTSTRAP_PASSWORD" \
        --address 127.0.0.1 --port "$(ca_port "$org")" --tls.enabled
}

ca_client() {
    local org=$1 home=$2
    shift 2
    "$FABRIC_CA_BIN_DIR/fabric-ca-client" "$@" --home "$home" --caname "$(ca_name "$org")" \
        --tls.certfiles "$(ca_tls_cert "$org")" >>"$(log_file "ca-$org")" 2>&1
}

registrar_home() { echo "$STATE_DIR/ca/$1-registrar"; }

# Registers (once) and enrolls an identity; `attrs` go into the certificate (":ecert").
enroll_identity() {
    local org=$1 name=$2 type=$3 attrs=$4 msp_dir=$5
    shift 5
    [ -f "$msp_dir/signcerts/cert.pem" ] && return
    local secret="${name}pw"
    local register=(register --id.name "$name" --id.secret "$secret" --id.type "$type"
        -u "https://127.0.0.1:$(ca_port "$org")")
    [ -n "$attrs" ] && register+=(--id.attrs "$attrs")
    ca_client "$org" "$(registrar_home "$org")" "${register[@]}" ||
        grep -q "is already registered" "$(log_file "ca-$org")" ||
        fail_with_log "ca-$org" "registering $name failed"
    ca_client "$org" "$msp_dir/.." enroll -u "$(ca_url "$name:$secret" "$org")" --mspdir "$msp_dir" \
        --csr.names "O=${ORG_NAME[$org]}" "$@" ||
        fail_with_log "ca-$org" "enrolling $name failed"
    mv "$msp_dir"/keystore/*_sk "$msp_dir/keystore/key.pem"
    # The name NodeOUs' config.yaml refers to (a TLS enrollment has tlscacerts/ instead).
    if [ -n "$(ls "$msp_dir/cacerts")" ]; then mv "$msp_dir"/cacerts/*.pem "$msp_dir/cacerts/ca.pem"; fi
}

# The organization's MSP folder as channel configuration wants it, with NodeOUs on.
write_org_msp() {
    local org=$1 msp_dir="$ORGS_DIR/$1/msp"
    mkdir -p "$msp_dir/cacerts" "$msp_dir/tlscacerts"
    cp "$(ca_tls_cert "$org")" "$msp_dir/cacerts/ca.pem"
    cp "$(ca_tls_cert "$org")" "$msp_dir/tlscacerts/ca.pem"
    {
        echo "NodeOUs:"
        echo "  Enable: true"
        for ou in client peer admin orderer; do
            local key
            key="$(tr '[:lower:]' '[:upper:]' <<<"${ou:0:1}")${ou:1}OUIdentifier"
            printf '  %s:\n    Certificate: cacerts/ca.pem\n    OrganizationalUnitIdentifier: %s\n' "$key" "$ou"
        done
    } >"$msp_dir/config.yaml"
}

# A TLS key pair from the organization's CA (profile tls), as server.crt, server.key and ca.crt.
enroll_tls() {
    local org=$1 name=$2 type=$3 tls_dir=$4 hosts=$5
    [ -f "$tls_dir/server.crt" ] && return
    enroll_identity "$org" "$name" "$type" "" "$tls_dir/enrollment" --enrollment.profile tls --csr.hosts "$hosts"
    cp "$tls_dir/enrollment/signcerts/cert.pem" "$tls_dir/server.crt"
    cp "$tls_dir/enrollment/keystore/key.pem" "$tls_dir/server.key"
    cp "$(ca_tls_cert "$org")" "$tls_dir/ca.crt"
}

# A node (peer or orderer): its MSP identity and its TLS pair.
enroll_node() {
    local org=$1 node=$2 type=$3 dir="$ORGS_DIR/$1/$2"
    enroll_identity "$org" "$org-$node" "$type" "" "$dir/msp"
    cp "$ORGS_DIR/$org/msp/config.yaml" "$dir/msp/config.yaml"
    enroll_tls "$org" "$org-$node" "$type" "$dir/tls" "127.0.0.1,localhost,$node.$org"
}

enroll_org_ca_admin() {
    local org=$1
    mkdir -p "$(registrar_home "$org")"
    [ -f "$(registrar_home "$org")/msp/signcerts/cert.pem" ] ||
        ca_client "$org" "$(registrar_home "$org")" enroll -u "$(ca_url "$CA_BOOTSTRAP_USER:$CA_BOOTSTRAP_PASSWORD" "$org")" ||
        fail_with_log "ca-$org" "enrolling the CA's bootstrap admin failed"
    write_org_msp "$org"
}

# The orderer org: its admin and the orderer node.
enroll_orderer_org_identities() {
    local org=$ORDERER_ORG
    enroll_org_ca_admin "$org"
    enroll_identity "$org" "$org-orgadmin" admin "" "$ORGS_DIR/$org/users/orgadmin/msp"
    cp "$ORGS_DIR/$org/msp/config.yaml" "$ORGS_DIR/$org/users/orgadmin/msp/config.yaml"
    enroll_node "$org" orderer orderer
}

# Identities of a club: its organization admin (NodeOU admin) and one application identity per role,
# each carrying club.role in its certificate, which the chaincode reads; its peer; its gateway service
# (an identity that only reads blocks, discovery and QSCC, and a TLS server pair); its chaincode server's
# TLS pair.
enroll_club_identities() {
    local club=$1 users="$ORGS_DIR/$1/users"
    enroll_org_ca_admin "$club"
    enroll_identity "$club" "$club-orgadmin" admin "club.role=admin:ecert" "$users/orgadmin/msp"
    for role in "${APP_ROLES[@]}"; do
        enroll_identity "$club" "$club-$role" client "club.role=$role:ecert" "$users/$role/msp"
    done
    for user in "$users"/*/msp; do
        cp "$ORGS_DIR/$club/msp/config.yaml" "$user/config.yaml"
    done
    enroll_node "$club" peer peer
    enroll_identity "$club" "$club-gateway" client "" "$ORGS_DIR/$club/gateway/msp"
    enroll_tls "$club" "$club-gateway" client "$ORGS_DIR/$club/gateway/tls" "127.0.0.1,localhost,gateway.$club"
    enroll_tls "$club" "$club-chaincode" client "$ORGS_DIR/$club/chaincode/tls" "127.0.0.1,localhost,chaincode.$club"
}

start_cas() {
    for org in "${ORGS[@]}"; do
        start_ca "$org"
    done
    for org in "${ORGS[@]}"; do
        wait_until "ca-$org" 60 ca_healthy "$org"
    done
    enroll_orderer_org_identities
    for club in "${CLUBS[@]}"; do
        enroll_club_identities "$club"
        log "ca-$club ready on 127.0.0.1:$(ca_port "$club"): identities orgadmin, ${APP_ROLES[*]}, peer, gateway under $ORGS_DIR/$club"
    done
}

stop_cas() {
    for org in "${ORGS[@]}"; do
        stop_process "ca-$org"
    done
}
