import { CheckInRequest, type Club, EntityId, MemberNumber, MspId, type Visit } from '@reciprocal-clubs/chaincode/model';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { ApiError, ApiErrorCode } from '../../errors.js';
import { claimedHomeClub, issueVisitPass, verifyVisitPass } from '../../passes/visit-pass.js';
import { builder } from '../builder.js';
import { parsedArgument } from '../queries/arguments.js';
import { VisitRef } from '../types/visit.js';
import { type Committed, callerWithRole, channelArgument, committedPayload, endorsersFor, evaluated, ledgerInput, submitted } from './committed.js';
import { CheckInInput } from './inputs.js';

const VisitPayload = committedPayload<Visit>('VisitPayload', 'visit', VisitRef, 'A visit as the committed transaction left it.');

const VisitPassRef = builder.objectRef<{ pass: string; expiresAt: Date }>('VisitPass').implement({
    description: 'What a member shows at the host’s door (as a QR code): signed by the home club, valid for minutes, once.',
    fields: (t) => ({
        pass: t.exposeString('pass'),
        expiresAt: t.field({ type: 'DateTime', resolve: (visitPass) => visitPass.expiresAt.toISOString() }),
    }),
});

/** Checks a member in at the caller's club, naming the clubs whose endorsement the check-in needs. */
async function checkIn(context: ApiContext, caller: Caller, channel: string, memberNumber: string, input: unknown): Promise<Committed<Visit>> {
    const request = ledgerInput(CheckInRequest, { ...(input as object), memberNumber }, 'input');
    const endorsers = await evaluated<string[]>(context, caller, { channel, transaction: 'Visit:endorsersForCheckIn', args: [memberNumber] });
    return submitted<Visit>(context, caller, { channel, transaction: 'Visit:checkIn', args: [JSON.stringify(request)], endorsingOrganizations: endorsers });
}

/** Closes or cancels a visit at the caller's club: its key, and the usage counters, need home and host. */
async function closeVisit(context: ApiContext, caller: Caller, channel: string, visitId: string, transaction: string): Promise<Committed<Visit>> {
    const id = parsedArgument(EntityId, visitId, 'visitId');
    const visit = await evaluated<Visit>(context, caller, { channel, transaction: 'Visit:get', args: [id] });
    return submitted<Visit>(context, caller, {
        channel,
        transaction,
        args: [id],
        endorsingOrganizations: await endorsersFor(context, caller, channel, [visit.homeClub, visit.hostClub]),
    });
}

builder.queryFields((t) => ({
    visitPass: t.field({
        type: VisitPassRef,
        description: 'A fresh visit pass for the calling member, signed with the home club’s pass key.',
        args: { channel: t.arg.string({ required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'member');
            const signingKey = await context.services.passSigningKeys(caller.club);
            if (signingKey === undefined || caller.memberNumber === undefined) {
                throw new ApiError('FORBIDDEN', `this API holds no pass key for ${caller.club}`);
            }
            const { pass, claims } = await issueVisitPass({ memberNumber: caller.memberNumber, homeClub: caller.club, channel: channelArgument(args.channel), signingKey });
            return { pass, expiresAt: claims.expiresAt };
        },
    }),
}));

builder.mutationFields((t) => ({
    checkIn: t.field({
        type: VisitPayload,
        description: 'Checks a visiting member in at the caller’s club by member number (staff, admin).',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
            input: t.arg({ type: CheckInInput, required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'staff', 'admin');
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            return checkIn(context, caller, channelArgument(args.channel), memberNumber, args.input);
        },
    }),
    checkInByPass: t.field({
        type: VisitPayload,
        description:
            'Checks a member in by the visit pass they show: verified against the key their home club published on the ledger; a forged, expired or reused pass is refused before any transaction (staff, admin).',
        args: {
            channel: t.arg.string({ required: true }),
            pass: t.arg.string({ required: true }),
            input: t.arg({ type: CheckInInput, required: true }),
        },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'staff', 'admin');
            const channel = channelArgument(args.channel);
            const homeClub = claimedHomeClub(args.pass);
            const home = await evaluated<Club>(context, caller, { channel, transaction: 'Club:get', args: [parsedArgument(MspId, homeClub, 'pass')] });
            const claims = await verifyVisitPass(args.pass, home.passPublicKey, channel);
            // A club's key vouches for its own members only: their numbers carry its prefix.
            if (!claims.memberNumber.startsWith(home.memberPrefix)) {
                throw new ApiError('FORBIDDEN', `the visit pass names a member who is not of ${home.mspId}`, { reason: 'VISIT_PASS_INVALID' });
            }
            await context.services.usedVisitPasses.claim(claims, caller.club);
            try {
                return await checkIn(context, caller, channel, claims.memberNumber, args.input);
            } catch (error) {
                // A refused check-in gives the pass back; an unreachable ledger may still have committed it.
                if (!(error instanceof ApiError && error.code === ApiErrorCode.LEDGER_UNAVAILABLE)) {
                    await context.services.usedVisitPasses.release(claims);
                }
                throw error;
            }
        },
    }),
    checkOut: t.field({
        type: VisitPayload,
        description: 'Checks a member out (staff, admin of the host club).',
        args: { channel: t.arg.string({ required: true }), visitId: t.arg.string({ required: true }) },
        resolve: (_, args, context) => closeVisit(context, callerWithRole(context, 'staff', 'admin'), channelArgument(args.channel), args.visitId, 'Visit:checkOut'),
    }),
    cancelVisit: t.field({
        type: VisitPayload,
        description: 'Undoes a check-in made in error: no fee, the allowance given back (staff, admin of the host club).',
        args: { channel: t.arg.string({ required: true }), visitId: t.arg.string({ required: true }) },
        resolve: (_, args, context) => closeVisit(context, callerWithRole(context, 'staff', 'admin'), channelArgument(args.channel), args.visitId, 'Visit:cancel'),
    }),
}));
