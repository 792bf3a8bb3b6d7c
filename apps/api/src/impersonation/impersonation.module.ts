import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { SettingsModule } from '../settings/settings.module';
import { GrantRepository } from './grant.repository';
import { GrantsController } from './impersonation.controller';
import { ImpersonationService } from './impersonation.service';

/** Impersonation grants (G1 may act as members of G2) and the policy that decides on them. */
@Module({
  imports: [IdentityModule, SettingsModule],
  controllers: [GrantsController],
  providers: [GrantRepository, ImpersonationService],
  exports: [ImpersonationService],
})
export class ImpersonationModule {}
