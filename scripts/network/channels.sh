# Channels per consortium: created from configtxgen transactions on the system channel, joined by each
# member club's peer, anchor peers set. Each step leaves a marker, so `up` after `down` skips it.
# Sourced by test-network.sh.
# shellcheck shell=bash

CHANNELS_DIR="$STATE_DIR/channels"
orderer_tls_root() { echo "$ORDERER_HOME/tls/ca.crt"; }

# Runs a club admin's peer CLI command that talks to the orderer.
peer_admin_to_orderer() {
    local club=$1
    shift
    peer_admin "$club" "$@" -o "$(orderer_endpoint)" --tls --cafile "$(orderer_tls_root)"
}

create_channel() {
    local channel=$1 dir="$CHANNELS_DIR/$1" first
    first=$(cut -d' ' -f1 <<<"${CHANNEL_CLUBS[$channel]}")
    [ -f "$dir/$channel.block" ] && return
    mkdir -p "$dir"
    configtxgen -profile "$channel" -channelID "$channel" -outputCreateChannelTx "$dir/$channel.tx" ||
        fail_with_log configtx "writing $channel's creation transaction failed"
    # A fresh orderer answers SERVICE_UNAVAILABLE until Raft has elected its leader.
    retry 30 peer_admin_to_orderer "$first" channel create -c "$channel" -f "$dir/$channel.tx" \
        --outputBlock "$dir/$channel.block.partial" || fail_with_log "cli-$first" "creating channel $channel failed"
    mv "$dir/$channel.block.partial" "$dir/$channel.block"
}

join_channel() {
    local channel=$1 club=$2 dir="$CHANNELS_DIR/$1"
    [ -f "$dir/$club.joined" ] && return
    peer_admin "$club" channel join -b "$dir/$channel.block" || fail_with_log "cli-$club" "peer-$club could not join $channel"
    touch "$dir/$club.joined"
}

set_anchor_peer() {
    local channel=$1 club=$2 dir="$CHANNELS_DIR/$1" msp=${ORG_MSP[$2]}
    [ -f "$dir/$club.anchored" ] && return
    configtxgen -profile "$channel" -channelID "$channel" -asOrg "$msp" -outputAnchorPeersUpdate "$dir/$club-anchor.tx" ||
        fail_with_log configtx "writing $msp's anchor peer update for $channel failed"
    peer_admin_to_orderer "$club" channel update -c "$channel" -f "$dir/$club-anchor.tx" ||
        fail_with_log "cli-$club" "setting $msp's anchor peer on $channel failed"
    touch "$dir/$club.anchored"
}

create_channels() {
    for channel in "${CHANNELS[@]}"; do
        create_channel "$channel"
        for club in ${CHANNEL_CLUBS[$channel]}; do
            join_channel "$channel" "$club"
            set_anchor_peer "$channel" "$club"
        done
        log "channel $channel: ${CHANNEL_CLUBS[$channel]} joined, anchor peers set"
    done
}

# The height of a channel on a club's peer, and the hash of its newest block.
# "<height> <newest block hash>" of a channel on a club's peer; nothing when the peer does not answer.
chain_tip() {
    local channel=$1 club=$2
    is_running "peer-$club" || return 0
    peer_as_admin "$club" channel getinfo -c "$channel" 2>/dev/null | sed -n 's/^Blockchain info: //p' |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{if(s){const i=JSON.parse(s);console.log(`${i.height} ${i.currentBlockHash}`)}})'
}

# A digest of block `number` as a club's peer serves it (fetched from the peer, not the orderer).
block_hash() {
    local channel=$1 club=$2 number=$3 file
    file=$(mktemp)
    peer_as_admin "$club" channel fetch "$number" "$file" -c "$channel" >/dev/null 2>&1 && sha256sum "$file" | cut -c1-16
    rm -f "$file"
}
