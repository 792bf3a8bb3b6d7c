import { rm } from 'node:fs/promises';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__behalfTestDatabase;
  if (!state) return;
  if (state.embedded) {
    await state.embedded.stop();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
    return;
  }
  // An external server: remove what this run created there.
  const client = new Client({ connectionString: state.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      state.template,
      `behalf_test_${process.pid}_%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
