// The embedded server's worker thread starts here. Worker threads do not inherit the TypeScript
// loader the process runs with (tsx registers its hooks per thread), so this plain module
// registers it, then loads the thread's entry point.
import { register } from 'tsx/esm/api';

register();
await import('./thread-entry.ts');
