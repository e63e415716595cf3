import { randomBytes } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { PersonalDataEnvelope } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { NOTIFICATION_STREAM } from '../../../event-indexer/src/outbox/publisher.js';
import { LiveNetwork } from '../support/live-network.js';

const CHANNEL = 'atlantic';
const ALPINE = 'AlpineMSP';
const CLUBS = ['HarbourMSP', 'AlpineMSP', 'MetroMSP'] as const;
const stateDir = fileURLToPath(new URL('../../../.network/', import.meta.url));
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Every regular file under `dir` (sockets, FIFOs and links skipped), relative to the network's state folder. */
async function filesUnder(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(
        entries.map(async (entry) => {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) return filesUnder(full);
            return entry.isFile() ? [full] : [];
        }),
    );
    return nested.flat();
}

/** Whether the file holds `needle`, read in chunks that overlap by the needle's length so no match falls between two. */
async function fileHolds(file: string, needle: Buffer): Promise<boolean> {
    const handle = await open(file, 'r').catch(() => undefined);
    if (handle === undefined) return false;
    try {
        const buffer = Buffer.alloc(CHUNK_BYTES + needle.length);
        let carried = 0;
        for (;;) {
            const { bytesRead } = await handle.read(buffer, carried, CHUNK_BYTES, null);
            const filled = carried + bytesRead;
            if (buffer.subarray(0, filled).includes(needle)) return true;
            if (bytesRead === 0) return false;
            carried = Math.min(needle.length - 1, filled);
            buffer.copy(buffer, 0, filled - carried, filled);
        }
    } finally {
        await handle.close();
    }
}

/** The files under .network/ that hold `needle`, relative to it, e.g. `peers/alpine/data/…`. */
async function filesHolding(needle: Buffer): Promise<string[]> {
    const files = await filesUnder(stateDir);
    const holding: string[] = [];
    for (const file of files) {
        if (await fileHolds(file, needle)) holding.push(path.relative(stateDir, file));
    }
    return holding;
}

const ofPeersAndOrderer = (files: readonly string[]) => files.filter((file) => file.startsWith('peers/') || file.startsWith('orderer/'));

/**
 * The personal record on the real network, as bytes on disk. A byte search proves absence only of the exact bytes it
 * looks for: it cannot see a value a store compressed (Fabric's leveldb may snappy-compress blocks, PostgreSQL may
 * pglz-compress large values) or encoded otherwise. Two things make it meaningful here: the plaintext never reaches
 * a peer, a block, an indexer or NATS at all (the API seals it first), and a positive control — the sealed envelope,
 * found in Alpine's peer files — shows the search does read the peer's private data and transient stores.
 * After erasure the Fabric 2.1 peer still keeps the sealed copy (no purge before 2.5); it is unreadable because its
 * only key, in the API's schema, is destroyed.
 */
