import type { Visit } from '@reciprocal-clubs/chaincode/model';
import type { Listing, SqlConditions } from './keyset.js';

/**
 * Where each field of the Visit type is in the visits table: the indexer's generated columns (equal to the document's
 * values by construction) and the document's small objects. A page of twenty visits read whole (their `data`, some
 * 800 bytes each) cost more to receive and parse than the rest of the request. Every field of the type is here (a
 * test holds the two together).
 */
export const VISIT_FIELDS: ReadonlyMap<string, string> = new Map(
    Object.entries({
        visitId: 'visit_id',
        memberNumber: 'member_number',
        homeClub: 'home_club',
        hostClub: 'host_club',
        agreementId: 'agreement_id',
        agreementVersion: 'agreement_version',
        visitDate: "to_char(visit_date, 'YYYY-MM-DD')",
        facility: 'facility',
        guests: 'guests',
        nights: 'nights',
        introductionId: 'introduction_id',
        fee: "data -> 'fee'",
        status: 'status',
        closure: 'closure',
        checkedIn: "data -> 'checkedIn'",
        closed: "data -> 'closed'",
    }),
);

const ORDER_BY: Listing<Visit, Visit>['orderBy'] = [
    { column: 'visit_date', type: 'date', of: (visit) => visit.visitDate },
    { column: 'visit_id', type: 'text', of: (visit) => visit.visitId },
];

/**
 * The visits a query pages through, each read as far as the query asks: the columns of the fields it selects, and of
 * the sort keys for the cursors. A node therefore holds the selected fields only, which are all that is resolved of it.
 */
export function visitListing(where: SqlConditions, selected: ReadonlySet<string>): Listing<Visit, Visit> {
    const columns = [...new Set(['visitId', 'visitDate', ...selected])].flatMap((field) => {
        const column = VISIT_FIELDS.get(field);
        return column === undefined ? [] : [`${column} AS "${field}"`];
    });
    // Aliased by field, so that a row is the node; quoted, so that no alias shadows a column ORDER BY names.
    return { name: 'visits', select: columns.join(', '), from: 'visits', where, orderBy: ORDER_BY, toNode: (row) => row };
}
