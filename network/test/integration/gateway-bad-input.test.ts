import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { CHAINCODE, type ClubConnection, connectAs, ensureClubsRegistered, loadNetworkProfile } from '../support/network';

const ALPINE = 'AlpineMSP';
const HARBOUR = 'HarbourMSP';

function grpcCode(error: unknown): number | undefined {
    return (error as { code?: number }).code;
}

/** Bad input to the real Gateway service gets a gRPC error, and the service keeps serving. */
describe('the Gateway service refuses bad input and stays up', function () {
    this.timeout(60_000);
    const profile = loadNetworkProfile();
    let alpine: ClubConnection;
    const stillServes = async (): Promise<void> => {
        const clubs = await alpine.contract('alps').evaluateTransaction('Club:list');
        expect(clubs.length).to.be.greaterThan(0);
    };

    before(async () => {
        await ensureClubsRegistered(profile);
        alpine = connectAs(profile, ALPINE, 'admin');
    });
    after(() => { alpine.close(); });

    for (const method of ['Evaluate', 'Endorse', 'Submit', 'CommitStatus', 'ChaincodeEvents']) {
        it(`garbage bytes to ${method}`, async () => {
            const gateway = profile.clubs[ALPINE]?.gateway;
            if (gateway === undefined) throw new Error('no gateway endpoint for AlpineMSP');
            const client = new grpc.Client(gateway.endpoint, grpc.credentials.createSsl(readFileSync(gateway.tlsRootCertPath)), {
                'grpc.ssl_target_name_override': gateway.hostAlias ?? '',
            });
            const garbage = Buffer.from('\xff\x00 not a protobuf message \x01\x02\x03', 'latin1');
            const passThrough = (bytes: Buffer): Buffer => bytes;
            const error = await new Promise<unknown>((resolve) => {
                const path = `/gateway.Gateway/${method}`;
                if (method === 'ChaincodeEvents') {
                    const stream = client.makeServerStreamRequest(path, passThrough, passThrough, garbage);
                    stream.on('error', resolve);
                    stream.on('data', () => { resolve(new Error('a stream of events for garbage')); });
                } else {
                    client.makeUnaryRequest(path, passThrough, passThrough, garbage, (err) => { resolve(err); });
                }
            });
            client.close();
            // As with Fabric's own gateway (grpc-go), a request that does not decode fails with INTERNAL.
            expect(grpcCode(error)).to.equal(grpc.status.INTERNAL);
            await stillServes();
        });
    }

    it('an unknown channel', async () => {
        const error = await alpine.gateway.getNetwork('no-such-channel').getContract(CHAINCODE).evaluateTransaction('Club:list').catch((e: unknown) => e);
        expect(error).to.be.instanceOf(GatewayError);
        await stillServes();
    });

    it('a commit-status request whose signature is forged', async () => {
        const contract = alpine.contract('alps');
        const proposal = contract.newProposal('Club:list');
        const transaction = await proposal.endorse();
        const commit = await transaction.submit();
        const signature = commit.getDigest().slice().reverse();
        const forged = alpine.gateway.newSignedCommit(commit.getBytes(), signature);
        const error = await forged.getStatus().catch((e: unknown) => e);
        expect(error).to.be.instanceOf(GatewayError);
        expect((error as GatewayError).code).to.equal(grpc.status.PERMISSION_DENIED);
        expect((await commit.getStatus()).successful).to.equal(true);
    });

    it("chaincode events of a channel the caller is not in (Harbour's identity on Alpine's gateway, alps)", async () => {
        const harbour = connectAs(profile, HARBOUR, 'admin', ALPINE);
        try {
            const events = await harbour.network('alps').getChaincodeEvents(CHAINCODE, { startBlock: 0n });
            const error = await (async () => {
                try {
                    for await (const _ of events) return new Error('Harbour received an event of alps');
                } catch (e) {
                    return e;
                }
            })();
            events.close();
            expect(error).to.be.instanceOf(GatewayError);
            expect((error as GatewayError).code).to.equal(grpc.status.PERMISSION_DENIED);
        } finally {
            harbour.close();
        }
        await stillServes();
    });
});
