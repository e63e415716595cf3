import { Contract } from 'fabric-contract-api';
import { RecordContext } from './context';
import { ChaincodeError, ErrorCode } from './errors';

/**
 * Base of every contract: gives transactions a RecordContext and refuses unknown functions clearly.
 * Contracts import RecordContext as a value, not `import type`: fabric-contract-api recognises the context
 * parameter by its emitted design type, and a type-only import emits `Object`, which breaks dispatch.
 */
export abstract class RecordContract extends Contract {
    override createContext(): RecordContext {
        return new RecordContext();
    }

    override unknownTransaction(ctx: RecordContext): Promise<void> {
        const { fcn } = ctx.stub.getFunctionAndParameters();
        throw new ChaincodeError(ErrorCode.NOT_FOUND, `no transaction ${fcn} in contract ${this.getName()}`);
    }
}
