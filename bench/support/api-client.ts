import { personalData } from '../../chaincode/test/support/member-fixtures.js';
import type { LocalIssuer } from '../../gateway-api/src/auth/local-issuer.js';
import { forEachConcurrently } from './concurrently.js';
import { DEMO_AGREEMENT } from './running-product.js';

/** Long enough for any benchmark's enrolment and load; the API checks `exp` on every request. */
export const TOKEN_LIFETIME = '30m';

export const ENROL_CONCURRENCY = 3;
/** Enrolments in the same block invalidate each other (member sequence): tried again, as a client would. */
const ENROL_ATTEMPTS = 10;

const CHECK_IN = `mutation($channel: String!, $member: String!) {
    checkIn(channel: $channel, memberNumber: $member, input: { facility: DINING, guests: 0, nights: 0 }) {
        visit { visitId memberNumber } transactionId blockNumber replayed
    }
}`;
const CHECK_OUT = 'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { transactionId } }';
const ENROL = `mutation($channel: String!, $input: MemberEnrolmentInput!) {
    enrolMember(channel: $channel, input: $input) { member { memberNumber enrolled { txId } } }
}`;

export interface GraphqlError {
    readonly message: string;
    readonly extensions?: { readonly code?: string; readonly reason?: string };
}

/** Whatever the API answered, errors included: only a request that got no parsable answer throws. */
export interface GraphqlAnswer<Data> {
    readonly httpStatus: number;
    readonly data?: Data | null;
    readonly errors?: readonly GraphqlError[];
}

export async function postGraphql<Data>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<GraphqlAnswer<Data>> {
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphqlAnswer<Data>, 'httpStatus'>;
    return { ...body, httpStatus: response.status };
}

/** A member the benchmarks enrolled, with the enrolment's transaction: a ledger made anew holds no member with both. */
export interface EnrolledMember {
    readonly memberNumber: string;
    readonly enrolledTxId: string;
}

/**
 * Fresh members of the demo agreement's home club, enrolled through the API (public record, sealed personal record,
 * activation), a few at a time: every enrolment writes the club's member sequence, so wide enrolment only invalidates.
 */
export async function enrolMembers(graphqlUrl: string, issuer: LocalIssuer, count: number, onEnrolled?: (member: EnrolledMember) => void): Promise<EnrolledMember[]> {
    const validUntil = `${(new Date().getUTCFullYear() + 1).toString()}-12-31`;
    const members: EnrolledMember[] = [];
    await forEachConcurrently(Array.from({ length: count }, (_, index) => index), ENROL_CONCURRENCY, async (index) => {
        const token = await issuer.issue({ sub: `bench-enrol-${index.toString()}`, club: DEMO_AGREEMENT.home, role: 'admin' }, TOKEN_LIFETIME);
        for (let attempt = 1; ; attempt += 1) {
            const answer = await postGraphql<{ enrolMember?: { member: { memberNumber: string; enrolled: { txId: string } } } }>(graphqlUrl, token, ENROL, {
                channel: DEMO_AGREEMENT.channel,
                input: { membershipType: 'REGULAR', validUntil, personalData: personalData() },
            });
            const member = answer.data?.enrolMember?.member;
            if (member !== undefined) {
                const enrolled = { memberNumber: member.memberNumber, enrolledTxId: member.enrolled.txId };
                members.push(enrolled);
                onEnrolled?.(enrolled);
                return;
            }
            if (attempt >= ENROL_ATTEMPTS) throw new Error(`enrolMember failed ${attempt.toString()} times: ${JSON.stringify(answer)}`);
        }
    });
    return members;
}

/** A mutation's field is null when it failed (with `errors` beside it). */
export interface CheckedIn {
    readonly checkIn?: { readonly replayed: boolean; readonly blockNumber: string | null; readonly visit: { readonly visitId: string; readonly memberNumber: string } } | null;
}

/** Checks a member in at the host's desk (DINING, no guests); the answer as it came. */
export function checkIn(graphqlUrl: string, token: string, memberNumber: string): Promise<GraphqlAnswer<CheckedIn>> {
    return postGraphql(graphqlUrl, token, CHECK_IN, { channel: DEMO_AGREEMENT.channel, member: memberNumber });
}

/** Checks a visit out at the host's desk; the answer as it came. */
export function checkOut(graphqlUrl: string, token: string, visitId: string): Promise<GraphqlAnswer<{ checkOut?: { transactionId: string } | null }>> {
    return postGraphql(graphqlUrl, token, CHECK_OUT, { channel: DEMO_AGREEMENT.channel, id: visitId });
}
