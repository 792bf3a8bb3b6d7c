/**
 * Every PostgreSQL advisory lock Behalf takes, in one place so that no two uses share an id by
 * accident (the first-start admin and the first signing key once did). Transaction-scoped
 * (`pg_advisory_xact_lock`) unless said otherwise.
 */
export const ADVISORY_LOCKS = {
  /** Serialises appends to the audit hash chain across processes and replicas, so it never forks. */
  auditChain: 4_242_001,
  /** Serialises every change that could leave Behalf without an active admin. */
  adminInvariant: 4_242_002,
  /** Serialises creating the first-start admin across replicas starting at once. */
  bootstrapAdmin: 4_242_003,
  /** Serialises provisioning the gateway's service principal and key across replicas starting at once. */
  bootstrapGateway: 4_242_005,
  /** Serialises creating the first signing key across replicas starting at once. */
  firstSigningKey: 4_242_004,
  /** Session-scoped: the key Prisma's migration engine takes, so both never migrate at once. */
  migrations: 72_707_369,
} as const;
