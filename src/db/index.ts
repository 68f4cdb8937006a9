/**
 * The database room: connection resolution (MONGODB_URI or the embedded MongoDB-compatible server),
 * the mongoose models every room stores through, and the `db` commands.
 */
export { openDatabase, displayUri, startPublishedEmbeddedServer, type Database, type DatabaseMode, type EmbeddedDbStatus } from './connection.js';
export * from './models/index.js';
export { registerDbCommands } from './cli.js';
export { countDeliveries, deleteInChunks, pruneExpired, type Pruned, type RetentionSettings } from './retention.js';
