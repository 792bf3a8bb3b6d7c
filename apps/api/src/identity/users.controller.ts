import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Group, Page, User } from '@behalf/contracts';
import { listQuery } from '../kernel/pagination';
import { z } from 'zod';
import { Ctx, RequestContext } from '../kernel/request-context';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { ApiProblems } from '../platform/http/api-problems.decorator';
import { ValidBody, ValidParams, ValidQuery } from '../platform/http/zod-validation';
import { createUserBody, idParams, listUsersQuery, updateUserBody } from './identity.dto';
import { UsersService } from './users.service';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { groupSchema, userSchema } from './identity.schemas';

@ApiTags('users')
@Controller('api/v1/users')
@Authenticated({ permission: 'admin' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Creates a user.' })
  @ApiJsonResponse(201, userSchema, 'The user (never a password).')
  @ApiProblems('conflict')
  create(@ValidBody(createUserBody) body: z.infer<typeof createUserBody>, @Ctx() ctx: RequestContext): Promise<User> {
    return this.users.create(body, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Lists users by login; q filters by login, display name or email prefix.' })
  @ApiJsonResponse(200, pageOf(userSchema), 'A page of users.')
  list(@ValidQuery(listUsersQuery) query: z.infer<typeof listUsersQuery>): Promise<Page<User>> {
    return this.users.list(query.q, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user.' })
  @ApiJsonResponse(200, userSchema, 'The user.')
  @ApiProblems('not-found', 'validation-failed')
  get(@ValidParams(idParams) params: z.infer<typeof idParams>): Promise<User> {
    return this.users.get(params.id);
  }

  @Get(':id/groups')
  @ApiOperation({ summary: 'The groups a user belongs to, by name.' })
  @ApiJsonResponse(200, pageOf(groupSchema), 'A page of groups.')
  @ApiProblems('not-found', 'validation-failed')
  groups(@ValidParams(idParams) params: z.infer<typeof idParams>, @ValidQuery(listQuery) query: z.infer<typeof listQuery>): Promise<Page<Group>> {
    return this.users.groupsOf(params.id, query.limit, query.cursor);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Updates a user. A password change or disabling ends their sessions and API keys.' })
  @ApiJsonResponse(200, userSchema, 'The updated user.')
  @ApiProblems('not-found', 'conflict')
  update(
    @ValidParams(idParams) params: z.infer<typeof idParams>,
    @ValidBody(updateUserBody) body: z.infer<typeof updateUserBody>,
    @Ctx() ctx: RequestContext,
  ): Promise<User> {
    return this.users.update(params.id, body, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a user with their memberships, sessions and API keys.' })
  @ApiNoContentResponse()
  @ApiProblems('not-found', 'conflict', 'validation-failed')
  delete(@ValidParams(idParams) params: z.infer<typeof idParams>, @Ctx() ctx: RequestContext): Promise<void> {
    return this.users.delete(params.id, ctx);
  }
}
