import { forwardRef, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
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
  // Auth needs users to authenticate; identity needs auth to end a user's credentials.
  imports: [forwardRef(() => AuthModule)],
  controllers: [UsersController, GroupsController],
  providers: [UserRepository, GroupRepository, PasswordHasher, UsersService, GroupsService, BootstrapService],
  exports: [UserRepository, GroupRepository, PasswordHasher],
})
export class IdentityModule {}
