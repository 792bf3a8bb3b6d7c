import { Inject, Injectable } from '@nestjs/common';
import type {
  Dataset,
  DatasetAccessLevel,
  DatasetGroupAccess,
  DatasetGroupPermission,
  DatasetPermissions,
  LaunchMount,
  Page,
  RefusalCode,
  UserSummary,
} from '@behalf/contracts';
import { REFUSALS } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { Transactions } from '../platform/database/transactions';
import { RequestContext } from '../kernel/request-context';
import type { Principal } from '../kernel/principal';
import { changesBetween } from '../common/changes';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { ProblemError } from '../kernel/problem';
import { requestedOwner } from '../identity/requested-owner';
import { UserRepository } from '../identity/user.repository';
import { BLOB_STORE } from './blob-store.provider';
import type { BlobStore } from './blob-store';
import { DatasetAccess, datasetAccess, reaches } from './dataset-access';
import { datasetNotFound, DatasetRecord, DatasetRepository } from './dataset.repository';

export type AuthenticatedContext = RequestContext & { principal: Principal };

/** A dataset as one caller sees it, with their access. */
export type AuthorizedDataset = DatasetRecord & { access: DatasetAccess };

/** The catalogue's refusal for each level a caller's access falls short of. */
const DENIAL: Record<DatasetAccessLevel, RefusalCode> = { read: 'dataset_read_denied', write: 'dataset_write_denied', manage: 'not_dataset_owner' };

function toDataset(record: DatasetRecord, access: DatasetAccess): Dataset {
  const { id, name, description, owner, createdAt, updatedAt } = record;
  return { id, name, description, owner, createdAt, updatedAt, access: access === 'none' ? 'read' : access };
}

/**
 * Datasets and who may use them. Every check goes through the caller's principal, so a session
 * user, an API key's owner and a webapp backend (as its run identity) get exactly that user's
 * rights.
 */
