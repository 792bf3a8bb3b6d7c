import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { CONFIG, Config } from '../platform/config/config';

/**
 * How often one webapp run may call the token endpoint and the runtime endpoints, per replica:
 * `BEHALF_RUNTIME_RATE_PER_SECOND` on average over two seconds, so bursts of twice that pass. A
 * compromised or looping backend cannot drown the API, nor the audit log in decisions.
 */
@Injectable()
export class RunRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(@Inject(CONFIG) config: Config) {
    this.limiter = new RateLimiterMemory({ keyPrefix: 'run', points: 2 * config.runtimeRatePerSecond, duration: 2 });
  }

  /** Counts one call of `runId`; the seconds to wait when over the limit, else null. */
  async consume(runId: string): Promise<number | null> {
    try {
      await this.limiter.consume(runId);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
