import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';

/** Writes a YAML document without folding long lines, through a temporary file so a crash leaves the old file whole. */
export function writeYamlDocument(file: string, doc: Document): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, doc.toString({ lineWidth: 0 }));
  fs.renameSync(tmp, file);
}
