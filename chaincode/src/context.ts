import { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { ChaincodeError, ErrorCode } from './errors';
import { WorldState, toLedgerBytes } from './ledger/state';
import { ACTOR_TRANSIENT_KEY, ClubRole } from './model/common';
import type { ChangeStamp } from './model/common';
import type { EntityChange, EventName, LedgerEvent } from './model/events';

const MAX_ACTOR_LENGTH = 256;
const MAX_ARGUMENT_LENGTH = 64 * 1024;

/** The submitting club and the role its certificate carries in `club.role`. */
export interface Caller {
    readonly mspId: string;
    readonly role: ClubRole | undefined;
}

/** Per-transaction context: who calls, when (transaction time), the world state, and the one event. */
export class RecordContext extends Context {
    #state: WorldState | undefined;
    #eventSet = false;

    get state(): WorldState {
        this.#state ??= new WorldState(this.stub);
        return this.#state;
    }

    get caller(): Caller {
        const role = ClubRole.safeParse(this.clientIdentity.getAttributeValue('club.role'));
        return { mspId: this.clientIdentity.getMSPID(), role: role.success ? role.data : undefined };
    }

    /** Refuses the transaction unless the caller's certificate carries one of `roles`. */
    requireRole(...roles: ClubRole[]): Caller {
        const caller = this.caller;
        if (caller.role === undefined || !roles.includes(caller.role)) {
            throw new ChaincodeError(
                ErrorCode.FORBIDDEN,
                `club.role ${caller.role ?? '(none)'} of ${caller.mspId} may not do this; needs ${roles.join(' or ')}`,
            );
        }
        return caller;
    }

    /** Refuses a caller whose certificate carries no club role: reads are open to every role of a channel club. */
    requireReader(): Caller {
        return this.requireRole(...ClubRole.options);
    }

    /** The acting person: the API's JWT subject from the transient map, else the certificate's ID. */
    get actor(): string {
        const named = this.stub.getTransient().get(ACTOR_TRANSIENT_KEY);
        if (named === undefined || named.length === 0) {
            return this.clientIdentity.getID();
        }
        const actor = Buffer.from(named).toString('utf8');
        if (actor.length > MAX_ACTOR_LENGTH) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `actor is longer than ${MAX_ACTOR_LENGTH} characters`);
        }
        return actor;
    }

    /** The transaction timestamp: every endorser agrees on it, unlike the clock. */
    get now(): Date {
        return this.stub.getDateTimestamp();
    }

    /** The transaction's calendar date in UTC, `YYYY-MM-DD`. */
    get today(): string {
        return this.now.toISOString().slice(0, 10);
    }

    get txId(): string {
        return this.stub.getTxID();
    }

    stamp(): ChangeStamp {
        return { by: this.actor, club: this.caller.mspId, at: this.now.toISOString(), txId: this.txId };
    }

    /** Sets the transaction's one chaincode event. A second call is a programming error. */
    emit(name: EventName, parties: readonly string[], changes: readonly EntityChange[]): LedgerEvent {
        if (this.#eventSet) {
            throw new Error(`a transaction emits one event; ${name} would replace the first`);
        }
        this.#eventSet = true;
        const event: LedgerEvent = {
            name,
            txId: this.txId,
            timestamp: this.now.toISOString(),
            actor: this.actor,
            submitter: this.caller.mspId,
            parties: [...new Set(parties)].sort(),
            changes,
        };
        this.stub.setEvent(name, toLedgerBytes(event));
        return event;
    }
}

/** Parses a JSON argument against its schema; any failure is INVALID_ARGUMENT naming the field. */
export function parseArgument<S extends z.ZodType>(schema: S, json: string, name: string): z.infer<S> {
    if (typeof json !== 'string' || json.length > MAX_ARGUMENT_LENGTH) {
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a JSON string of at most ${MAX_ARGUMENT_LENGTH} characters`);
    }
    let raw: unknown;
    try {
        raw = JSON.parse(json);
    } catch {
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `${name} is not valid JSON`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
        const issues = parsed.error.issues
            .map((issue) => `${[name, ...issue.path.map(String)].join('.')}: ${issue.message}`)
            .join('; ');
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, issues);
    }
    return parsed.data;
}

/** Validates a plain string argument (an ID, a member number) against its schema. */
export function parseValue<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
        const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `${name}: ${reason}`);
    }
    return parsed.data;
}
