import type { Logger } from '../../log/index.js';

export interface EmbeddedServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Journal directory; null keeps everything in memory. */
  readonly path: string | null;
  readonly logger?: Logger;
}

export interface EmbeddedServer {
  /** mongodb://host:port — what the driver, mongoose, Agenda, mongosh or Compass connect to. */
  readonly uri: string;
  readonly port: number;
  close(): Promise<void>;
}

// PLACEHOLDER until the embedded server lands (issue 4).
export async function startEmbeddedServer(_options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  throw new Error('The embedded MongoDB-compatible server is not built yet: set MONGODB_URI');
}
