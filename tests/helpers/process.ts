import { spawn, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Runs a TypeScript entry point as ONE node process (`node --import tsx`). The `tsx` CLI would run it
 * in a grandchild, so a SIGKILL or SIGTERM sent to the child would miss the real program.
 */
export function spawnTs(script: string, args: readonly string[] = [], options: SpawnOptions = {}) {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: projectRoot, ...options });
}

/** The same command line, for spawnSync. */
export function tsCommand(script: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', script, ...args]];
}
