# One Fabric CA per club, and the identities it issues. Sourced by test-network.sh.
# shellcheck shell=bash

CA_BOOTSTRAP_USER=admin
CA_BOOTSTRAP_PASSWORD=adminpw

ca_home() { echo "$STATE_DIR/ca/$1"; }
ca_name() { echo "ca-$1"; }
ca_tls_cert() { echo "$(ca_home "$1")/ca-cert.pem"; }
ca_url() { echo "https://$1@127.0.0.1:$(ca_port "$2")"; }

ca_healthy() { curl -sf "http://127.0.0.1:$(ca_operations_port "$1")/healthz" >/dev/null; }

start_ca() {
    local club=$1
    mkdir -p "$(ca_home "$club")"
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ca_operations_port "$club")" \
        FABRIC_CA_SERVER_CSR_HOSTS="127.0.0.1,localhost" \
        FABRIC_CA_SERVER_CSR_CN="$(ca_name "$club")" \
        start_process "ca-$club" "$FABRIC_CA_BIN_DIR/fabric-ca-server" start \
        --home "$(ca_home "$club")" --ca.name "$(ca_name "$club")" \
        --boot "$CA_BOOTSTRAP_USER:$CA_BOOTSTRAP_PASSWORD" \
        --address 127.0.0.1 --port "$(ca_port "$club")" --tls.enabled
}

ca_client() {
    local club=$1 home=$2
    shift 2
    "$FABRIC_CA_BIN_DIR/fabric-ca-client" "$@" --home "$home" --caname "$(ca_name "$club")" \
        --tls.certfiles "$(ca_tls_cert "$club")" >>"$(log_file "ca-$club")" 2>&1
}

registrar_home() { echo "$STATE_DIR/ca/$1-registrar"; }

# Registers (once) and enrolls an identity; `attrs` go into the certificate (":ecert").
enroll_identity() {
    local club=$1 name=$2 type=$3 attrs=$4 msp_dir=$5
    shift 5
    [ -f "$msp_dir/signcerts/cert.pem" ] && return
    local secret="${name}pw"
    local register=(register --id.name "$name" --id.secret "$secret" --id.type "$type"
        -u "https://127.0.0.1:$(ca_port "$club")")
    [ -n "$attrs" ] && register+=(--id.attrs "$attrs")
    ca_client "$club" "$(registrar_home "$club")" "${register[@]}" ||
        grep -q "is already registered" "$(log_file "ca-$club")" ||
        fail_with_log "ca-$club" "registering $name failed"
    ca_client "$club" "$msp_dir/.." enroll -u "$(ca_url "$name:$secret" "$club")" --mspdir "$msp_dir" \
        --csr.names "O=${CLUB_NAME[$club]}" "$@" ||
        fail_with_log "ca-$club" "enrolling $name failed"
    mv "$msp_dir"/keystore/*_sk "$msp_dir/keystore/key.pem"
}

# The organization's MSP folder as channel configuration wants it, with NodeOUs on.
write_org_msp() {
    local club=$1 msp_dir="$ORGS_DIR/$1/msp"
    mkdir -p "$msp_dir/cacerts" "$msp_dir/tlscacerts"
    cp "$(ca_tls_cert "$club")" "$msp_dir/cacerts/ca.pem"
    cp "$(ca_tls_cert "$club")" "$msp_dir/tlscacerts/ca.pem"
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

# Identities of a club: its organization admin (NodeOU admin) and one application identity per role,
# each carrying club.role in its certificate, which the chaincode reads.
enroll_club_identities() {
    local club=$1 users="$ORGS_DIR/$1/users"
    mkdir -p "$(registrar_home "$club")"
    [ -f "$(registrar_home "$club")/msp/signcerts/cert.pem" ] ||
        ca_client "$club" "$(registrar_home "$club")" enroll -u "$(ca_url "$CA_BOOTSTRAP_USER:$CA_BOOTSTRAP_PASSWORD" "$club")" ||
        fail_with_log "ca-$club" "enrolling the CA's bootstrap admin failed"
    write_org_msp "$club"
    enroll_identity "$club" "$club-orgadmin" admin "club.role=admin:ecert" "$users/orgadmin/msp"
    for role in "${APP_ROLES[@]}"; do
        enroll_identity "$club" "$club-$role" client "club.role=$role:ecert" "$users/$role/msp"
    done
    for user in "$users"/*/msp; do
        cp "$ORGS_DIR/$club/msp/config.yaml" "$user/config.yaml"
    done
}

start_cas() {
    for club in "${CLUBS[@]}"; do
        start_ca "$club"
    done
    for club in "${CLUBS[@]}"; do
        wait_until "ca-$club" 60 ca_healthy "$club"
        enroll_club_identities "$club"
        log "ca-$club ready on 127.0.0.1:$(ca_port "$club"): identities orgadmin, ${APP_ROLES[*]} under $ORGS_DIR/$club/users"
    done
}

stop_cas() {
    for club in "${CLUBS[@]}"; do
        stop_process "ca-$club"
    done
}
