import { Counter, Histogram, Registry } from 'prom-client';
import { PreparedCounter, PreparedHistogram } from './metrics';

const BUCKETS = [0.001, 0.005, 0.01, 0.1, 1];
const OBSERVATIONS: [Record<'method' | 'route', string>, number][] = [
  [{ method: 'GET', route: '/healthz' }, 0.0004],
  [{ method: 'GET', route: '/healthz' }, 0.001],
  [{ method: 'GET', route: '/healthz' }, 0.0011],
  [{ method: 'POST', route: '/oauth/token' }, 0.02],
  [{ method: 'POST', route: '/oauth/token' }, 3],
  [{ method: 'GET', route: '/healthz' }, 0],
  [{ method: 'GET', route: '/a "quoted"\\route' }, 0.1],
];

/** prom-client's own metric and ours, each in a registry of its own, fed the same observations. */
function both<M>(make: (registry: Registry, prepared: boolean) => M): { ours: M; theirs: M; render: () => Promise<[string, string]> } {
  const [a, b] = [new Registry(), new Registry()];
  return { ours: make(a, true), theirs: make(b, false), render: async () => [await a.metrics(), await b.metrics()] };
}

describe('PreparedHistogram', () => {
  function histograms() {
    return both((registry, prepared) => {
      const config = { name: 'h_seconds', help: 'H.', labelNames: ['method', 'route'] as const, buckets: BUCKETS, registers: [registry] };
      return prepared ? new PreparedHistogram(config) : new Histogram(config);
    });
  }

  it('renders exactly what prom-client renders for the same observations, label sets in first-use order', async () => {
    const { ours, theirs, render } = histograms();
    for (const [labels, value] of OBSERVATIONS) {
      (ours as PreparedHistogram<'method' | 'route'>).series(labels).observe(value);
      theirs.observe(labels, value);
    }
    const [mine, reference] = await render();
    expect(mine).toBe(reference);
    expect(mine).toContain('h_seconds_bucket{le="0.001",method="GET",route="/healthz"} 3');
    expect(mine).toContain('h_seconds_bucket{le="+Inf",method="POST",route="/oauth/token"} 2');
    expect(mine).toContain('h_seconds_sum{method="POST",route="/oauth/token"} 3.02');
  });

  it('answers the same JSON as prom-client, and one series per label set however often it is asked for', async () => {
    const { ours, theirs } = histograms();
    const prepared = ours as PreparedHistogram<'method' | 'route'>;
    expect(prepared.series({ method: 'GET', route: '/healthz' })).toBe(prepared.series({ route: '/healthz', method: 'GET' }));
    for (const [labels, value] of OBSERVATIONS) {
      prepared.series(labels).observe(value);
      theirs.observe(labels, value);
    }
    // prom-client adds an empty exemplar to each value; the registry's renderings were compared above.
    const plain = ({ values, ...rest }: Awaited<ReturnType<typeof ours.get>>) => ({
      ...rest,
      values: values.map(({ labels, value, metricName }) => ({ labels, value, metricName })),
    });
    expect(plain(await ours.get())).toEqual(plain(await theirs.get()));
  });

  it('counts per series for a companion counter, and forgets everything on reset', async () => {
    const { ours } = histograms();
    const prepared = ours as PreparedHistogram<'method' | 'route'>;
    for (const [labels, value] of OBSERVATIONS) prepared.series(labels).observe(value);
    const counts: [string, number][] = [];
    prepared.forEachSeries((labels, count) => counts.push([`${labels.method} ${labels.route}`, count]));
    expect(counts).toEqual([
      ['GET /healthz', 4],
      ['POST /oauth/token', 2],
      ['GET /a "quoted"\\route', 1],
    ]);
    prepared.reset();
    expect((await prepared.get()).values).toEqual([]);
  });

  it("refuses prom-client's own observe and labels, so no figure is kept in two places", () => {
    const { ours } = histograms();
    expect(() => ours.observe({ method: 'GET', route: '/' }, 1)).toThrow('h_seconds: observe through series(labels)');
    expect(() => ours.labels({ method: 'GET', route: '/' })).toThrow('observe through series(labels)');
    expect(() => (ours as PreparedHistogram<'method' | 'route'>).series({ method: 'GET', path: '/' } as never)).toThrow('h_seconds: no label named path');
  });
});

describe('PreparedCounter', () => {
  it('renders exactly what prom-client renders for the same increments, scrape after scrape', async () => {
    const { ours, theirs, render } = both((registry, prepared) => {
      const config = { name: 'c_total', help: 'C.', labelNames: ['webapp', 'status_class'] as const, registers: [registry] };
      return prepared ? new PreparedCounter(config) : new Counter(config);
    });
    const prepared = ours as PreparedCounter<'webapp' | 'status_class'>;
    const increments = [
      { webapp: 'a', status_class: '2xx' },
      { webapp: 'a', status_class: '2xx' },
      { webapp: 'b', status_class: '5xx' },
    ];
    for (const labels of increments) {
      prepared.series(labels).inc();
      theirs.inc(labels);
    }
    const [first, reference] = await render();
    expect(first).toBe(reference);
    expect(first).toContain('c_total{webapp="a",status_class="2xx"} 2');
    prepared.series({ webapp: 'a', status_class: '2xx' }).inc();
    theirs.inc({ webapp: 'a', status_class: '2xx' });
    const [second, reference2] = await render();
    expect(second).toBe(reference2);
    expect(second).toContain('c_total{webapp="a",status_class="2xx"} 3');
  });
});
