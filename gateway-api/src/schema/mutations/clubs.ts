import { type Club, ClubProfile, ClubRegistration } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ClubRef } from '../types/club.js';
import { callerWithRole, channelArgument, committedPayload, ledgerInput, submitted } from './committed.js';
import { ClubProfileInput, ClubRegistrationInput } from './inputs.js';

const ClubPayload = committedPayload<Club>('ClubPayload', 'club', ClubRef, 'A club as the committed transaction left it.');

builder.mutationFields((t) => ({
    registerClub: t.field({
        type: ClubPayload,
        description: 'Registers the caller’s club on the channel (admin).',
        args: { channel: t.arg.string({ required: true }), input: t.arg({ type: ClubRegistrationInput, required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const registration = ledgerInput(ClubRegistration, { ...args.input.profile, memberPrefix: args.input.memberPrefix }, 'input');
            return submitted<Club>(context, caller, {
                channel: channelArgument(args.channel),
                transaction: 'Club:register',
                args: [JSON.stringify(registration)],
            });
        },
    }),
    updateClubProfile: t.field({
        type: ClubPayload,
        description: 'Edits the caller’s club profile (admin).',
        args: { channel: t.arg.string({ required: true }), profile: t.arg({ type: ClubProfileInput, required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const profile = ledgerInput(ClubProfile, args.profile, 'profile');
            return submitted<Club>(context, caller, { channel: channelArgument(args.channel), transaction: 'Club:updateProfile', args: [JSON.stringify(profile)] });
        },
    }),
}));
