import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { Client } from 'pg';
import { projectRoot } from '../../common/project-root';
import { createTestDatabase, TestDatabase } from '../../../test/harness';

/**
 * `schema.prisma` and the SQL migrations must describe one schema. Prisma's own parser (its
 * WebAssembly schema engine) reads the schema; the migrated database answers from its catalogue.
 */
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  type: string;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

const schemaPath = join(projectRoot(), 'prisma/schema.prisma');
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: readFileSync(schemaPath, 'utf8') }))) as {
  datamodel: { models: DmmfModel[]; indexes: DmmfIndex[]; enums: DmmfEnum[] };
};
const { models, indexes, enums } = dmmf.datamodel;

/** PostgreSQL `udt_name`s that can carry each Prisma scalar type. */
const PG_TYPES: Record<string, string[]> = {
  String: ['text', 'varchar', 'bpchar', 'uuid', 'citext', 'inet', 'xml'],
  Int: ['int4', 'int2'],
  BigInt: ['int8'],
  Float: ['float8', 'float4'],
  Decimal: ['numeric'],
  Boolean: ['bool'],
  DateTime: ['timestamptz', 'timestamp', 'date', 'time', 'timetz'],
  Json: ['jsonb', 'json'],
  Bytes: ['bytea'],
};

const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (model: DmmfModel, fieldName: string) => {
  const field = model.fields.find((f) => f.name === fieldName);
  if (!field) throw new Error(`${model.name}.${fieldName} is not a field`);
  return field.dbName ?? field.name;
};

describe('schema.prisma and the migrated database', () => {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  async function columns(table: string) {
    const { rows } = await client.query<{ column_name: string; udt_name: string; is_nullable: 'YES' | 'NO'; data_type: string }>(
      `SELECT column_name, udt_name, is_nullable, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    );
    return new Map(rows.map((r) => [r.column_name, r]));
  }

  it('has a schema with at least one model', () => {
    expect(models.length).toBeGreaterThan(0);
  });

  it('has exactly the tables of the models, plus Prisma’s history', async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual([...models.map(tableOf), '_prisma_migrations'].sort());
  });

  it.each(models.map((m) => [m.name, m] as const))('has every field of %s with its type and nullability', async (_name, model) => {
    const actual = await columns(tableOf(model));
    for (const field of model.fields.filter((f) => f.kind !== 'object')) {
      const column = actual.get(field.dbName ?? field.name);
      expect({ field: field.name, exists: column !== undefined }).toEqual({ field: field.name, exists: true });
      if (!column) continue;
      expect({ field: field.name, nullable: column.is_nullable === 'YES' }).toEqual({
        field: field.name,
        nullable: !field.isRequired && !field.isList,
      });
      const udt = column.udt_name.replace(/^_/, '');
      if (field.isList) expect({ field: field.name, type: column.data_type }).toEqual({ field: field.name, type: 'ARRAY' });
      if (field.kind === 'enum') {
        const enumDef = enums.find((e) => e.name === field.type);
        expect({ field: field.name, udt }).toEqual({ field: field.name, udt: enumDef?.dbName ?? field.type });
      } else {
        expect({ field: field.name, udt, allowed: PG_TYPES[field.type]?.includes(udt) }).toEqual({
          field: field.name,
          udt,
          allowed: true,
        });
      }
    }
  });

  it('has every primary key, unique constraint and index of the schema', async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; is_unique: boolean; is_primary: boolean }>(
      `SELECT t.relname AS table, i.indisunique AS is_unique, i.indisprimary AS is_primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
    );
    for (const index of indexes) {
      const model = models.find((m) => m.name === index.model)!;
      const wanted = { table: tableOf(model), columns: index.fields.map((f) => columnOf(model, f.name)) };
      const match = rows.find(
        (r) =>
          r.table === wanted.table &&
          r.columns.join(',') === wanted.columns.join(',') &&
          (index.type === 'id' ? r.is_primary : index.type === 'unique' ? r.is_unique : true),
      );
      expect({ ...wanted, type: index.type, found: match !== undefined }).toEqual({ ...wanted, type: index.type, found: true });
    }
  });

  it('has a foreign key for every relation of the schema', async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; ref_table: string; ref_columns: string[] }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref_table,
              ARRAY(SELECT attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.o) AS columns,
              ARRAY(SELECT attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.o) AS ref_columns
       FROM pg_constraint c WHERE c.contype = 'f'`,
    );
    const strip = (name: string) => name.replace(/^"|"$/g, '');
    for (const model of models) {
      for (const field of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
        const target = models.find((m) => m.name === field.type)!;
        const wanted = {
          table: tableOf(model),
          columns: field.relationFromFields!.map((f) => columnOf(model, f)),
          ref_table: tableOf(target),
          ref_columns: field.relationToFields!.map((f) => columnOf(target, f)),
        };
        const found = rows.some(
          (r) =>
            strip(r.table) === wanted.table &&
            strip(r.ref_table) === wanted.ref_table &&
            r.columns.join(',') === wanted.columns.join(',') &&
            r.ref_columns.join(',') === wanted.ref_columns.join(','),
        );
        expect({ relation: `${model.name}.${field.name}`, ...wanted, found }).toEqual({
          relation: `${model.name}.${field.name}`,
          ...wanted,
          found: true,
        });
      }
    }
  });
});
