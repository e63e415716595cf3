import { CheckInRequest, CheckInRequestId, type Club, EntityId, ErrorCode, MemberNumber, MspId, type Visit, recordedVisitOf } from '@reciprocal-clubs/chaincode/model';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import type { LedgerCall } from '../../ledger.js';
import { ApiError, ApiErrorCode } from '../../errors.js';
import { claimedHomeClub, issueVisitPass, verifyVisitPass } from '../../passes/visit-pass.js';
import { builder } from '../builder.js';
import { optionalArgument, parsedArgument } from '../queries/arguments.js';
import { VisitRef } from '../types/visit.js';
import {
    type Committed,
    callerWithRole,
    channelArgument,
    committedPayload,
    endorsersFor,
    evaluated,
    ledgerInput,
    submitted,
    submittedOnceEndorsersCaughtUp,
} from './committed.js';
import { CheckInInput } from './inputs.js';

const VisitPayload = committedPayload<Visit>('VisitPayload', 'visit', VisitRef, 'A visit as the committed transaction left it.');

const VisitPassRef = builder.objectRef<{ pass: string; expiresAt: Date }>('VisitPass').implement({
    description: 'What a member shows at the host’s door (as a QR code): signed by the home club, valid for minutes, once.',
    fields: (t) => ({
        pass: t.exposeString('pass'),
        expiresAt: t.field({ type: 'DateTime', resolve: (visitPass) => visitPass.expiresAt.toISOString() }),
    }),
});

type CheckInFields = typeof CheckInInput.$inferInput;

/** How a check-in ended: recorded now, or replayed, the visit an earlier attempt with the same client request ID recorded. */
interface CheckInOutcome {
    readonly visit: Visit;
    readonly transactionId: string;
    readonly blockNumber: bigint | null;
    readonly replayed: boolean;
}

const CheckInPayload = builder.objectRef<CheckInOutcome>('CheckInPayload').implement({
    description: 'A visit as its check-in recorded it: by this request, or (replayed) by an earlier one with the same clientRequestId.',
    fields: (t) => ({
        visit: t.field({ type: VisitRef, resolve: (outcome) => outcome.visit }),
        transactionId: t.exposeString('transactionId', { description: 'The check-in transaction that recorded the visit; for a replay, the original one.' }),
        blockNumber: t.field({
            type: 'BigInt',
            nullable: true,
            description: 'The block that holds it; null for a replay (look it up with `transaction(txId)`).',
            resolve: (outcome) => outcome.blockNumber?.toString() ?? null,
        }),
        replayed: t.exposeBoolean('replayed', { description: 'True when an earlier check-in with the same clientRequestId had already recorded the visit: nothing was recorded now.' }),
    }),
});

const mayHaveCommitted: ReadonlySet<string> = new Set([ApiErrorCode.LEDGER_UNAVAILABLE, ApiErrorCode.LEDGER_OUTCOME_UNKNOWN]);

/** The chaincode's request: the client's request ID travels as `requestId`. */
function checkInRequestOf(input: CheckInFields, memberNumber: string): CheckInRequest {
    const { clientRequestId, ...terms } = input;
    const requestId = optionalArgument(CheckInRequestId, clientRequestId, 'input.clientRequestId');
    return ledgerInput(CheckInRequest, { ...terms, memberNumber, ...(requestId === undefined ? {} : { requestId }) }, 'input');
}

/**
 * Checks a member in at the caller's club, naming the clubs whose endorsement the check-in needs. A check-in whose
 * request ID already recorded a visit is answered with that visit, replayed.
 */
async function checkIn(context: ApiContext, caller: Caller, channel: string, memberNumber: string, input: CheckInFields): Promise<CheckInOutcome> {
    const request = checkInRequestOf(input, memberNumber);
    const endorsers = await evaluated<string[]>(context, caller, { channel, transaction: 'Visit:endorsersForCheckIn', args: [memberNumber] });
    const call = { channel, transaction: 'Visit:checkIn', args: [JSON.stringify(request)], endorsingOrganizations: endorsers };
    try {
        const { value, transactionId, blockNumber } = await submittedCheckIn(context, caller, call, request);
        return { visit: value, transactionId, blockNumber, replayed: false };
    } catch (error) {
        const recorded = error instanceof ApiError ? recordedVisitOf(error.message) : undefined;
        if (recorded === undefined) {
            throw error;
        }
        return replayedCheckIn(context, caller, channel, request, recorded);
    }
}

/**
 * Two attempts with one request ID in the same block are not an MVCC conflict: the first sets the new request key's
 * policy, and a peer invalidates a later writer of that key in the block as ENDORSEMENT_POLICY_FAILURE. Submitted
 * once more, the attempt meets DUPLICATE_REQUEST if the other committed, or records the visit if it did not.
 */
async function submittedCheckIn(context: ApiContext, caller: Caller, call: LedgerCall, request: CheckInRequest): Promise<Committed<Visit>> {
    try {
        return await submitted<Visit>(context, caller, call);
    } catch (error) {
        if (request.requestId === undefined || !invalidatedByPolicy(error)) {
            throw error;
        }
        return submitted<Visit>(context, caller, call);
    }
}

function invalidatedByPolicy(error: unknown): boolean {
    return error instanceof ApiError && error.code === ApiErrorCode.ENDORSEMENT_FAILED && error.extensions.reason === 'ENDORSEMENT_POLICY_FAILURE';
}

/** The visit the request ID recorded, read on the caller's peer; a request ID reused for another member is refused. */
async function replayedCheckIn(context: ApiContext, caller: Caller, channel: string, request: CheckInRequest, visitId: string): Promise<CheckInOutcome> {
    const visit = await evaluated<Visit>(context, caller, { channel, transaction: 'Visit:get', args: [visitId] });
    if (visit.memberNumber !== request.memberNumber) {
        throw new ApiError(ApiErrorCode.CONFLICT, `clientRequestId ${request.requestId ?? ''} already checked in another member`, { reason: 'DUPLICATE_REQUEST' });
    }
    return { visit, transactionId: visit.checkedIn.txId, blockNumber: null, replayed: true };
}

/**
 * Closes or cancels a visit at the caller's club: its key, and the usage counters, need home and host. The visit is on
 * the caller's peer; the other party's peer may still be a block behind (a check-out right after the check-in), so its
 * NOT_FOUND is submitted again while it catches up.
 */
async function closeVisit(context: ApiContext, caller: Caller, channel: string, visitId: string, transaction: string): Promise<Committed<Visit>> {
    const id = parsedArgument(EntityId, visitId, 'visitId');
    const visit = await evaluated<Visit>(context, caller, { channel, transaction: 'Visit:get', args: [id] });
    const endorsingOrganizations = await endorsersFor(context, caller, channel, [visit.homeClub, visit.hostClub]);
    return submittedOnceEndorsersCaughtUp(ErrorCode.NOT_FOUND, () => submitted<Visit>(context, caller, { channel, transaction, args: [id], endorsingOrganizations }));
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
        type: CheckInPayload,
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
        type: CheckInPayload,
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
                // A refused check-in gives the pass back; one that may have committed keeps it used: the retry shows a
                // fresh pass with the same clientRequestId.
                if (!(error instanceof ApiError && mayHaveCommitted.has(error.code))) {
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
