import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { currentRules } from '../governance/rules';
import { Keys } from '../ledger/keys';
import { type Club, ClubProfile, ClubRegistration } from '../model/club';
import { MspId } from '../model/common';
import { EventName } from '../model/events';
import { channelClubs, requireClub } from './clubs';


@Info({ title: 'Clubs', description: 'Clubs register and edit themselves: the submitting MSP is the club.' })
export class ClubContract extends RecordContract {
    constructor() {
        super('Club');
    }

    @Transaction()
    @Param('registration', 'string', 'JSON ClubRegistration')
    @Returns('string')
    async register(ctx: RecordContext, registration: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const input = parseArgument(ClubRegistration, registration, 'registration');
        if (await ctx.state.exists(Keys.club(mspId))) {
            throw new ChaincodeError(ErrorCode.ALREADY_EXISTS, `club ${mspId} is already registered`);
        }
        const prefixOwner = await ctx.state.get<string>(Keys.memberPrefix(input.memberPrefix));
        if (prefixOwner !== undefined) {
            throw new ChaincodeError(ErrorCode.ALREADY_EXISTS, `member prefix ${input.memberPrefix} belongs to ${prefixOwner}`);
        }
        await this.#useAdmission(ctx, mspId);

        const stamp = ctx.stamp();
        const club: Club = { ...input, mspId, status: 'ACTIVE', registered: stamp, updated: stamp };
        await ctx.state.put(Keys.club(mspId), club);
        await ctx.state.put(Keys.memberPrefix(input.memberPrefix), mspId);
        ctx.emit(EventName.ClubRegistered, [mspId], [{ kind: 'club', value: club }]);
        return JSON.stringify(club);
    }

    @Transaction()
    @Param('profile', 'string', 'JSON ClubProfile')
    @Returns('string')
    async updateProfile(ctx: RecordContext, profile: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const input = parseArgument(ClubProfile, profile, 'profile');
        const club: Club = { ...(await requireClub(ctx, mspId)), ...input, updated: ctx.stamp() };
        await ctx.state.put(Keys.club(mspId), club);
        ctx.emit(EventName.ClubUpdated, [mspId], [{ kind: 'club', value: club }]);
        return JSON.stringify(club);
    }

    @Transaction(false)
    @Param('mspId', 'string', 'MSP ID of the club')
    @Returns('string')
    async get(ctx: RecordContext, mspId: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await requireClub(ctx, parseValue(MspId, mspId, 'mspId')));
    }

    @Transaction(false)
    @Returns('string')
    async list(ctx: RecordContext): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await channelClubs(ctx));
    }

    /**
     * Once the consortium requires admission, only a club admitted by a passed ADMIT_CLUB proposal may
     * register. Registering uses the admission up, whether or not it was required.
     */
    async #useAdmission(ctx: RecordContext, mspId: string): Promise<void> {
        const admitted = await ctx.state.exists(Keys.admission(mspId));
        if (!admitted && (await currentRules(ctx)).admissionRequired) {
            throw new ChaincodeError(ErrorCode.FORBIDDEN, `club ${mspId} has not been admitted by the consortium`);
        }
        if (admitted) {
            await ctx.state.delete(Keys.admission(mspId));
        }
    }
}
