import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import * as fabricProtos from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { type ClubConnection, type NetworkProfile, clubProfileUpdate, connectAs, ensureClubsRegistered, loadNetworkProfile, movedClubProfile, utf8 } from '../support/network';

const { TxValidationCode } = fabricProtos.peer;
const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const METRO = 'MetroMSP';

/**
 * The ledger through @hyperledger/fabric-gateway's own API and our Gateway service, on the real Fabric
 * 2.1.1 network that ./test-network.sh runs: real peers, orderer, chaincode servers and policies.
 */
describe('the ledger network through the Gateway service', function () {
    this.timeout(120_000);
    const profile: NetworkProfile = loadNetworkProfile();
    const connections = new Map<string, ClubConnection>();
    const as = (mspId: string, role: string): ClubConnection => {
        const key = `${mspId}/${role}`;
        let connection = connections.get(key);
        if (connection === undefined) {
            connection = connectAs(profile, mspId, role);
            connections.set(key, connection);
        }
        return connection;
    };

    before(() => ensureClubsRegistered(profile));
    after(() => {
        for (const connection of connections.values()) connection.close();
    });

    for (const [channel, members] of Object.entries({ atlantic: [HARBOUR, ALPINE, METRO], alps: [ALPINE, METRO] })) {
        for (const mspId of members) {
            it(`${mspId} submits on ${channel} and another club's peer returns the value`, async () => {
                const city = `City ${randomUUID().slice(0, 8)}`;
                const contract = as(mspId, 'admin').contract(channel);
                await contract.submitTransaction('Club:updateProfile', await movedClubProfile(contract, mspId, city));

                // The commit status came from the submitter's peer; the reader's may validate that block a moment later.
                const reader = as(members.find((other) => other !== mspId) ?? mspId, 'auditor').contract(channel);
                const cityOnReader = async (): Promise<string> => (JSON.parse(utf8(await reader.evaluateTransaction('Club:get', mspId))) as { city: string }).city;
                let seen = await cityOnReader();
                for (let tries = 0; seen !== city && tries < 50; tries += 1) {
                    await sleep(100);
                    seen = await cityOnReader();
                }
                expect(seen).to.equal(city);
            });
        }
    }

    it('submitAsync returns before the commit, and getStatus reports the block it committed in', async () => {
        const contract = as(ALPINE, 'admin').contract('alps');
        const height = await channelHeight(as(ALPINE, 'auditor'), 'alps');
        const commit = await contract.submitAsync('Club:updateProfile', { arguments: [await movedClubProfile(contract, ALPINE, 'Chur')] });
        expect(JSON.parse(utf8(commit.getResult()))).to.include({ city: 'Chur', mspId: ALPINE });
        const status = await commit.getStatus();
        expect(status.successful).to.equal(true);
        expect(status.code).to.equal(TxValidationCode.VALID);
        expect(status.blockNumber >= height).to.equal(true);
        expect(status.transactionId).to.equal(commit.getTransactionId());
    });

    it('the role in the certificate (club.role) reaches the chaincode: staff may not edit the club, and the refusal names the peer', async () => {
        const refusal = await as(HARBOUR, 'staff')
            .contract('atlantic')
            .submitTransaction('Club:updateProfile', clubProfileUpdate(HARBOUR, 'Portsmouth'))
            .catch((error: unknown) => error);
        expect(refusal).to.be.instanceOf(EndorseError);
        const details = (refusal as EndorseError).details;
        expect(details).to.have.length.greaterThan(0);
        expect(details[0]?.mspId).to.equal(HARBOUR);
        expect(details[0]?.address).to.equal(profile.clubs[HARBOUR]?.peer.endpoint);
        expect(details[0]?.message).to.contain('FORBIDDEN');
    });

    it('Harbour, not a member of alps, can neither submit to it nor read it', async () => {
        const harbour = as(HARBOUR, 'admin').contract('alps');
        const submitted = await harbour.submitTransaction('Club:updateProfile', clubProfileUpdate(HARBOUR, 'Poole')).catch((e: unknown) => e);
        expect(submitted).to.be.instanceOf(GatewayError);
        const read = await harbour.evaluateTransaction('Club:list').catch((e: unknown) => e);
        expect(read).to.be.instanceOf(GatewayError);
        const clubs = JSON.parse(utf8(await as(ALPINE, 'auditor').contract('alps').evaluateTransaction('Club:list'))) as { mspId: string }[];
        expect(clubs.map((club) => club.mspId)).not.to.include(HARBOUR);
    });

    it('on atlantic a transaction endorsed by one club alone is invalidated (ENDORSEMENT_POLICY_FAILURE) and changes nothing', async () => {
        const contract = as(HARBOUR, 'admin').contract('atlantic');
        const before = utf8(await contract.evaluateTransaction('Club:get', HARBOUR));
        const failure = await contract
            .submit('Club:updateProfile', { arguments: [clubProfileUpdate(HARBOUR, 'Solent')], endorsingOrganizations: [HARBOUR] })
            .catch((error: unknown) => error);
        expect(failure).to.be.instanceOf(CommitError);
        expect((failure as CommitError).code).to.equal(TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
        expect(utf8(await as(METRO, 'auditor').contract('atlantic').evaluateTransaction('Club:get', HARBOUR))).to.equal(before);
    });

    it('two transactions reading and writing one key in one block: the second is MVCC_READ_CONFLICT', async () => {
        const contract = as(METRO, 'admin').contract('atlantic');
        const proposals = await Promise.all(
            ['Soho', 'Camden'].map(async (city) => contract.newProposal('Club:updateProfile', { arguments: [await movedClubProfile(contract, METRO, city)] })),
        );
        const endorsed = await Promise.all(proposals.map((proposal) => proposal.endorse()));
        // One after the other, well within the orderer's batch timeout: both are cut into one block, in order.
        const submitted = [];
        for (const transaction of endorsed) submitted.push(await transaction.submit());
        const statuses = await Promise.all(submitted.map((commit) => commit.getStatus()));
        expect(statuses[0]?.blockNumber).to.equal(statuses[1]?.blockNumber);
        expect(statuses.map((status) => status.code)).to.deep.equal([TxValidationCode.VALID, TxValidationCode.MVCC_READ_CONFLICT]);
        const club = JSON.parse(utf8(await contract.evaluateTransaction('Club:get', METRO))) as { city: string };
        expect(club.city).to.equal('Soho');
    });
});

async function channelHeight(connection: ClubConnection, channel: string): Promise<bigint> {
    const qscc = connection.network(channel).getContract('qscc');
    const info = fabricProtos.common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction('GetChainInfo', channel));
    return BigInt(info.getHeight());
}