@Injectable()
export class DatasetsService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The dataset if the caller's access reaches `level`. One they may not even read is a 404, so
   * its existence does not leak; one they read but may not write or manage is an audited 403.
   * A backend acting as a viewer gets an audited 403 for a dataset it reads itself but the
   * viewer may not: its existence is no secret to the backend, and the refusal is the viewer's.
   */
  async authorize(id: string, ctx: AuthenticatedContext, level: DatasetAccessLevel): Promise<AuthorizedDataset> {
    const dataset = await this.datasets.get(id, ctx.principal.userId);
    const access = dataset ? datasetAccess(ctx.principal, { ownerUserId: dataset.owner.id, groupAccess: dataset.groupAccess }) : 'none';
    if (dataset && access === 'none' && (await this.actorReads(id, ctx.principal))) {
      await this.audit.record({ action: 'access.denied', outcome: 'denied', reason: 'dataset_read_denied', target: { type: 'dataset', id } }, ctx);
      throw new ProblemError('forbidden', `${ctx.principal.login}, on whose behalf this token acts, may not read this dataset.`);
    }
    if (!dataset || access === 'none') throw datasetNotFound(id);
    if (!reaches(access, level)) {
      const denial = DENIAL[level];
      await this.audit.record({ action: 'access.denied', outcome: 'denied', reason: denial, target: { type: 'dataset', id } }, ctx);
      throw new ProblemError(REFUSALS[denial].problem, REFUSALS[denial].message);
    }
    return { ...dataset, access };
  }

  /** Whether the backend behind an impersonation token may read the dataset as itself. */
  private async actorReads(id: string, principal: AuthenticatedContext['principal']): Promise<boolean> {
    if (principal.via.kind !== 'impersonation') return false;
    const actor = principal.via.actor;
    const asActor = await this.datasets.get(id, actor.userId);
    return asActor !== null && datasetAccess(actor, { ownerUserId: asActor.owner.id, groupAccess: asActor.groupAccess }) !== 'none';
  }

  async create(input: { name: string; description: string }, ctx: AuthenticatedContext): Promise<Dataset> {
    const owner: UserSummary = { id: ctx.principal.userId, login: ctx.principal.login };
    const record = await this.datasets.create({ ...input, owner, at: this.clock.now() });
    await this.audit.record(
      { action: 'dataset.create', outcome: 'succeeded', target: { type: 'dataset', id: record.id }, details: { name: record.name } },
      ctx,
    );
    return toDataset(record, 'manage');
  }

  async get(id: string, ctx: AuthenticatedContext): Promise<Dataset> {
    const dataset = await this.authorize(id, ctx, 'read');
    return toDataset(dataset, dataset.access);
  }

  async list(ctx: AuthenticatedContext, limit: number, cursor: string | undefined): Promise<Page<Dataset>> {
    const after = decodeCursor(cursor, ['text'])?.[0];
    const rows = await this.datasets.listReadable({ id: ctx.principal.userId, admin: ctx.principal.permissions.has('admin') }, after, limit + 1);
    return toPage(
      rows,
      limit,
      (r) => toDataset(r, datasetAccess(ctx.principal, { ownerUserId: r.owner.id, groupAccess: r.groupAccess })),
      (r) => [r.name],
    );
  }

  async update(id: string, patch: { name?: string; description?: string; ownerUserId?: string }, ctx: AuthenticatedContext): Promise<Dataset> {
    const before = await this.authorize(id, ctx, 'manage');
    const owner = await requestedOwner(patch.ownerUserId, before.owner, ctx.principal, this.users, 'dataset');
    const after = await this.datasets.update(id, { name: patch.name, description: patch.description, owner, at: this.clock.now() }, ctx.principal.userId);
    const changes = changesBetween(toDataset(before, 'manage'), toDataset(after, 'manage'), ['name', 'description', 'owner']);
    await this.audit.record({ action: 'dataset.update', outcome: 'succeeded', target: { type: 'dataset', id }, details: { changes } }, ctx);
    return toDataset(after, datasetAccess(ctx.principal, { ownerUserId: after.owner.id, groupAccess: after.groupAccess }));
  }

  /** Deletes the dataset, its permissions and its files (metadata first: no reader finds a file half gone). */
  async delete(id: string, ctx: AuthenticatedContext): Promise<void> {
    const dataset = await this.authorize(id, ctx, 'manage');
    if (!(await this.datasets.delete(id))) throw datasetNotFound(id);
    await this.audit.record({ action: 'dataset.delete', outcome: 'succeeded', target: { type: 'dataset', id }, details: { name: dataset.name } }, ctx);
    // The files' content goes once the deletion has committed.
    this.transactions.afterCommit(() => this.blobs.deleteNamespace(id));
  }

  async permissions(id: string, ctx: AuthenticatedContext): Promise<DatasetPermissions> {
    const dataset = await this.authorize(id, ctx, 'manage');
    return { owner: dataset.owner, groups: await this.datasets.permissions(id) };
  }

  async setGroupPermission(
    id: string,
    groupId: string,
    access: DatasetGroupAccess,
    ctx: AuthenticatedContext,
  ): Promise<{ created: boolean; permission: DatasetGroupPermission }> {
    await this.authorize(id, ctx, 'manage');
    const result = await this.datasets.setPermission(id, groupId, access, this.clock.now());
    if (!result) throw new ProblemError('not-found', `No group has id ${groupId}.`);
    await this.audit.record(
      {
        action: 'dataset.permission.set',
        outcome: 'succeeded',
        target: { type: 'dataset', id },
        details: { groupId, groupName: result.permission.groupName, access: { from: result.previous, to: access } },
      },
      ctx,
    );
    return { created: result.previous === null, permission: result.permission };
  }

  async removeGroupPermission(id: string, groupId: string, ctx: AuthenticatedContext): Promise<void> {
    await this.authorize(id, ctx, 'manage');
    const previous = await this.datasets.removePermission(id, groupId);
    if (!previous) throw new ProblemError('not-found', `Group ${groupId} holds no permission on this dataset.`);
    await this.audit.record(
      { action: 'dataset.permission.remove', outcome: 'succeeded', target: { type: 'dataset', id }, details: { groupId, access: previous } },
      ctx,
    );
  }

  /** What a run whose identity is `identity` mounts: every dataset it may read, `rw` where it may write. */
  async mountsFor(identity: Pick<Principal, 'userId' | 'permissions'>): Promise<LaunchMount[]> {
    const readable = await this.datasets.listReadable({ id: identity.userId, admin: identity.permissions.has('admin') });
    return readable.map((d) => ({
      datasetId: d.id,
      name: d.name,
      path: `/data/${d.name}`,
      mode: reaches(datasetAccess(identity, { ownerUserId: d.owner.id, groupAccess: d.groupAccess }), 'write') ? 'rw' : 'ro',
    }));
  }
}
