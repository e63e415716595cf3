/** A chaincode event's payload read as JSON, or why it is not JSON. */
export type PayloadJson = { readonly json: unknown; readonly text: string } | { readonly failure: unknown };

const readings = new WeakMap<Uint8Array, PayloadJson>();

/** Parses an event payload once however often it is read: the history and the projections both read it. */
export function payloadJson(payload: Uint8Array): PayloadJson {
    let reading = readings.get(payload);
    if (reading === undefined) {
        try {
            const text = Buffer.from(payload).toString('utf8');
            reading = { json: JSON.parse(text), text };
        } catch (failure) {
            reading = { failure };
        }
        readings.set(payload, reading);
    }
    return reading;
}
