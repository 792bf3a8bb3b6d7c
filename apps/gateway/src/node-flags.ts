/**
 * The Node flags every start of the gateway uses: `npm start`, `npm run start:gateway`, the image,
 * the Nx `serve` target, the tests and the benchmark (a spec keeps the literal copies equal).
 *
 * A proxied request leaves about 36 KB of short-lived garbage (Fastify's request and reply,
 * undici's request, stream state, headers). V8's young generation starts at 1 MB a half and
 * grows only when much survives, which a proxy's garbage never does: at 2,000 requests/s it
 * scavenged about 20 times a second, and the requests caught in those pauses were the gateway's
 * p99. A 16 MB half (64 MB at most) scavenges about twice a second, and each scavenge costs
 * about as much, since what it copies is what is still in flight. Measured with
 * `npm run bench:gateway` (docs/operations.md), three runs: the gateway's paced p99 2.7–3.7 ms
 * against 4.4 ms, throughput 1.4–1.6× CHP's against 1.1×. It costs 32 MB of reserved memory (up to 128 MB under heavy load).
 *
 * `--no-memory-reducer`: after a lull V8's memory reducer shrank the heap, and the first second of
 * traffic after it ran 15–60 ms behind (a 300–830 ms p99 on that bench leg in seven runs of seven;
 * none in the run without it). The gateway keeps its heap through lulls instead.
 *
 * `--no-parallel-scavenge`: a scavenge copies what is still in flight, about 80 KB, too little to
 * share. Shared with V8's helper threads, the main thread waited at the end for a helper the OS
 * had not run yet, while the webapp and its clients kept the other cores busy. Under the
 * benchmark's paced load (`--trace-gc-nvp`, 12-03, three runs each, 195 scavenges): pauses 1.2 ms
 * at the median, 2.1 ms at p90, 20 over 2 ms; on the main thread alone 0.9 ms, 1.3 ms and 4 over
 * 2 ms; the gateway's paced p99 (median of four rounds) 4.09–4.72 ms against 3.11–3.46 ms.
 * Concurrent marking and sweeping of the old generation are left as they are.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--max-semi-space-size=64', '--no-memory-reducer', '--no-parallel-scavenge'];

/** The flags of {@link GATEWAY_NODE_FLAGS} this process was started without. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return GATEWAY_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
