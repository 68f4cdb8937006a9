// ESLint rule: the rooms of src/ talk to each other only through their public surface (index.ts),
// and only downwards (a room imports rooms on lower floors). Files inside one room import freely.
import path from 'node:path';

/**
 * Floors from the inside out. A room may import rooms on a lower floor only; rooms on one floor do
 * not import each other. `runtime`, `cli` and `main` are the files src/runtime.ts, src/cli.ts and
 * src/main.ts.
 */
export const FLOORS = [
  ['domain'],
  ['config'],
  ['log', 'i18n'],
  ['db', 'jobs'],
  ['content', 'admin', 'stats'],
  ['quiz', 'channels'],
  // Issue 19's I/O (certificates, invitations, unanswered questions), used by the conversation and http.
  ['learning'],
  ['conversation', 'outreach'],
  ['http'],
  ['runtime', 'cli'],
  ['main'],
];

const floorOf = new Map(FLOORS.flatMap((rooms, floor) => rooms.map((room) => [room, floor])));

/** The room of a file under src/, or null outside src/. */
export function roomOf(file, srcDir) {
  const rel = path.relative(srcDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const [first, ...rest] = rel.split(path.sep);
  return rest.length === 0 ? first.replace(/\.(ts|js)$/, '') : first;
}

/** True when the path inside a room is its public surface. */
function isIndex(file, srcDir) {
  const rel = path.relative(srcDir, file).split(path.sep);
  return rel.length === 1 || (rel.length === 2 && /^index\.(ts|js)$/.test(rel[1]));
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Rooms import other rooms only through their index.ts, and never upwards.' },
    schema: [{ type: 'object', properties: { srcDir: { type: 'string' } }, additionalProperties: false }],
    messages: {
      deep: '{{from}} imports "{{spec}}" past the public surface of {{to}}: import from {{to}}/index.ts (export it there if it is public).',
      upward: '{{from}} (floor {{fromFloor}}) imports {{to}} (floor {{toFloor}}): a room imports only rooms on lower floors.',
      unknown: 'src/{{room}} is not a known room: add it to FLOORS in scripts/eslint/room-boundaries.js.',
    },
  },
  create(context) {
    const srcDir = path.resolve(context.cwd, context.options[0]?.srcDir ?? 'src');
    const file = context.filename;
    const from = roomOf(file, srcDir);
    if (!from) return {};
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec);
      const to = roomOf(target, srcDir);
      if (!to || to === from) return;
      for (const room of [from, to]) if (!floorOf.has(room)) return context.report({ node, messageId: 'unknown', data: { room } });
      const fromFloor = floorOf.get(from);
      const toFloor = floorOf.get(to);
      if (toFloor >= fromFloor) context.report({ node, messageId: 'upward', data: { from, to, fromFloor, toFloor } });
      else if (!isIndex(target, srcDir)) context.report({ node, messageId: 'deep', data: { from, to, spec } });
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
