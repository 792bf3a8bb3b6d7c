import { Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Group, GroupMember, Page } from '@behalf/contracts';
import { z } from 'zod';
import { listQuery } from '../kernel/pagination';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { GroupsService } from './groups.service';
import { createGroupBody, idParams, memberParams, updateGroupBody } from './identity.dto';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { groupMemberSchema, groupSchema } from './identity.schemas';

@ApiTags('groups')
@Controller('api/v1/groups')
@Authenticated({ permission: 'admin' })
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @ApiOperation({ summary: 'Creates a group with its permissions.' })
  @ApiJsonResponse(201, groupSchema, 'The group.')
  @ApiProblems('conflict')
  create(@ValidBody(createGroupBody) body: z.infer<typeof createGroupBody>, @Ctx() ctx: RequestContext): Promise<Group> {
    return this.groups.create(body, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Lists groups by name.' })
  @ApiJsonResponse(200, pageOf(groupSchema), 'A page of groups.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>): Promise<Page<Group>> {
    return this.groups.list(query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One group.' })
  @ApiJsonResponse(200, groupSchema, 'The group.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(idParams) params: z.infer<typeof idParams>): Promise<Group> {
    return this.groups.get(params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Updates a group; removing admin from the last admin group is a 409.' })
  @ApiJsonResponse(200, groupSchema, 'The updated group.')
  @ApiProblems('not-found', 'conflict')
  update(
    @ValidParams(idParams) params: z.infer<typeof idParams>,
    @ValidBody(updateGroupBody) body: z.infer<typeof updateGroupBody>,
    @Ctx() ctx: RequestContext,
  ): Promise<Group> {
    return this.groups.update(params.id, body, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a group and its memberships.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'conflict', 'validation-failed')
  delete(@ValidParams(idParams) params: z.infer<typeof idParams>, @Ctx() ctx: RequestContext): Promise<void> {
    return this.groups.delete(params.id, ctx);
  }

  @Get(':id/members')
  @ApiOperation({ summary: 'Members of a group, by login.' })
  @ApiJsonResponse(200, pageOf(groupMemberSchema), 'A page of members.')
  @ApiProblems('not-found', 'validation-failed')
  members(@ValidParams(idParams) params: z.infer<typeof idParams>, @ValidQuery(listQuery) query: z.infer<typeof listQuery>): Promise<Page<GroupMember>> {
    return this.groups.members(params.id, query.limit, query.cursor);
  }

  @Put(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Adds a member (idempotent).' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'validation-failed')
  addMember(@ValidParams(memberParams) params: z.infer<typeof memberParams>, @Ctx() ctx: RequestContext): Promise<void> {
    return this.groups.addMember(params.id, params.userId, ctx);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Removes a member (idempotent); the last active admin cannot leave (409).' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'conflict', 'validation-failed')
  removeMember(@ValidParams(memberParams) params: z.infer<typeof memberParams>, @Ctx() ctx: RequestContext): Promise<void> {
    return this.groups.removeMember(params.id, params.userId, ctx);
  }
}