describe('personal data on the live network: sealed, and erased by destroying its key', function () {
    this.timeout(180_000);
    let live: LiveNetwork;
    let admin: string;
    let staff: string;
    let memberNumber: string;
    let sealed: PersonalDataEnvelope;
    const marker = `Zq${randomBytes(6).toString('hex')}`;
    const personalData = {
        givenName: `Ada${marker}`,
        familyName: `Probe ${marker}`,
        dateOfBirth: '1985-12-10',
        email: `${marker.toLowerCase()}@example.org`,
        address: { line1: `${marker} Strasse 1`, city: 'Zermatt', postalCode: '3920', country: 'CH' },
        emergencyContact: { name: `Kin ${marker}`, phone: '+41791234567' },
    };
    const PERSONAL_DATA = 'query($channel: String!, $member: String!) { personalData(channel: $channel, memberNumber: $member) { givenName familyName email } }';

    const sqlRows = async (text: string, values: unknown[]) => (await live.pool.query(text, values)).rows as Record<string, unknown>[];
    const personalRowsIn = (club: string) =>
        sqlRows(`SELECT data FROM ${live.schemaOf(club)}.member_personal_data WHERE channel = $1 AND member_number = $2`, [CHANNEL, memberNumber]);
    const dataKeyRows = () => sqlRows('SELECT data_key FROM gateway_api.personal_data_keys WHERE channel = $1 AND member_number = $2', [CHANNEL, memberNumber]);

    before(async () => {
        live = await LiveNetwork.open();
        admin = await live.token({ sub: 'erasure-admin', club: ALPINE, role: 'admin' });
        staff = await live.token({ sub: 'erasure-staff', club: ALPINE, role: 'staff' });
        memberNumber = await live.enrolMember(ALPINE, CHANNEL, personalData);
        const [row] = await live.eventually(async () => {
            const rows = await personalRowsIn(ALPINE);
            return rows.length > 0 ? rows : undefined;
        }, 'Alpine’s indexer to project the record');
        sealed = row?.data as PersonalDataEnvelope;
    });

    after(async () => {
        await live.close();
    });

    it('opens the record for Alpine’s staff through the API, with the data key only the API keeps', async () => {
        const { personalData: read } = await live.data<{ personalData: Record<string, string> }>(staff, PERSONAL_DATA, { channel: CHANNEL, member: memberNumber });
        expect(read).to.deep.equal({ givenName: personalData.givenName, familyName: personalData.familyName, email: personalData.email });
        expect(await dataKeyRows()).to.have.lengthOf(1);
    });

    it('after enrolment, no file under .network/ holds the plaintext: not a peer, the orderer, PostgreSQL, NATS or a log', async () => {
        expect(await filesHolding(Buffer.from(marker))).to.deep.equal([]);
        expect(await filesHolding(Buffer.from(marker.toLowerCase()))).to.deep.equal([]);
    });

    it('holds the sealed envelope in Alpine’s peer and Alpine’s index only', async () => {
        expect(sealed).to.include({ v: 1, alg: 'A256GCM' });
        const holders = ofPeersAndOrderer(await filesHolding(Buffer.from(sealed.ciphertext.slice(0, 48))));
        expect(holders, 'the positive control: the search reads the peer’s stores').not.to.be.empty;
        expect(holders.every((file) => file.startsWith('peers/alpine/')), holders.join(', ')).to.equal(true);
        for (const club of CLUBS.filter((club) => club !== ALPINE)) {
            expect(await personalRowsIn(club), `${club}'s index`).to.deep.equal([]);
        }
    });

    it('erases: TERMINATE, then erasePersonalData commits and destroys the data key', async () => {
        await live.data(admin, 'mutation($channel: String!, $member: String!) { changeMemberStatus(channel: $channel, memberNumber: $member, change: TERMINATE) { transactionId } }', {
            channel: CHANNEL,
            member: memberNumber,
        });
        const { erasePersonalData } = await live.data<{ erasePersonalData: { transactionId: string } }>(
            admin,
            'mutation($channel: String!, $member: String!) { erasePersonalData(channel: $channel, memberNumber: $member) { transactionId blockNumber } }',
            { channel: CHANNEL, member: memberNumber },
        );
        expect(erasePersonalData.transactionId).to.match(/^[0-9a-f]{64}$/);
        expect(await dataKeyRows()).to.deep.equal([]);
    });

    it('after erasure, the API and a direct query of every schema return nothing of the record', async () => {
        await live.eventually(async () => ((await personalRowsIn(ALPINE)).length === 0 ? true : undefined), 'Alpine’s indexer to drop the projection');
        const { personalData: read } = await live.data<{ personalData: unknown }>(staff, PERSONAL_DATA, { channel: CHANNEL, member: memberNumber });
        expect(read).to.equal(null);
        const schemas = (await sqlRows(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'indexer\\_%' OR nspname = 'gateway_api'`, [])).map((row) => String(row.nspname));
        for (const schema of schemas) {
            const tables = await sqlRows(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`, [schema]);
            for (const { table_name: table } of tables) {
                const hits = await sqlRows(`SELECT 1 FROM "${schema}"."${String(table)}" AS t WHERE t::text LIKE $1 OR t::text LIKE $2 LIMIT 1`, [`%${marker}%`, `%${sealed.ciphertext.slice(0, 48)}%`]);
                expect(hits, `${schema}.${String(table)}`).to.deep.equal([]);
            }
        }
    });

    it('after erasure, no file of any peer or the orderer holds the plaintext (Alpine’s peer keeps only the sealed copy, unreadable)', async () => {
        expect(ofPeersAndOrderer(await filesHolding(Buffer.from(marker)))).to.deep.equal([]);
        expect(ofPeersAndOrderer(await filesHolding(Buffer.from(marker.toLowerCase())))).to.deep.equal([]);
        expect(await filesHolding(Buffer.from(marker)), 'nor any other file under .network/').to.deep.equal([]);
    });

    it('after erasure, no message of the NATS stream carries the record', async () => {
        const nats = await connect({ servers: live.profile.nats.servers.split(',') });
        try {
            const manager = await jetstreamManager(nats);
            const { state } = await manager.streams.info(NOTIFICATION_STREAM);
            let read = 0;
            for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
                const message = await manager.streams.getMessage(NOTIFICATION_STREAM, { seq }).catch(() => null);
                if (message === null) continue;
                read += 1;
                const text = Buffer.from(message.data).toString('utf8');
                expect(text, `message ${String(seq)}`).not.to.include(marker);
                expect(text, `message ${String(seq)}`).not.to.include(sealed.ciphertext.slice(0, 48));
            }
            expect(read).to.equal(state.messages);
        } finally {
            await nats.close();
        }
    });
});
