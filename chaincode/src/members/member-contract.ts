import { pointOpenVisit } from '../visits/open-visit';
import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { requireActiveClub, requireOwnersAndMajority } from '../clubs/clubs';
import { type CompositeKey, Keys, implicitCollectionOf } from '../ledger/keys';
import { purgesPrivateData } from '../ledger/purge';
import { MspId, PageBookmark, PageSize } from '../model/common';
import { EventName } from '../model/events';
import {
    type Member,
    MemberEnrolment,
    MemberNumber,
    MemberRenewal,
    type MemberSequence,
    type MemberStatus,
    PERSONAL_DATA_TRANSIENT_KEY,
    PersonalDataEnvelope,
} from '../model/member';
import {
    memberNumberFor,
    requireCallerIsHome,
    requireMember,
    requireOwnMember,
    requirePersonalDataHash,
    requireStatus,
} from './members';

@Info({
    title: 'Members',
    description: 'A home club enrols and manages its members; personal data stays, sealed, in its implicit collection.',
})
export class MemberContract extends RecordContract {
    readonly #purges: boolean;

    /** `purges`: whether the peer can purge private data (RCN_PURGE_PRIVATE_DATA, read when the server loads the contracts). */
    constructor(purges: boolean = purgesPrivateData()) {
        super('Member');
        this.#purges = purges;
    }

