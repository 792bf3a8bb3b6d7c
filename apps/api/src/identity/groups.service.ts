import { Inject, Injectable } from '@nestjs/common';
import type { Group, GroupMember, Page } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { changesBetween } from '../common/changes';
import { decodeCursor, toPage } from '../kernel/pagination';
import { GroupInput, groupNotFound, GroupRepository } from './group.repository';
import { RUN_AUTHORITY, RunAuthorityPort } from './run-authority.port';
import { userNotFound, UserRepository } from './user.repository';

@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    @Inject(RUN_AUTHORITY) private readonly runs: RunAuthorityPort,
  ) {}

  async create(input: GroupInput & { name: string }, ctx: RequestContext): Promise<Group> {
    const group = await this.groups.create(input);
    await this.audit.record(
      { action: 'group.create', outcome: 'succeeded', target: { type: 'group', id: group.id }, details: { name: group.name, permissions: group.permissions } },
      ctx,
    );
    return group;
  }

  async get(id: string): Promise<Group> {
    const group = await this.groups.get(id);
    if (!group) throw groupNotFound(id);
    return group;
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<Group>> {
    const [afterName] = decodeCursor(cursor, ['text']) ?? [];
    return toPage(
      await this.groups.list(afterName, limit + 1),
      limit,
      (g) => g,
      (g) => [g.name],
    );
  }

  /** Taking `admin` away from a group is refused (409) when it would leave no active admin. */
  async update(id: string, input: GroupInput, ctx: RequestContext): Promise<Group> {
    const before = await this.get(id);
    const group = await this.groups.preservingAnAdmin(() => this.groups.update(id, input), 'The group cannot lose its admin permission');
    // Permissions are reported one by one (`permissions.admin`), not as one object.
    const flat = (g: Group) => ({
      name: g.name,
      description: g.description,
      ...Object.fromEntries(Object.entries(g.permissions).map(([p, v]) => [`permissions.${p}`, v])),
    });
    const changes = changesBetween(flat(before), flat(group));
    await this.audit.record({ action: 'group.update', outcome: 'succeeded', target: { type: 'group', id }, details: { name: group.name, changes } }, ctx);
    // A permission taken from a starter, or given to a run identity, may end runs.
    if (input.permissions) await this.runs.reconcile('all', ctx);
    return group;
  }

  async delete(id: string, ctx: RequestContext): Promise<void> {
    const group = await this.groups.preservingAnAdmin(() => this.groups.delete(id), 'The group cannot be deleted');
    await this.audit.record({ action: 'group.delete', outcome: 'succeeded', target: { type: 'group', id }, details: { name: group.name } }, ctx);
    await this.runs.reconcile('all', ctx);
  }

  /** Idempotent: adding an existing member changes nothing and records nothing. */
  async addMember(groupId: string, userId: string, ctx: RequestContext): Promise<void> {
    const [group, user] = await Promise.all([this.get(groupId), this.users.get(userId)]);
    if (!user) throw userNotFound(userId);
    if (await this.groups.addMember(groupId, userId)) {
      await this.audit.record(
        { action: 'group.member.add', outcome: 'succeeded', target: { type: 'group', id: groupId }, details: { group: group.name, userId, login: user.login } },
        ctx,
      );
      // A run identity may now hold a permission its starters lack.
      await this.runs.reconcile({ userIds: [userId] }, ctx);
    }
  }

  /** Idempotent; removing the last active admin from the admin groups is a 409. */
  async removeMember(groupId: string, userId: string, ctx: RequestContext): Promise<void> {
    const [group, user] = await Promise.all([this.get(groupId), this.users.get(userId)]);
    if (!user) throw userNotFound(userId);
    const removed = await this.groups.preservingAnAdmin(() => this.groups.removeMember(groupId, userId), 'The user cannot leave the group');
    if (removed) {
      await this.audit.record(
        {
          action: 'group.member.remove',
          outcome: 'succeeded',
          target: { type: 'group', id: groupId },
          details: { group: group.name, userId, login: user.login },
        },
        ctx,
      );
      // A starter may have lost the right to start (a permission, or a viewer group).
      await this.runs.reconcile({ userIds: [userId] }, ctx);
    }
  }

  async members(groupId: string, limit: number, cursor: string | undefined): Promise<Page<GroupMember>> {
    await this.get(groupId);
    const [afterLogin] = decodeCursor(cursor, ['text']) ?? [];
    return toPage(
      await this.groups.members(groupId, afterLogin, limit + 1),
      limit,
      (m) => m,
      (m) => [m.login],
    );
  }
}
