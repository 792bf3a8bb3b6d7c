import { Inject, Injectable } from '@nestjs/common';
import type { ImpersonationDecision } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { userRef } from '../common/user-ref';
import { CLOCK, Clock } from '../kernel/clock';
import { ProblemError } from '../kernel/problem';
import { RequestContext } from '../kernel/request-context';
import { ImpersonationService } from '../impersonation/impersonation.service';
import type { DecisionFacts } from '../impersonation/policy';
import { RunRepository, RunState } from '../webapps/run.repository';
import { webappNotFound, WebappRepository } from '../webapps/webapp.repository';
import { ActingDecision, actingDecision } from './acting-policy';
import { RuntimeFacts } from './runtime-facts.service';

/**
 * `GET /impersonation/check`: may A act as V (in webapp W), and why. Nothing is issued; every
 * question is audited with its answer. Without a webapp, the policy's rules about people; with
 * one, the same rules the token exchange applies (the webapp allows impersonation, it has a live
 * run running as A, V may view it), judged on that run.
 */
@Injectable()
export class ActingCheck {
  constructor(
    private readonly impersonation: ImpersonationService,
    private readonly facts: RuntimeFacts,
    private readonly runs: RunRepository,
    private readonly webapps: WebappRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async check(actor: string, subject: string, webappId: string | undefined, ctx: RequestContext): Promise<ImpersonationDecision> {
    const people = await this.impersonation.decide(userRef(actor), userRef(subject));
    if (!people) throw new ProblemError('not-found', 'No such actor or subject.');
    const { facts } = people;
    let decision: ActingDecision = people.decision;
    let webapp: ImpersonationDecision['webapp'];
    if (webappId !== undefined) {
      const judged = await this.inWebapp(webappId, facts);
      decision = judged.decision;
      webapp = judged.webapp;
    }
    const grant = decision.grant && {
      sourceGroup: decision.grant.sourceGroup,
      targetGroup: decision.grant.targetGroup,
      reason: decision.grant.reason,
      expiresAt: decision.grant.expiresAt?.toISOString() ?? null,
    };
    const answer: ImpersonationDecision = {
      allowed: decision.allowed,
      reason: decision.reason,
      actor: { id: facts.actor.id, login: facts.actor.login },
      subject: { id: facts.subject.id, login: facts.subject.login },
      ...(webapp ? { webapp } : {}),
      ...(grant ? { grant } : {}),
    };
    await this.audit.record(
      {
        action: 'impersonation.check',
        outcome: decision.allowed ? 'allowed' : 'denied',
        reason: decision.reason,
        onBehalfOf: { userId: facts.subject.id, login: facts.subject.login },
        target: { type: 'user', id: facts.actor.id },
        ...(webapp ? { webappId: webapp.id } : {}),
        details: { actor: facts.actor.login, subject: facts.subject.login, grant: grant ?? null, ...(webapp ? { runId: webapp.runId } : {}) },
      },
      ctx,
    );
    return answer;
  }

  /**
   * The exchange's rules in webapp `webappId`, on its live run running as the actor (else on one
   * of its live runs, which is not the actor's; with none, as a stopped run).
   */
  private async inWebapp(webappId: string, facts: DecisionFacts): Promise<{ decision: ActingDecision; webapp: NonNullable<ImpersonationDecision['webapp']> }> {
    const [policy, record, viewer, live] = await Promise.all([
      this.facts.webapp(webappId),
      this.webapps.get(webappId, facts.actor.id),
      this.facts.user(facts.subject.id),
      this.runs.live({ webappId }),
    ]);
    if (!policy || !record) throw webappNotFound(webappId);
    if (!viewer) throw new ProblemError('not-found', 'No such actor or subject.');
    const candidates = [...live.filter((r) => r.identity.userId === facts.actor.id), ...live.filter((r) => r.identity.userId !== facts.actor.id)];
    let chosen: { id: string; state: RunState } | undefined;
    for (const run of candidates) {
      const state = await this.facts.run(run.id);
      if (state && !state.stopped) {
        chosen = { id: run.id, state };
        break;
      }
    }
    const run: RunState = chosen?.state ?? { webappId, identityUserId: facts.actor.id, startedAt: this.clock.now(), stopped: true };
    const mine = chosen !== undefined && chosen.state.identityUserId === facts.actor.id;
    return {
      decision: actingDecision({ run, actorId: facts.actor.id, webapp: policy, viewer, grantFacts: facts }, this.clock.now()),
      webapp: { id: policy.id, name: record.name, runId: mine ? (chosen?.id ?? null) : null },
    };
  }
}