    @Transaction()
    @Param('enrolment', 'string', 'JSON MemberEnrolment')
    @Returns('string')
    async enrol(ctx: RecordContext, enrolment: string): Promise<string> {
        const { mspId: home } = ctx.requireRole('admin');
        const input = parseArgument(MemberEnrolment, enrolment, 'enrolment');
        if (input.validUntil < ctx.today) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `enrolment.validUntil ${input.validUntil} is before ${ctx.today}`);
        }
        const club = await requireActiveClub(ctx, home);
        const sequence = (await ctx.state.get<MemberSequence>(Keys.memberSequence(home)))?.next ?? 1;
        const memberNumber = memberNumberFor(club.memberPrefix, sequence);
        const key = Keys.member(home, memberNumber);
        if (await ctx.state.exists(key)) {
            throw new ChaincodeError(ErrorCode.ALREADY_EXISTS, `member ${memberNumber} already exists`);
        }

        const stamp = ctx.stamp();
        const member: Member = { ...input, memberNumber, homeClub: home, status: 'PENDING', enrolled: stamp, updated: stamp };
        await ctx.state.put(key, member);
        await ctx.state.put(Keys.memberSequence(home), { next: sequence + 1 } satisfies MemberSequence);
        await pointOpenVisit(ctx, memberNumber, null);
        await requireOwnersAndMajority(ctx, [key, Keys.openVisit(memberNumber)], [home]);
        ctx.emit(EventName.MemberEnrolled, [home], [{ kind: 'member', value: member }]);
        return JSON.stringify(member);
    }

    /**
     * Writes only the home club's implicit collection, so the home club alone endorses it
     * and the personal record never reaches another club's peer. The record comes sealed by the home club's
     * API: the chaincode checks the envelope's shape and stores it as it is; it never sees the plaintext.
     */
    @Transaction()
    @Param('memberNumber', 'string', 'member number; the sealed record comes in the transient map as personalData')
    @Returns('string')
    async recordPersonalData(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const personalData = personalDataOf(ctx);
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, ['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED'], 'have personal data recorded');

        await ctx.state.putPrivate(implicitCollectionOf(home), key, personalData);
        // The public record, unchanged, names the member: the personal record itself never leaves the home club.
        ctx.emit(EventName.PersonalDataRecorded, [home], [{ kind: 'member', value: member }]);
        return JSON.stringify({ memberNumber: number });
    }

    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async activate(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, ['PENDING'], 'become ACTIVE by activation');
        const personalDataHash = await requirePersonalDataHash(ctx, member, key);
        return save(ctx, home, key, { ...member, status: 'ACTIVE', personalDataHash }, EventName.MemberStatusChanged);
    }

    /** Publishes the hash of a personal record recorded again after activation. */
    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async attestPersonalData(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, ['ACTIVE', 'SUSPENDED', 'EXPIRED'], 'have personal data attested');
        const personalDataHash = await requirePersonalDataHash(ctx, member, key);
        return save(ctx, home, key, { ...member, personalDataHash }, EventName.MemberUpdated);
    }

    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async suspend(ctx: RecordContext, memberNumber: string): Promise<string> {
        return this.#changeStatus(ctx, memberNumber, ['ACTIVE'], 'SUSPENDED');
    }

    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async reinstate(ctx: RecordContext, memberNumber: string): Promise<string> {
        return this.#changeStatus(ctx, memberNumber, ['SUSPENDED'], 'ACTIVE');
    }

    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async terminate(ctx: RecordContext, memberNumber: string): Promise<string> {
        return this.#changeStatus(ctx, memberNumber, ['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED'], 'TERMINATED');
    }

    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async expire(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, ['ACTIVE', 'SUSPENDED'], 'become EXPIRED');
        if (member.validUntil >= ctx.today) {
            throw new ChaincodeError(
                ErrorCode.INVALID_TRANSITION,
                `member ${number} is valid until ${member.validUntil} and cannot go from ${member.status} to EXPIRED before then`,
            );
        }
        return save(ctx, home, key, { ...member, status: 'EXPIRED' }, EventName.MemberStatusChanged);
    }

    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Param('renewal', 'string', 'JSON MemberRenewal')
    @Returns('string')
    async renew(ctx: RecordContext, memberNumber: string, renewal: string): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const input = parseArgument(MemberRenewal, renewal, 'renewal');
        if (input.validUntil < ctx.today) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `renewal.validUntil ${input.validUntil} is before ${ctx.today}`);
        }
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, ['ACTIVE', 'EXPIRED'], 'be renewed');
        const renewed: Member = { ...member, ...input, status: 'ACTIVE' };
        const event = member.status === 'ACTIVE' ? EventName.MemberUpdated : EventName.MemberStatusChanged;
        return save(ctx, home, key, renewed, event);
    }

    /**
     * Erasure on request: the public record stays, TERMINATED; the sealed record is deleted, and purged from the
     * peers' private data history where the peer can purge (Fabric ≥ 2.5). Where it cannot, the home club's API
     * destroys the member's data key once this commits, which leaves the copies that stay unreadable.
     * Erasing again is allowed, so an API that failed to destroy the key can simply retry.
     */
    @Transaction()
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async erasePersonalData(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, ['TERMINATED'], 'have personal data erased before it is TERMINATED');

        const collection = implicitCollectionOf(home);
        await ctx.state.deletePrivate(collection, key);
        if (this.#purges) {
            await ctx.state.purgePrivate(collection, key);
        }
        ctx.emit(EventName.PersonalDataErased, [home], [{ kind: 'member', value: member }]);
        return JSON.stringify({ memberNumber: number });
    }

    @Transaction(false)
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async get(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await requireMember(ctx, parseValue(MemberNumber, memberNumber, 'memberNumber')));
    }

    @Transaction(false)
    @Param('mspId', 'string', 'MSP ID of the home club')
    @Param('pageSize', 'string', 'members per page, 1 to 200')
    @Param('bookmark', 'string', 'bookmark of the previous page; empty for the first')
    @Returns('string')
    async listByClub(ctx: RecordContext, mspId: string, pageSize: string, bookmark: string): Promise<string> {
        ctx.requireReader();
        const home = parseValue(MspId, mspId, 'mspId');
        const size = parseValue(PageSize, pageSize, 'pageSize');
        const after = parseValue(PageBookmark, bookmark, 'bookmark');
        return JSON.stringify(await ctx.state.page<Member>(Keys.membersOf(home), size, after));
    }

    /** Only the home club's admins and staff see the sealed personal record, and only from its own peers. */
    @Transaction(false)
    @Param('memberNumber', 'string', 'member number')
    @Returns('string')
    async readPersonalData(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireRole('admin', 'staff');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const { home, key } = await requireCallerIsHome(ctx, number);
        const personalData = await ctx.state.getPrivate<PersonalDataEnvelope>(implicitCollectionOf(home), key);
        if (personalData === undefined) {
            throw new ChaincodeError(ErrorCode.NOT_FOUND, `member ${number} has no personal record at ${home}`);
        }
        return JSON.stringify(personalData);
    }

    async #changeStatus(ctx: RecordContext, memberNumber: string, from: readonly MemberStatus[], to: MemberStatus): Promise<string> {
        ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const { home, key, member } = await requireOwnMember(ctx, number);
        requireStatus(member, from, `become ${to}`);
        return save(ctx, home, key, { ...member, status: to }, EventName.MemberStatusChanged);
    }
}

/** The sealed personal record from the transient map: it never travels in arguments, which every peer and block keep. */
function personalDataOf(ctx: RecordContext): PersonalDataEnvelope {
    const bytes = ctx.stub.getTransient().get(PERSONAL_DATA_TRANSIENT_KEY);
    if (bytes === undefined || bytes.length === 0) {
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `the transient map carries no ${PERSONAL_DATA_TRANSIENT_KEY}`);
    }
    return parseArgument(PersonalDataEnvelope, Buffer.from(bytes).toString('utf8'), PERSONAL_DATA_TRANSIENT_KEY);
}

/** Writes a changed public record, stamped, and emits its one event. */
async function save(ctx: RecordContext, home: string, key: CompositeKey, changed: Member, event: EventName): Promise<string> {
    const member: Member = { ...changed, updated: ctx.stamp() };
    await ctx.state.put(key, member);
    ctx.emit(event, [home], [{ kind: 'member', value: member }]);
    return JSON.stringify(member);
}
