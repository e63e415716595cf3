import type { Caller } from '../caller.js';
import { authenticated } from '../access.js';
import { builder } from './builder.js';
import { ApiRoleEnum } from './types/enums.js';

const CallerRef = builder.objectRef<Caller>('Caller').implement({
    description: 'Who the request acts for, from the verified token.',
    fields: (t) => ({
        subject: t.exposeString('subject', { description: 'The JWT subject: recorded on the ledger as the acting person.' }),
        club: t.exposeString('club', { description: 'MSP ID of the caller’s club: every ledger call is signed as this club.' }),
        role: t.expose('role', { type: ApiRoleEnum }),
        memberNumber: t.exposeString('memberNumber', { nullable: true, description: 'For members: their own member number.' }),
    }),
});

builder.queryField('me', (t) =>
    t.field({
        type: CallerRef,
        description: 'The caller, as the token names them.',
        resolve: (_root, _args, context) => authenticated(context),
    }),
);
