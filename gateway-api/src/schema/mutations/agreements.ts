import { type Agreement, AgreementTerms, EntityId, MspId } from '@reciprocal-clubs/chaincode/model';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { builder } from '../builder.js';
import { parsedArgument } from '../queries/arguments.js';
import { AgreementRef } from '../types/agreement.js';
import { type Committed, callerWithRole, channelArgument, committedPayload, endorsersFor, evaluated, ledgerInput, submitted } from './committed.js';
import { AgreementTermsInput } from './inputs.js';

const AgreementPayload = committedPayload<Agreement>('AgreementPayload', 'agreement', AgreementRef, 'An agreement as the committed transaction left it.');

const AgreementChange = builder.enumType('AgreementChange', {
    values: {
        ACCEPT: { value: 'accept' },
        REJECT: { value: 'reject' },
        SUSPEND: { value: 'suspend' },
        RESUME: { value: 'resume' },
        TERMINATE: { value: 'terminate' },
        EXPIRE: { value: 'expire' },
        ACCEPT_AMENDMENT: { value: 'acceptAmendment' },
        REJECT_AMENDMENT: { value: 'rejectAmendment' },
    } as const,
});

/**
 * A change to an existing agreement. Once active, its key needs both clubs (and a majority): discovery
 * cannot plan that, so both are named, read from the ledger rather than the possibly lagging index.
 */
async function changeAgreement(
    context: ApiContext,
    caller: Caller,
    channel: string,
    agreementId: string,
    transaction: string,
    extraArgs: readonly string[] = [],
): Promise<Committed<Agreement>> {
    const id = parsedArgument(EntityId, agreementId, 'agreementId');
    const current = await evaluated<Agreement>(context, caller, { channel, transaction: 'Agreement:get', args: [id] });
    return submitted<Agreement>(context, caller, {
        channel,
        transaction,
        args: [id, ...extraArgs],
        endorsingOrganizations: await endorsersFor(context, caller, channel, [current.proposer, current.counterparty]),
    });
}

builder.mutationFields((t) => ({
    proposeAgreement: t.field({
        type: AgreementPayload,
        description: 'Proposes a reciprocal agreement to another club (admin).',
        args: {
            channel: t.arg.string({ required: true }),
            counterparty: t.arg.string({ required: true }),
            terms: t.arg({ type: AgreementTermsInput, required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const counterparty = parsedArgument(MspId, args.counterparty, 'counterparty');
            const terms = ledgerInput(AgreementTerms, args.terms, 'terms');
            return submitted<Agreement>(context, caller, {
                channel: channelArgument(args.channel),
                transaction: 'Agreement:propose',
                args: [counterparty, JSON.stringify(terms)],
            });
        },
    }),
    changeAgreement: t.field({
        type: AgreementPayload,
        description: 'Accepts, rejects, suspends, resumes, terminates or expires an agreement, or settles its pending amendment (admin of a party).',
        args: {
            channel: t.arg.string({ required: true }),
            agreementId: t.arg.string({ required: true }),
            change: t.arg({ type: AgreementChange, required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            return changeAgreement(context, caller, channelArgument(args.channel), args.agreementId, `Agreement:${args.change}`);
        },
    }),
    proposeAmendment: t.field({
        type: AgreementPayload,
        description: 'Proposes new terms for an active or suspended agreement; the other club accepts or rejects them (admin).',
        args: {
            channel: t.arg.string({ required: true }),
            agreementId: t.arg.string({ required: true }),
            terms: t.arg({ type: AgreementTermsInput, required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const terms = ledgerInput(AgreementTerms, args.terms, 'terms');
            return changeAgreement(context, caller, channelArgument(args.channel), args.agreementId, 'Agreement:proposeAmendment', [JSON.stringify(terms)]);
        },
    }),
}));
