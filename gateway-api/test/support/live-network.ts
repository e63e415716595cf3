import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GatewayConnection, LOCAL_NETWORK_PROFILE, type NetworkProfile, connectToGateway, loadNetworkProfile, postgresUrlOf } from '@reciprocal-clubs/ledger-connection';
import pg from 'pg';
import { personalData } from '../../../chaincode/test/support/member-fixtures.js';
import type { PersonalData } from '@reciprocal-clubs/chaincode/model';
import type { CallerClaims } from '../../src/auth/claims.js';
import { LOCAL_ISSUER_DIRECTORY } from '../../src/auth/issuer.js';
import { LocalIssuer } from '../../src/auth/local-issuer.js';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface GraphqlResult<T = Record<string, unknown>> {
    readonly status: number;
    readonly data?: T;
    readonly errors?: { message: string; extensions?: { code?: string; reason?: string; transactionId?: string } }[];
}

/**
 * The product as `./test-network.sh up` runs it: the API process, each club's indexer and read model,
 * NATS, and the clubs' gateway endpoints, all found through the network profile.
 */
export class LiveNetwork {
    readonly #issuer: LocalIssuer;
    readonly #connections: GatewayConnection<'admin' | 'staff' | 'auditor'>[] = [];
    readonly pool: pg.Pool;

    private constructor(
        readonly profile: NetworkProfile,
        readonly apiUrl: string,
        issuer: LocalIssuer,
    ) {
        this.#issuer = issuer;
        this.pool = new pg.Pool({ connectionString: postgresUrlOf(profile), max: 4 });
    }

    static async open(): Promise<LiveNetwork> {
        const profile = loadNetworkProfile(process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE);
        if (profile.api === undefined) throw new Error('the network profile names no API: run ./test-network.sh up');
        return new LiveNetwork(profile, profile.api.url, await LocalIssuer.open(path.join(repositoryRoot, LOCAL_ISSUER_DIRECTORY)));
    }

    token(claims: CallerClaims): Promise<string> {
        return this.#issuer.issue(claims, '30m');
    }

    async graphql<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResult<T>> {
        const response = await fetch(`${this.apiUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
        });
        return { status: response.status, ...((await response.json()) as Omit<GraphqlResult<T>, 'status'>) };
    }

    /** The data of a request that must succeed. */
    async data<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
        const result = await this.graphql<T>(token, query, variables);
        if (result.errors !== undefined || result.data === undefined) {
            throw new Error(`GraphQL request failed: ${JSON.stringify(result.errors)}`);
        }
        return result.data;
    }

    /** Enrols a REGULAR member of the club, valid until the end of next year, through the API as the club's admin. */
    async enrolMember(mspId: string, channel: string, data: PersonalData = personalData()): Promise<string> {
        const admin = await this.token({ sub: 'enrolment-admin', club: mspId, role: 'admin' });
        const { enrolMember } = await this.data<{ enrolMember: { member: { memberNumber: string } } }>(
            admin,
            'mutation($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { member { memberNumber } } }',
            { channel, input: { membershipType: 'REGULAR', validUntil: `${new Date().getUTCFullYear() + 1}-12-31`, personalData: data } },
        );
        return enrolMember.member.memberNumber;
    }

    /** A club's gateway endpoint, as the identities its CA enrolled. */
    async gateway(mspId: string): Promise<GatewayConnection<'admin' | 'staff' | 'auditor'>> {
        const club = this.profile.clubs[mspId];
        if (club === undefined) throw new Error(`no club ${mspId} in the network profile`);
        const connection = await connectToGateway({ mspId, gateway: club.gateway, identities: club.identities });
        this.#connections.push(connection);
        return connection;
    }

    /** The schema of a club's read model. */
    schemaOf(mspId: string): string {
        return `indexer_${this.profile.clubs[mspId]?.key ?? ''}`;
    }

    /** Waits until `probe` returns a value other than undefined, or fails after `ms`. */
    async eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
        const deadline = Date.now() + ms;
        for (;;) {
            const value = await probe();
            if (value !== undefined) return value;
            if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
    }

    async close(): Promise<void> {
        for (const connection of this.#connections) connection.close();
        await this.pool.end();
    }
}
