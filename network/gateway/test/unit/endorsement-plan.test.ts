import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { interestFromResults, planForOrganizations, selectLayout } from '../../src/endorsement-plan.js';
import type { GatewayRpcError } from '../../src/error-detail.js';
import type { EndorsementDescriptor, PeerInfo } from '../../src/registry.js';
import { readWriteSet } from './fixtures.js';

const peerOf = (mspId: string, address: string, ledgerHeight = 10): PeerInfo => ({ mspId, address, ledgerHeight, chaincodes: ['cc'], identity: new Uint8Array() });
const harbour = peerOf('HarbourMSP', 'harbour:1');
const harbour2 = peerOf('HarbourMSP', 'harbour:2', 12);
const alpine = peerOf('AlpineMSP', 'alpine:1');
const metro = peerOf('MetroMSP', 'metro:1', 20);

/** MAJORITY of three clubs, as discovery describes it: one group per club, layouts of two groups. */
const majority: EndorsementDescriptor = {
    chaincode: 'cc',
    groups: new Map([
        ['G0', [harbour, harbour2]],
        ['G1', [alpine]],
        ['G2', [metro]],
    ]),
    layouts: [new Map([['G1', 1], ['G2', 1]]), new Map([['G0', 1], ['G1', 1]]), new Map([['G0', 1], ['G2', 1]])],
};

function failure(fn: () => unknown): GatewayRpcError {
    try {
        fn();
    } catch (error) {
        return error as GatewayRpcError;
    }
    throw new Error('expected a failure');
}

describe('endorsement plan', () => {
    describe('named organizations', () => {
        const byOrg = new Map([
            ['HarbourMSP', [harbour2, harbour]],
            ['MetroMSP', [metro]],
        ]);

        it('takes exactly one peer per named organization, preferring the local peer', () => {
            expect(planForOrganizations(byOrg, ['MetroMSP', 'HarbourMSP'], 'harbour:1')).to.deep.equal([metro, harbour]);
            expect(planForOrganizations(byOrg, ['HarbourMSP', 'HarbourMSP'])).to.deep.equal([harbour2]);
        });

        it('is UNAVAILABLE naming organizations without a peer', () => {
            const error = failure(() => planForOrganizations(byOrg, ['HarbourMSP', 'AlpineMSP', 'NopeMSP']));
            expect(error.code).to.equal(status.UNAVAILABLE);
            expect(error.message).to.equal('failed to find any endorsing peers for org(s): AlpineMSP, NopeMSP');
        });
    });

    describe('layout selection', () => {
        it('completes a layout that uses the endorsement already collected with one more peer', () => {
            const choice = selectLayout(majority, harbour);
            expect(choice.additional).to.have.length(1);
            expect(choice.layout.has('G0')).to.equal(true);
            expect(choice.additional[0]?.mspId).to.not.equal('HarbourMSP');
        });

        it('prefers the highest ledger in a group and never counts one peer twice', () => {
            const twoHarbour: EndorsementDescriptor = { ...majority, layouts: [new Map([['G0', 2]])] };
            expect(selectLayout(twoHarbour, harbour).additional).to.deep.equal([harbour2]);
            expect(selectLayout(twoHarbour).additional).to.deep.equal([harbour2, harbour]);
        });

        it('picks the layout with the fewest extra peers', () => {
            const descriptor: EndorsementDescriptor = { ...majority, layouts: [new Map([['G1', 1], ['G2', 1], ['G0', 1]]), new Map([['G0', 1], ['G2', 1]])] };
            const choice = selectLayout(descriptor, harbour);
            expect(choice.additional).to.deep.equal([metro]);
        });

        it('without an endorsement in hand, needs a full layout', () => {
            expect(selectLayout(majority).additional).to.deep.equal([alpine, metro]);
        });

        it('is FAILED_PRECONDITION when no layout can be filled', () => {
            const sparse: EndorsementDescriptor = { chaincode: 'cc', groups: new Map([['G0', [harbour]], ['G1', []]]), layouts: [new Map([['G0', 1], ['G1', 1]])] };
            const error = failure(() => selectLayout(sparse, harbour));
            expect(error.code).to.equal(status.FAILED_PRECONDITION);
            expect(error.message).to.match(/no combination of peers can be derived which satisfy the endorsement policy/);
        });
    });

    describe('chaincode interest from the read-write set', () => {
        it('names the invoked chaincode and the private collections it wrote', () => {
            const results = readWriteSet({ cc: { writes: ['k'], collections: ['_implicit_org_HarbourMSP', 'shared'] } });
            expect(interestFromResults('cc', results)).to.deep.equal([{ chaincode: 'cc', collections: ['_implicit_org_HarbourMSP', 'shared'] }]);
        });

        it('adds other namespaces only when they were written', () => {
            const results = readWriteSet({ cc: { reads: ['k'] }, other: { writes: ['x'] }, readonly: { reads: ['y'] } });
            expect(interestFromResults('cc', results)).to.deep.equal([
                { chaincode: 'cc', collections: [] },
                { chaincode: 'other', collections: [] },
            ]);
        });

        it('falls back to the chaincode alone for an empty read-write set', () => {
            expect(interestFromResults('cc', new Uint8Array())).to.deep.equal([{ chaincode: 'cc', collections: [] }]);
        });
    });
});
