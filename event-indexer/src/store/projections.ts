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

/** A valid transaction's LedgerEvent, where the ledger committed it. */
export interface CommittedEvent {
    readonly origin: ChangeOrigin;
    readonly event: LedgerEvent;
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

const CHANGE_ROWS = 'jsonb_to_recordset($1::jsonb) AS change(channel text, data jsonb, block_number bigint, tx_index integer, tx_id text)';

const conflictTarget = (table: EntityTable<EntityKind>) => ['channel', ...table.key].join(', ');

/** Inserts a batch of one kind's entities; a row already there is replaced only by a later change. */
function upsertStatement(table: EntityTable<EntityKind>): string {
    return `INSERT INTO ${table.name} AS current (channel, data, block_number, tx_index, tx_id)
        SELECT * FROM ${CHANGE_ROWS}
        ON CONFLICT (${conflictTarget(table)}) DO UPDATE
        SET data = EXCLUDED.data, block_number = EXCLUDED.block_number, tx_index = EXCLUDED.tx_index, tx_id = EXCLUDED.tx_id
        WHERE (current.block_number, current.tx_index) < (EXCLUDED.block_number, EXCLUDED.tx_index)`;
}

/**
 * Offers older changes of entities whose newest change is already in place: PostgreSQL computes each one's
 * generated columns and checks its constraints, then finds the row in place and writes nothing.
 */
function checkStatement(table: EntityTable<EntityKind>): string {
    return `INSERT INTO ${table.name} (channel, data, block_number, tx_index, tx_id)
        SELECT * FROM ${CHANGE_ROWS}
        ON CONFLICT (${conflictTarget(table)}) DO NOTHING`;
}

/**
 * Writes every entity the events report into its table, two statements at most per kind of entity for the whole
 * set: each entity once, as its newest change left it (by block, then position in the block; within one event, as
 * listed last), since one statement cannot update a row twice. Its older changes in the set are checked against the
 * table afterwards, so the set fails wherever one of its events applied alone would. Replays and changes applied
 * out of order leave the newest change in place.
 */
export async function projectEvents(client: pg.ClientBase, events: readonly CommittedEvent[]): Promise<void> {
    for (const [kind, changes] of changesByKind(events)) {
        const table = tableOf(kind);
        await client.query({ name: `project-${kind}`, text: upsertStatement(table), values: [rowsParameter(changes.newest.values())] });
        if (changes.superseded.length > 0) {
            await client.query({ name: `check-${kind}`, text: checkStatement(table), values: [rowsParameter(changes.superseded)] });
        }
    }
}

/** One entity as one transaction left it. */
interface Change {
    readonly origin: ChangeOrigin;
    readonly entity: unknown;
}

interface KindChanges {
    /** By channel and entity key. */
    readonly newest: Map<string, Change>;
    readonly superseded: Change[];
}

/** The changes as the JSON array the statements read (CHANGE_ROWS). */
function rowsParameter(changes: Iterable<Change>): string {
    return jsonbParameter(
        Array.from(changes, ({ origin, entity }) => ({
            channel: origin.channel,
            data: entity,
            block_number: origin.blockNumber.toString(),
            tx_index: origin.txIndex,
            tx_id: origin.txId,
        })),
    );
}

function changesByKind(events: readonly CommittedEvent[]): Map<EntityKind, KindChanges> {
    const byKind = new Map<EntityKind, KindChanges>();
    for (const { origin, event } of events) {
        for (const [kind, entities] of latestByKind(event.changes)) {
            let changes = byKind.get(kind);
            if (changes === undefined) {
                changes = { newest: new Map(), superseded: [] };
                byKind.set(kind, changes);
            }
            for (const [key, entity] of entities) {
                const change = { origin, entity };
                const entityKey = `${origin.channel}\u0000${key}`;
                const previous = changes.newest.get(entityKey);
                if (previous !== undefined && isLater(previous.origin, origin)) {
                    changes.superseded.push(change);
                } else {
                    changes.newest.set(entityKey, change);
                    if (previous !== undefined) {
                        changes.superseded.push(previous);
                    }
                }
            }
        }
    }
    return byKind;
}

function isLater(origin: ChangeOrigin, than: ChangeOrigin): boolean {
    return origin.blockNumber > than.blockNumber || (origin.blockNumber === than.blockNumber && origin.txIndex > than.txIndex);
}

/** The event's entities by kind and key, each once: an entity listed twice stands as it was listed last. */
function latestByKind(changes: readonly EntityChange[]): Map<EntityKind, Map<string, unknown>> {
    const latest = new Map<EntityKind, Map<string, unknown>>();
    for (const change of changes) {
        let entities = latest.get(change.kind);
        if (entities === undefined) {
            entities = new Map();
            latest.set(change.kind, entities);
        }
        entities.set(keyOf(change.kind, change.value), change.value);
    }
    return latest;
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
