import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `npm run bench -- <name>`: runs scripts/bench/<name>.ts; its last line is one JSON object with "ok". */
const dir = path.dirname(fileURLToPath(import.meta.url));
const names = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}>`);
  process.exit(2);
}
const tsx = path.resolve(dir, '../../node_modules/.bin/tsx');
const result = spawnSync(tsx, [path.join(dir, `${name}.ts`), ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
