import type { UserSummary } from './webapps';

/** What a caller may do with a dataset: `manage` (owner, admins) includes `write`, which includes `read`. */
export const DATASET_ACCESS_LEVELS = ['read', 'write', 'manage'] as const;
export type DatasetAccessLevel = (typeof DATASET_ACCESS_LEVELS)[number];

/** What a group permission grants: `write` implies `read`. */
export const DATASET_GROUP_ACCESS = ['read', 'write'] as const;
export type DatasetGroupAccess = (typeof DATASET_GROUP_ACCESS)[number];

/** The rule for dataset names: a single path segment, since runs mount a dataset at `/data/<name>`. */
export const DATASET_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';

/** Longest file path inside a dataset, in UTF-8 bytes. */
export const DATASET_PATH_MAX_BYTES = 1024;

export interface Dataset {
  id: string;
  name: string;
  description: string;
  /** May manage the dataset (edit, delete, permissions) with admins, and write to it. */
  owner: UserSummary;
  createdAt: string;
  updatedAt: string;
  /** The caller's own access. */
  access: DatasetAccessLevel;
}

/** `GET /api/v1/datasets/:id/permissions` lists these; `PUT …/permissions/groups/:groupId` sets one. */
export interface DatasetGroupPermission {
  groupId: string;
  groupName: string;
  access: DatasetGroupAccess;
  createdAt: string;
  updatedAt: string;
}

export interface DatasetPermissions {
  owner: UserSummary;
  groups: DatasetGroupPermission[];
}

/** One file of a dataset, as listed and as answered by an upload. */
export interface DatasetFile {
  path: string;
  size: number;
  contentType: string;
  /** Hex SHA-256 of the content; the file's strong `ETag` is it in quotes. */
  sha256: string;
  createdAt: string;
  updatedAt: string;
}
