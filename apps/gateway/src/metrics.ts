import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The gateway's metrics, per webapp (by slug): requests by status class, upstream latency, open websockets. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'behalf_gateway_requests_total',
    help: 'Requests the gateway answered, per webapp and status class.',
    labelNames: ['webapp', 'status_class'] as const,
    registers: [this.registry],
  });
  private readonly upstream = new Histogram({
    name: 'behalf_gateway_upstream_duration_seconds',
    help: 'Time to the upstream’s response headers, per webapp.',
    labelNames: ['webapp'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly websockets = new Gauge({
    name: 'behalf_gateway_websockets_open',
    help: 'Websockets open through the gateway, per webapp.',
    labelNames: ['webapp'] as const,
    registers: [this.registry],
  });

  request(webapp: string, status: number): void {
    this.requests.inc({ webapp, status_class: `${Math.floor(status / 100)}xx` });
  }

  upstreamSeconds(webapp: string, seconds: number): void {
    this.upstream.observe({ webapp }, seconds);
  }
}
