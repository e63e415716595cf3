import type { ExecutionResult } from 'graphql';

/** A GraphQL over SSE response (Yoga's distinct-connections mode) as a client reads it. */
export interface EventStream {
    /** One result per `next` event, until `complete` or the end of the body. */
    readonly results: AsyncGenerator<ExecutionResult, void>;
    /** Cancels the response, as a client going away does: the server ends the subscription. A pending read ends. */
    close(): Promise<void>;
}

/** One message of a `text/event-stream` body: its `event` and `data` fields (comments, the keep-alive pings, dropped). */
function fieldsOf(message: string): { readonly event?: string; readonly data?: string } {
    const fields = message
        .split('\n')
        .filter((line) => !line.startsWith(':'))
        .map((line) => /^([^:]+):\s?(.*)$/.exec(line))
        .filter((match) => match !== null)
        .map(([, name = '', value = '']) => [name, value] as const);
    return Object.fromEntries(fields);
}

async function* resultsOf(reader: ReadableStreamDefaultReader<string>): AsyncGenerator<ExecutionResult, void> {
    let buffered = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffered += chunk.value;
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
            const { event, data } = fieldsOf(buffered.slice(0, end));
            buffered = buffered.slice(end + 2);
            if (event === 'complete') {
                return;
            }
            if (event === 'next' && data !== undefined) {
                yield JSON.parse(data) as ExecutionResult;
            }
        }
    }
}

export function openEventStream(response: Response): EventStream {
    if (response.body === null) {
        throw new Error('the response has no body');
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    return { results: resultsOf(reader), close: () => reader.cancel() };
}
