import { Gauge, Registry } from 'prom-client';
import { CounterSeries, HistogramSeries, PreparedCounter, PreparedHistogram } from '@behalf/server';

/** The gateway's metrics, per webapp (by slug): requests by status class, upstream latency, open websockets. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new PreparedCounter({
    name: 'behalf_gateway_requests_total',
    help: 'Requests the gateway answered, per webapp and status class.',
    labelNames: ['webapp', 'status_class'] as const,
    registers: [this.registry],
  });
  private readonly upstream = new PreparedHistogram({
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

  /** Labelled series, looked up once per webapp and status class rather than hashed per request. */
  private readonly requestSeries = new Map<string, CounterSeries>();
  private readonly upstreamSeries = new Map<string, HistogramSeries>();

  request(webapp: string, status: number): void {
    const statusClass = `${Math.floor(status / 100)}xx`;
    const key = `${webapp} ${statusClass}`;
    let series = this.requestSeries.get(key);
    if (!series) this.requestSeries.set(key, (series = this.requests.series({ webapp, status_class: statusClass })));
    series.inc();
  }

  upstreamSeconds(webapp: string, seconds: number): void {
    let series = this.upstreamSeries.get(webapp);
    if (!series) this.upstreamSeries.set(webapp, (series = this.upstream.series({ webapp })));
    series.observe(seconds);
  }
}
