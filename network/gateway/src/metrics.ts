import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The gateway's Prometheus metrics. */
export class Metrics {
    readonly registry = new Registry();
    readonly requests: Counter<'method' | 'code'>;
    readonly duration: Histogram<'method'>;
    readonly relayStreams: Gauge;
    readonly secondsSincePeerAnswer: Gauge;

    constructor(sincePeerAnswerMs: () => number) {
        this.requests = new Counter({ name: 'gateway_requests_total', help: 'Gateway RPCs by method and gRPC status code', labelNames: ['method', 'code'], registers: [this.registry] });
        this.duration = new Histogram({
            name: 'gateway_request_duration_seconds',
            help: 'Gateway RPC duration (unary RPCs)',
            labelNames: ['method'],
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            registers: [this.registry],
        });
        this.relayStreams = new Gauge({ name: 'gateway_deliver_relay_streams', help: 'Deliver streams currently relayed to the peer', registers: [this.registry] });
        this.secondsSincePeerAnswer = new Gauge({
            name: 'gateway_peer_seconds_since_answer',
            help: "Seconds since the gateway's own peer last answered (-1: never)",
            registers: [this.registry],
            collect() {
                const ms = sincePeerAnswerMs();
                this.set(Number.isFinite(ms) ? ms / 1000 : -1);
            },
        });
    }
}
