import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import { RecordContext, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { type CompositeKey, Keys } from '../ledger/keys';
import { memberKeyOf } from '../members/members';
import type { EntityKind } from '../model/events';

const AuditedEntity = z.enum(['club', 'member', 'agreement', 'bar', 'introduction', 'visit', 'usage', 'proposal', 'vote', 'rules'] satisfies EntityKind[]);

/** How many `/`-separated parts an entity's ID has (checked before `key` runs), and how they form its key. */
interface EntityKeyRule {
    readonly parts: number;
    readonly key: (ctx: RecordContext, parts: string[]) => Promise<CompositeKey> | CompositeKey;
}

const keyOfEntity: Record<EntityKind, EntityKeyRule> = {
    club: { parts: 1, key: (_, [mspId = '']) => Keys.club(mspId) },
    member: { parts: 1, key: (ctx, [memberNumber = '']) => memberKeyOf(ctx, memberNumber) },
    agreement: { parts: 1, key: (_, [id = '']) => Keys.agreement(id) },
    bar: { parts: 2, key: (_, [host = '', memberNumber = '']) => Keys.bar(host, memberNumber) },
    introduction: { parts: 1, key: (_, [id = '']) => Keys.introduction(id) },
    visit: { parts: 1, key: (_, [id = '']) => Keys.visit(id) },
    usage: { parts: 3, key: (_, [agreementId = '', memberNumber = '', period = '']) => Keys.usage(agreementId, memberNumber, period) },
    proposal: { parts: 1, key: (_, [id = '']) => Keys.proposal(id) },
    vote: { parts: 2, key: (_, [proposalId = '', mspId = '']) => Keys.vote(proposalId, mspId) },
    rules: { parts: 0, key: () => Keys.rules() },
};

const EntityIdPart = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores');

@Info({ title: 'Audit', description: 'Ledger truth for auditors: the full history of any entity key.' })
export class AuditContract extends RecordContract {
    constructor() {
        super('Audit');
    }

    /**
     * Every revision of one entity, oldest first, from the peer's history database.
     * IDs of entities keyed by several parts join them with `/`: bar `HOST/MEMBER`, vote `PROPOSAL/MSP`,
     * usage `AGREEMENT/MEMBER/PERIOD`; rules take an empty ID.
     */
    @Transaction(false)
    @Param('entity', 'string', 'club, member, agreement, bar, introduction, visit, usage, proposal, vote or rules')
    @Param('id', 'string', 'the entity ID; parts joined with /')
    @Returns('string')
    async history(ctx: RecordContext, entity: string, id: string): Promise<string> {
        ctx.requireReader();
        const kind = parseValue(AuditedEntity, entity, 'entity');
        const { parts, key } = keyOfEntity[kind];
        const idParts = id === '' ? [] : id.split('/');
        if (idParts.length !== parts) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `id of a ${kind} has ${parts} part(s) joined with /`);
        }
        idParts.forEach((part, index) => parseValue(EntityIdPart, part, `id part ${index + 1}`));
        const revisions = await ctx.state.history(await key(ctx, idParts));
        if (revisions.length === 0) {
            throw new ChaincodeError(ErrorCode.NOT_FOUND, `${kind} ${id} has no history`);
        }
        return JSON.stringify(revisions.reverse());
    }
}
