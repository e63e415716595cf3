import { LOCAL_NETWORK_PROFILE, connectToGateway, loadNetworkProfile } from '@reciprocal-clubs/ledger-connection';
import { serveParent } from './child-main.js';

/**
 * A child process that listens to a club's peer itself (filtered block events through @hyperledger/fabric-gateway,
 * straight to the peer's DeliverFiltered, as the club's auditor) and notes when each block arrives. A Fabric 2.1 peer
 * hands a block to its Deliver streams only once the block is committed (kvledger's block iterator waits for the
 * commit's lock: block store, state and history databases), so the arrival is the commit as seen from outside the
 * peer. Its own process, so neither the load nor the indexer's event loop delays a timestamp.
 */

export interface ListenerJob {
    readonly club: string;
    readonly channel: string;
    /** Decimal: a block already committed, whose delivery shows that the stream is open. */
    readonly startBlock: string;
}

/** Sent when the start block arrived: every later block is heard as it is committed. */
export interface Listening {
    readonly listening: true;
}

/** The parent's word to stop listening. */
export interface StopListening {
    readonly stop: true;
}

export interface Heard {
    /** `[block, process.hrtime.bigint() when it arrived]` for each block after the start block, as decimals. */
    readonly committedAt: readonly (readonly [string, string])[];
}

/** The first message: the final one, Heard, is serveParent's. */
function sendListening(): void {
    process.send?.({ listening: true } satisfies Listening);
}

async function listen(job: ListenerJob): Promise<Heard> {
    const profile = loadNetworkProfile(process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE);
    const club = profile.clubs[job.club];
    const auditor = club?.identities.auditor;
    if (club === undefined || auditor === undefined) {
        throw new Error(`the network profile names no ${job.club} auditor identity`);
    }
    const connection = await connectToGateway({ mspId: job.club, gateway: club.peer, identities: { auditor } });
    const startBlock = BigInt(job.startBlock);
    const committedAt: (readonly [string, string])[] = [];
    const blocks = await connection.as('auditor').getNetwork(job.channel).getFilteredBlockEvents({ startBlock });
    const stopped = new AbortController();
    process.on('message', (_: StopListening) => {
        stopped.abort();
        blocks.close();
    });
    try {
        for await (const block of blocks) {
            const at = process.hrtime.bigint();
            const number = BigInt(block.getNumber());
            if (number === startBlock) {
                sendListening();
            } else {
                committedAt.push([number.toString(), at.toString()]);
            }
        }
    } catch (error) {
        // Closing the stream cancels its call.
        if (!stopped.signal.aborted) throw error;
    } finally {
        connection.close();
    }
    return { committedAt };
}

serveParent('the commit listener', listen);
