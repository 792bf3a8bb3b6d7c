import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { HistogramSeries, PreparedHistogram } from '@behalf/server';

/**
 * The Prometheus registry of this app instance (not prom-client's global one, so several
 * instances in one process, as in tests, never collide). Domains add their own counters here.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly latency = new PreparedHistogram({
    name: 'behalf_http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** The histogram's counts, read when scraped: a request is counted once, by the latency it took. */
  private readonly requests = new Counter({
    name: 'behalf_http_requests_total',
    help: 'HTTP requests served, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
    collect: () => {
      this.requests.reset();
      this.latency.forEachSeries((labels, count) => this.requests.inc(labels, count));
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Each label set's series, looked up once by a key built from the labels. */
  private readonly series = new Map<string, HistogramSeries>();

  /**
   * Counts every response. The route label is the route pattern, never the raw URL, so the label
   * sets (and {@link series}) are bounded by routes × methods × statuses.
   */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.seriesOf(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode).observe(reply.elapsedTime / 1000);
      done();
    });
  }

  private seriesOf(method: string, route: string, status: number): HistogramSeries {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = this.latency.series({ method, route, status: String(status) });
      this.series.set(key, series);
    }
    return series;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
