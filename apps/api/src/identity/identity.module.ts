import { Module } from '@nestjs/common';
import { BootstrapService } from './bootstrap.service';
import { GroupRepository } from './group.repository';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { PasswordHasher } from './password-hasher';
import { UserRepository } from './user.repository';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Users, groups, memberships; the first-start admin. */
@Module({
  // Ending a user's credentials is auth's: it provides CREDENTIAL_REVOKER, declared here.
  controllers: [UsersController, GroupsController],
  providers: [UserRepository, GroupRepository, PasswordHasher, UsersService, GroupsService, BootstrapService],
  exports: [UserRepository, GroupRepository, PasswordHasher],
})
export class IdentityModule {}
