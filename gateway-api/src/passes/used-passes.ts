import type pg from 'pg';
import { ApiError, ApiErrorCode } from '../errors.js';
import type { VisitPassClaims } from './visit-pass.js';

/** Passes already presented, in the API's own schema: a pass admits once, even across API processes. */
export class UsedVisitPasses {
    readonly #pool: pg.Pool;

    constructor(pool: pg.Pool) {
        this.#pool = pool;
    }

    /** Marks the pass used, or refuses it with CONFLICT if it was presented before. */
    async claim(claims: VisitPassClaims, hostClub: string): Promise<void> {
        const { rowCount } = await this.#pool.query(
            `INSERT INTO used_visit_passes (pass_id, member_number, host_club, expires_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (pass_id) DO NOTHING`,
            [claims.passId, claims.memberNumber, hostClub, claims.expiresAt],
        );
        if (rowCount !== 1) {
            throw new ApiError(ApiErrorCode.CONFLICT, 'the visit pass was already used', { reason: 'VISIT_PASS_REUSED' });
        }
    }

    /** Gives a pass back when the check-in it was presented for did not happen. */
    async release(claims: VisitPassClaims): Promise<void> {
        await this.#pool.query('DELETE FROM used_visit_passes WHERE pass_id = $1', [claims.passId]);
    }

    /** Forgets passes that can no longer be presented anyway. */
    async forgetExpired(now: Date = new Date()): Promise<number> {
        return (await this.#pool.query('DELETE FROM used_visit_passes WHERE expires_at < $1', [now])).rowCount ?? 0;
    }
}
