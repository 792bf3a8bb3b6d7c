import { Global, Module } from '@nestjs/common';
import { RUN_AUTHORITY } from '../identity/run-authority.port';
import { RunAuthority } from './run-authority.service';
import { DatasetsModule } from '../datasets/datasets.module';
import { IdentityModule } from '../identity/identity.module';
import { SettingsModule } from '../settings/settings.module';
import { TokensModule } from '../tokens/tokens.module';
import { RunRepository } from './run.repository';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { WebappRepository } from './webapp.repository';
import { WebappsController } from './webapps.controller';
import { WebappsService } from './webapps.service';
import { SecretNameRequestRepository } from './secret-name-request.repository';
import { SecretNameRequestsController } from './secret-name-requests.controller';
import { SecretNameRequestsService } from './secret-name-requests.service';

/**
 * Webapps, their security settings and runs (whose backend tokens the runtime module
 * authenticates). Global for one export: the run authority that identity changes call through
 * the port they declare.
 */
@Global()
@Module({
  imports: [IdentityModule, SettingsModule, TokensModule, DatasetsModule],
  controllers: [WebappsController, RunsController, SecretNameRequestsController],
  providers: [
    WebappRepository,
    RunRepository,
    SecretNameRequestRepository,
    WebappsService,
    SecretNameRequestsService,
    RunsService,
    RunAuthority,
    { provide: RUN_AUTHORITY, useExisting: RunAuthority },
  ],
  exports: [WebappsService, RunsService, WebappRepository, RunRepository, RunAuthority, RUN_AUTHORITY],
})
export class WebappsModule {}
