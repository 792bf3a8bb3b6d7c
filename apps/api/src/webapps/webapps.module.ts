import { Module } from '@nestjs/common';
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

/** Webapps, their security settings and runs (whose backend tokens the runtime module authenticates). */
@Module({
  imports: [IdentityModule, SettingsModule, TokensModule, DatasetsModule],
  controllers: [WebappsController, RunsController],
  providers: [WebappRepository, RunRepository, WebappsService, RunsService],
  exports: [WebappsService, RunsService, WebappRepository, RunRepository],
})
export class WebappsModule {}
