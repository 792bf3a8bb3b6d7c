export * from './audit';
export * from './auth';
export * from './health';
export * from './identity';
export * from './pagination';
export * from './problem';
export * from './impersonation';
