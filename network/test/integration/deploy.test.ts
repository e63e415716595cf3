import { expect } from 'chai';
import { connectAs, ensureClubsRegistered, loadNetworkProfile, movedClubProfile, testNetwork } from '../support/network';

/** `./test-network.sh deploy`: the next version, at the next sequence on every channel, serving at once. */
describe('./test-network.sh deploy', function () {
    this.timeout(240_000);
    const profile = loadNetworkProfile();

    it('commits the chaincode at the next sequence on both channels and the new servers endorse', async () => {
        await ensureClubsRegistered(profile);
        const committed = (output: string): Record<string, number> =>
            Object.fromEntries([...output.matchAll(/committed on (\w+) \(sequence (\d+)\)/g)].map((m): [string, number] => [m[1] ?? '', Number(m[2])]));

        const first = committed(await testNetwork('deploy'));
        const second = committed(await testNetwork('deploy'));
        expect(Object.keys(second).sort()).to.deep.equal(['alps', 'atlantic']);
        for (const channel of ['alps', 'atlantic']) expect(second[channel]).to.equal((first[channel] ?? 0) + 1);

        for (const [channel, mspId] of [['atlantic', 'HarbourMSP'], ['alps', 'MetroMSP']] as const) {
            const connection = connectAs(profile, mspId, 'admin');
            try {
                const contract = connection.contract(channel);
                await contract.submitTransaction('Club:updateProfile', await movedClubProfile(contract, mspId, 'Redeployed'));
            } finally {
                connection.close();
            }
        }
    });
});
