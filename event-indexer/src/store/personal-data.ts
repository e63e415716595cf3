import { PersonalDataEnvelope } from '@reciprocal-clubs/chaincode/model';
import type pg from 'pg';
import type { PrivateKeyWrite } from '../blocks/parsed-block.js';
import { jsonbParameter } from './jsonb.js';
import type { ChangeOrigin } from './projections.js';

/** A private write that carried no usable sealed personal record, and why: never the record's content. */
export interface RejectedPersonalData {
    readonly memberNumber: string;
    readonly reason: string;
}

interface MemberOfKey {
    readonly homeClub: string;
    readonly memberNumber: string;
}

const NUL = '\u0000';

/**
 * Projects the sealed personal records of the club's own members from the private writes of its implicit
 * collection into member_personal_data, as the envelopes they are (only the home club's API holds the keys
 * that open them); a delete removes the record. Other writes are ignored; a write that is not a valid
 * PersonalDataEnvelope (a plaintext record among them) is skipped and returned, with its member number and reason.
 *
 * Run it inside the block's database transaction: it names the club in the transaction-local setting
 * rcn.club, which the table's row-level security requires of every reader and writer.
 */
export async function projectPersonalData(
    client: pg.ClientBase,
    origin: ChangeOrigin,
    writes: readonly PrivateKeyWrite[],
    ownClub: string,
): Promise<readonly RejectedPersonalData[]> {
    const collection = `_implicit_org_${ownClub}`;
    const memberWrites = writes.flatMap((write) => {
        const member = write.collection === collection ? memberOfKey(write.key) : undefined;
        return member ? [{ write, member }] : [];
    });
    if (memberWrites.length === 0) {
        return [];
    }

    await client.query(`SELECT set_config('rcn.club', $1, true)`, [ownClub]);
    const rejected: RejectedPersonalData[] = [];
    for (const { write, member } of memberWrites) {
        if (member.homeClub !== ownClub) {
            rejected.push({ memberNumber: member.memberNumber, reason: `a member of ${member.homeClub}, not of ${ownClub}` });
        } else if (write.isDelete) {
            await erase(client, origin, member);
        } else {
            const record = personalDataOf(write.value);
            if (record.success) {
                await save(client, origin, member, record.data);
            } else {
                rejected.push({ memberNumber: member.memberNumber, reason: record.reason });
            }
        }
    }
    return rejected;
}

/** The member a key names, when it is the chaincode's member key: NUL, 'member', home club, member number, NUL. */
function memberOfKey(key: string): MemberOfKey | undefined {
    const [start, objectType, homeClub, memberNumber, end, ...rest] = key.split(NUL);
    const isMemberKey = start === '' && objectType === 'member' && end === '' && rest.length === 0;
    return isMemberKey && homeClub && memberNumber ? { homeClub, memberNumber } : undefined;
}

type ParsedPersonalData = { readonly success: true; readonly data: PersonalDataEnvelope } | { readonly success: false; readonly reason: string };

/** Reasons name fields and rules only: JSON.parse would quote the record it fails on. */
function personalDataOf(value: Uint8Array | undefined): ParsedPersonalData {
    if (value === undefined) {
        return { success: false, reason: 'the write carries no value' };
    }
    let json: unknown;
    try {
        json = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
        return { success: false, reason: 'the value is not JSON' };
    }
    const parsed = PersonalDataEnvelope.safeParse(json);
    if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`);
        return { success: false, reason: `not a sealed personal record: ${issues.join('; ')}` };
    }
    return { success: true, data: parsed.data };
}

/** A record erased by a later transaction stays erased, whatever order the writes arrive in. */
async function save(client: pg.ClientBase, origin: ChangeOrigin, member: MemberOfKey, record: PersonalDataEnvelope): Promise<void> {
    await client.query({
        name: 'save-personal-data',
        text: `INSERT INTO member_personal_data AS current (channel, member_number, home_club, data, block_number, tx_index, tx_id)
            SELECT $1, $2, $3, $4::jsonb, $5::bigint, $6::integer, $7
            WHERE NOT EXISTS (
                SELECT FROM member_personal_data_erasures AS erasure
                WHERE erasure.channel = $1 AND erasure.member_number = $2
                  AND (erasure.block_number, erasure.tx_index) > ($5::bigint, $6::integer))
            ON CONFLICT (channel, member_number) DO UPDATE
            SET home_club = EXCLUDED.home_club, data = EXCLUDED.data,
                block_number = EXCLUDED.block_number, tx_index = EXCLUDED.tx_index, tx_id = EXCLUDED.tx_id
            WHERE (current.block_number, current.tx_index) < (EXCLUDED.block_number, EXCLUDED.tx_index)`,
        values: [
            origin.channel,
            member.memberNumber,
            member.homeClub,
            jsonbParameter(record),
            origin.blockNumber,
            origin.txIndex,
            origin.txId,
        ],
    });
}

/** Removes the record unless a later write recorded it, and remembers the erasure against older replays. */
async function erase(client: pg.ClientBase, origin: ChangeOrigin, member: MemberOfKey): Promise<void> {
    await client.query({
        name: 'erase-personal-data',
        text: `WITH erasure AS (
                INSERT INTO member_personal_data_erasures AS current (channel, member_number, home_club, block_number, tx_index, tx_id)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (channel, member_number) DO UPDATE
                SET home_club = EXCLUDED.home_club,
                    block_number = EXCLUDED.block_number, tx_index = EXCLUDED.tx_index, tx_id = EXCLUDED.tx_id
                WHERE (current.block_number, current.tx_index) < (EXCLUDED.block_number, EXCLUDED.tx_index))
            DELETE FROM member_personal_data
            WHERE channel = $1 AND member_number = $2 AND (block_number, tx_index) < ($4, $5)`,
        values: [origin.channel, member.memberNumber, member.homeClub, origin.blockNumber, origin.txIndex, origin.txId],
    });
}
