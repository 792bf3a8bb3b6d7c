/**
 * When a run started at `startedAt` ends at the latest: the maximum run lifetime in force
 * (`maxRunLifetimeSeconds` of the security settings). The one place that adds them up, for the
 * run's `endsAt`, its tokens' expiry, the runtime's refusal and the sweep.
 */
export function runEndsAt(startedAt: Date | string, maxRunLifetimeSeconds: number): Date {
  return new Date(new Date(startedAt).getTime() + maxRunLifetimeSeconds * 1000);
}
