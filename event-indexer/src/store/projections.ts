import type { EntityChange, EntityKind, LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import type pg from 'pg';
import { jsonbParameter } from './jsonb.js';

export { type RejectedPersonalData, projectPersonalData } from './personal-data.js';

/** The transaction a change comes from: its position in the channel orders every change. */
export interface ChangeOrigin {
    readonly channel: string;
    readonly blockNumber: bigint;
    readonly txIndex: number;
    readonly txId: string;
}

type EntityOf<K extends EntityKind> = Extract<EntityChange, { readonly kind: K }>['value'];

interface EntityTable<K extends EntityKind> {
    readonly name: string;
    /** The entity's key within a channel: the primary key's columns after `channel`, generated from `data`. */
    readonly key: readonly string[];
    readonly keyOf: (entity: EntityOf<K>) => readonly string[];
}

const entityTables: { readonly [K in EntityKind]: EntityTable<K> } = {
    club: { name: 'clubs', key: ['msp_id'], keyOf: (club) => [club.mspId] },
    member: { name: 'members', key: ['member_number'], keyOf: (member) => [member.memberNumber] },
    agreement: { name: 'agreements', key: ['agreement_id'], keyOf: (agreement) => [agreement.agreementId] },
    bar: { name: 'bars', key: ['host_club', 'member_number'], keyOf: (bar) => [bar.hostClub, bar.memberNumber] },
    introduction: { name: 'introductions', key: ['introduction_id'], keyOf: (introduction) => [introduction.introductionId] },
    visit: { name: 'visits', key: ['visit_id'], keyOf: (visit) => [visit.visitId] },
    usage: {
        name: 'visit_usage',
        key: ['agreement_id', 'member_number', 'period'],
        keyOf: (usage) => [usage.agreementId, usage.memberNumber, usage.period],
    },
    proposal: { name: 'proposals', key: ['proposal_id'], keyOf: (proposal) => [proposal.proposalId] },
    vote: { name: 'votes', key: ['proposal_id', 'club'], keyOf: (vote) => [vote.proposalId, vote.club] },
    rules: { name: 'consortium_rules', key: [], keyOf: () => [] },
};

/** Inserts a batch of one kind's entities; a row already there is replaced only by a later change. */
function upsertStatement(table: EntityTable<EntityKind>): string {
    return `INSERT INTO ${table.name} AS current (channel, data, block_number, tx_index, tx_id)
        SELECT $1, entity, $2, $3, $4 FROM jsonb_array_elements($5::jsonb) AS entity
        ON CONFLICT (${['channel', ...table.key].join(', ')}) DO UPDATE
        SET data = EXCLUDED.data, block_number = EXCLUDED.block_number, tx_index = EXCLUDED.tx_index, tx_id = EXCLUDED.tx_id
        WHERE (current.block_number, current.tx_index) < (EXCLUDED.block_number, EXCLUDED.tx_index)`;
}

/**
 * Writes every entity the event reports into its table, one statement per kind of entity.
 * Replays and changes applied out of order leave the newest change in place.
 */
export async function projectEvent(client: pg.ClientBase, origin: ChangeOrigin, event: LedgerEvent): Promise<void> {
    for (const [kind, entities] of latestByKind(event.changes)) {
        const table = tableOf(kind);
        await client.query({
            name: `project-${kind}`,
            text: upsertStatement(table),
            values: [origin.channel, origin.blockNumber, origin.txIndex, origin.txId, jsonbParameter(entities)],
        });
    }
}

/**
 * The event's entities grouped by kind, each entity once: one statement cannot update a row twice,
 * and an entity listed twice stands as it was listed last.
 */
function latestByKind(changes: readonly EntityChange[]): Map<EntityKind, unknown[]> {
    const latest = new Map<EntityKind, Map<string, unknown>>();
    for (const change of changes) {
        let entities = latest.get(change.kind);
        if (entities === undefined) {
            entities = new Map();
            latest.set(change.kind, entities);
        }
        entities.set(keyOf(change.kind, change.value), change.value);
    }
    return new Map([...latest].map(([kind, entities]) => [kind, [...entities.values()]]));
}

function keyOf<K extends EntityKind>(kind: K, entity: EntityOf<K>): string {
    return JSON.stringify(tableOf(kind).keyOf(entity));
}

/** Events are JSON from the chain: a kind this indexer does not know must stop it, not vanish. */
function tableOf<K extends EntityKind>(kind: K): EntityTable<K> {
    if (!Object.hasOwn(entityTables, kind)) {
        throw new Error(`no read-model table for entity kind ${JSON.stringify(kind)}`);
    }
    return entityTables[kind];
}
