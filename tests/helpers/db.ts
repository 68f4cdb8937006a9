import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { inject } from 'vitest';
import { testConfig, type Config, type Env } from '../../src/config/index.js';
import { createModels, type Models } from '../../src/db/models/index.js';

/** A database name of its own for each test file, so files run in parallel on one server. */
export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface TestDb {
  readonly uri: string;
  readonly name: string;
  readonly connection: Connection;
  readonly models: Models;
  /** A Config pointing at this database (for code that opens its own connection). */
  config(overrides?: Env): Config;
  close(): Promise<void>;
}

/** Connects mongoose to a fresh database on the test server (embedded, or MONGODB_URI). */
export async function openTestDb(prefix?: string): Promise<TestDb> {
  const uri = inject('mongoUri');
  const name = uniqueDbName(prefix);
  const connection = await mongoose.createConnection(uri, { dbName: name }).asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
  return {
    uri,
    name,
    connection,
    models,
    config: (overrides = {}) => testConfig({ MONGODB_URI: uri, MONGODB_DB_NAME: name, ...overrides }),
    async close() {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}
