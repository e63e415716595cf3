# The orderer org's etcdraft orderer, bootstrapped from a system-channel genesis block whose consortium
# holds the three clubs (Fabric 2.1 has no channel participation API). Sourced by test-network.sh.
# shellcheck shell=bash

CONFIGTX_DIR="$STATE_DIR/configtx"
ORDERER_HOME="$ORGS_DIR/$ORDERER_ORG/orderer"
ORDERER_DATA="$STATE_DIR/orderer"
SYSTEM_CHANNEL=system-channel
# Blocks are cut after this long or this many transactions; small enough for quick tests, large enough that
# concurrent transactions share blocks.
BATCH_TIMEOUT=${RCN_BATCH_TIMEOUT:-200ms}
BATCH_MAX_MESSAGES=${RCN_BATCH_MAX_MESSAGES:-100}

orderer_endpoint() { echo "127.0.0.1:$(orderer_port)"; }

# A club's organization entry in configtx.yaml: signature policies over its NodeOU roles.
configtx_org() {
    local org=$1 msp=${ORG_MSP[$1]}
    cat <<ORG
  - &$org
    Name: $msp
    ID: $msp
    MSPDir: $ORGS_DIR/$org/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('$msp.member')" }
      Writers: { Type: Signature, Rule: "OR('$msp.member')" }
      Admins: { Type: Signature, Rule: "OR('$msp.admin')" }
      Endorsement: { Type: Signature, Rule: "OR('$msp.peer')" }
ORG
    if [ "$org" = "$ORDERER_ORG" ]; then
        echo "    OrdererEndpoints: [\"$(orderer_endpoint)\"]"
    else
        echo "    AnchorPeers: [{ Host: 127.0.0.1, Port: $(peer_port "$org") }]"
    fi
}

channel_profile() {
    local channel=$1 members=""
    for club in ${CHANNEL_CLUBS[$channel]}; do members+="*$club, "; done
    cat <<PROFILE
  $channel:
    <<: *ChannelDefaults
    Consortium: Clubs
    Application:
      <<: *ApplicationDefaults
      Organizations: [${members%, }]
PROFILE
}

write_configtx() {
    mkdir -p "$CONFIGTX_DIR"
    {
        echo "# Written by scripts/network/orderer.sh."
        echo "Organizations:"
        for org in "${ORGS[@]}"; do configtx_org "$org"; done
        cat <<CONFIGTX
Capabilities:
  Channel: &ChannelCapabilities { V2_0: true }
  Orderer: &OrdererCapabilities { V2_0: true }
  Application: &ApplicationCapabilities { V2_0: true }
Application: &ApplicationDefaults
  Organizations:
  Policies:
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    LifecycleEndorsement: { Type: ImplicitMeta, Rule: "MAJORITY Endorsement" }
    Endorsement: { Type: ImplicitMeta, Rule: "MAJORITY Endorsement" }
  Capabilities: *ApplicationCapabilities
Orderer: &OrdererDefaults
  OrdererType: etcdraft
  Addresses: ["$(orderer_endpoint)"]
  EtcdRaft:
    Consenters:
      - Host: 127.0.0.1
        Port: $(orderer_port)
        ClientTLSCert: $ORDERER_HOME/tls/server.crt
        ServerTLSCert: $ORDERER_HOME/tls/server.crt
  BatchTimeout: $BATCH_TIMEOUT
  BatchSize:
    MaxMessageCount: $BATCH_MAX_MESSAGES
    AbsoluteMaxBytes: 10 MB
    PreferredMaxBytes: 2 MB
  Organizations: [*$ORDERER_ORG]
  Policies:
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    BlockValidation: { Type: ImplicitMeta, Rule: "ANY Writers" }
  Capabilities: *OrdererCapabilities
Channel: &ChannelDefaults
  Policies:
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
  Capabilities: *ChannelCapabilities
Profiles:
  SystemGenesis:
    <<: *ChannelDefaults
    Orderer: *OrdererDefaults
    Consortiums:
      Clubs:
        Organizations: [$(printf '*%s, ' "${CLUBS[@]}" | sed 's/, $//')]
CONFIGTX
        for channel in "${CHANNELS[@]}"; do channel_profile "$channel"; done
    } >"$CONFIGTX_DIR/configtx.yaml"
}

configtxgen() { FABRIC_CFG_PATH=$CONFIGTX_DIR "$FABRIC_BIN_DIR/configtxgen" "$@" >>"$(log_file configtx)" 2>&1; }

write_genesis_block() {
    [ -f "$CONFIGTX_DIR/genesis.block" ] && return
    mkdir -p "$LOG_DIR"
    write_configtx
    configtxgen -profile SystemGenesis -channelID "$SYSTEM_CHANNEL" -outputBlock "$CONFIGTX_DIR/genesis.block" ||
        fail_with_log configtx "writing the system channel's genesis block failed"
}

# As for a peer, the operations server may answer before the gRPC listener is up.
orderer_healthy() { curl -sf "http://127.0.0.1:$(orderer_operations_port)/healthz" >/dev/null && port_in_use "$(orderer_port)"; }

start_orderer() {
    write_genesis_block
    mkdir -p "$ORDERER_DATA"
    local tls=$ORDERER_HOME/tls
    FABRIC_CFG_PATH="$ROOT_DIR/network/config" \
        ORDERER_GENERAL_LISTENPORT="$(orderer_port)" \
        ORDERER_GENERAL_BOOTSTRAPFILE="$CONFIGTX_DIR/genesis.block" \
        ORDERER_GENERAL_LOCALMSPID="${ORG_MSP[$ORDERER_ORG]}" \
        ORDERER_GENERAL_LOCALMSPDIR="$ORDERER_HOME/msp" \
        ORDERER_GENERAL_TLS_PRIVATEKEY="$tls/server.key" \
        ORDERER_GENERAL_TLS_CERTIFICATE="$tls/server.crt" \
        ORDERER_GENERAL_TLS_ROOTCAS="[$tls/ca.crt]" \
        ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$tls/server.crt" \
        ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$tls/server.key" \
        ORDERER_GENERAL_CLUSTER_ROOTCAS="[$tls/ca.crt]" \
        ORDERER_FILELEDGER_LOCATION="$ORDERER_DATA/ledger" \
        ORDERER_CONSENSUS_WALDIR="$ORDERER_DATA/etcdraft/wal" \
        ORDERER_CONSENSUS_SNAPDIR="$ORDERER_DATA/etcdraft/snapshot" \
        ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_operations_port)" \
        start_process orderer "$FABRIC_BIN_DIR/orderer"
    wait_until orderer 60 orderer_healthy
    log "orderer ready on $(orderer_endpoint) (etcdraft, TLS; operations on $(orderer_operations_port))"
}
