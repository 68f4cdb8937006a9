import type { TestProject } from 'vitest/node';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The MongoDB every integration test talks to: MONGODB_URI if set, else one embedded in-memory server. */
    mongoUri: string;
    mongoMode: 'embedded' | 'external';
  }
}

let server: EmbeddedServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const external = process.env.MONGODB_URI;
  if (external) {
    project.provide('mongoUri', external);
    project.provide('mongoMode', 'external');
    console.log('[tests] using the real MongoDB from MONGODB_URI');
    return;
  }
  server = await startEmbeddedServer({ path: null });
  project.provide('mongoUri', server.uri);
  project.provide('mongoMode', 'embedded');
}

export async function teardown(): Promise<void> {
  await server?.close();
}
