import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { CONFIG, Config } from '../platform/config/config';
import { LocalBlobStore } from './blob-store';

/** Injection token of the {@link BlobStore}. */
export const BLOB_STORE = Symbol('BLOB_STORE');

export const blobsDirectory = (dataDir: string) => join(dataDir, 'blobs');

export const blobStoreProvider: Provider = {
  provide: BLOB_STORE,
  inject: [CONFIG],
  useFactory: (config: Config) => new LocalBlobStore(blobsDirectory(config.dataDir)),
};
