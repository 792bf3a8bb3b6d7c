import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { blobStoreProvider } from './blob-store.provider';
import { DatasetFileRepository } from './dataset-file.repository';
import { DatasetFilesController } from './dataset-files.controller';
import { DatasetFilesService } from './dataset-files.service';
import { DatasetRepository } from './dataset.repository';
import { DatasetsController } from './datasets.controller';
import { DatasetsService } from './datasets.service';

/** Datasets, their group permissions and files; exports what runs need for their mounts. */
@Module({
  imports: [IdentityModule],
  controllers: [DatasetsController, DatasetFilesController],
  providers: [blobStoreProvider, DatasetRepository, DatasetFileRepository, DatasetsService, DatasetFilesService],
  exports: [DatasetsService],
})
export class DatasetsModule {}
