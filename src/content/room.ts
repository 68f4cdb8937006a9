import type { Models } from '../db/index.js';
import { DomainError, InvalidError, systemClock, type Clock } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import { readTableData, type TableFormat } from './io/table.js';
import type { ContentPaths } from './load.js';
import { ContentError, loadAndCheckContent, summarise } from './service.js';
import { listAudit, type Actor, type AuditQuery } from './store/audit.js';
import { createCampaignEditor } from './store/campaigns.js';
import { createContestEditor } from './store/contests.js';
import { createEditor } from './store/editor.js';
import { createContentStore, type ContentStore, type LiveContent } from './store/live.js';
import { importQuestionTable } from './store/question-import.js';
import { createQuestionEditor } from './store/questions.js';
import { createUnitEditor } from './store/units.js';
import { syncContent } from './sync.js';

/** How often a process looks for edits another process made (and for a new day: contests move on). */
export const CONTENT_POLL_MS = 15_000;

export interface ContentRoomOptions {
  readonly paths: ContentPaths;
  readonly models: Models;
  readonly logger: Logger;
  readonly timeZone: string;
  /** Sync the merged content into the database's question and unit mirrors at start (CONTENT_SYNC_ON_START). */
  readonly syncOnStart: boolean;
  readonly clock?: Clock;
  /** 0 turns polling off (tests that drive `store.reload()` themselves). */
  readonly pollMs?: number;
}

/**
 * Start-up of the content room: load and check the shipped YAML (refusing to start, with every
 * problem listed, when it is invalid), merge it with what organisers own in the database, sync the
 * database's mirrors (unless CONTENT_SYNC_ON_START is off), and hand out the content in force
 * (`live`, read by every room) and the editors the admin pages and the API save through.
 */
export async function startContent(options: ContentRoomOptions) {
  const { models, logger } = options;
  const clock = options.clock ?? systemClock;
  const { loaded, problems } = loadAndCheckContent(options.paths);
  if (problems.length) throw new ContentError(problems);
  const s = summarise(loaded.bundle);
  logger.info({ facts: s.facts, questions: s.questions, live: s.live, bots: s.bots, events: s.events, units: s.units }, 'content loaded and checked');
  const store: ContentStore = createContentStore({ models, loaded, timeZone: options.timeZone, clock, logger });
  if (options.syncOnStart) {
    const report = await syncContent(models, loaded.bundle, clock(), options.timeZone);
    logger.info({ sync: { questions: report.questions, units: report.units } }, 'content synced into the database');
    for (const c of report.conflicts) {
      logger.warn({ kind: c.kind, key: c.key, reason: c.reason }, 'content: the shipped YAML changed an item organisers edited in the pages; their version stays (see `content sync`)');
    }
  }
  await store.reload();
  store.start(options.pollMs ?? CONTENT_POLL_MS);
  const editor = createEditor({ models, store, timeZone: options.timeZone, clock });
  const editors = { editor, store, timeZone: options.timeZone, clock };
  return {
    live: store.live as LiveContent,
    store,
    editor,
    questions: createQuestionEditor(editors),
    campaigns: createCampaignEditor(editors),
    contests: createContestEditor(editors),
    units: createUnitEditor(editors),
    /** An uploaded question table (CSV or XLSX), saved in the database like questions typed in the page. */
    importQuestions: async (upload: Upload, actor: Actor) => importQuestionTable(editors, await readUpload(upload), actor),
    /** An uploaded unit list (CSV or XLSX: name, size, parent) replacing list `listId`, named `label` from then on. */
    importUnits: async (listId: string, upload: Upload, actor: Actor, label?: string) =>
      createUnitEditor(editors).importTable(listId, await readUpload(upload), actor, label),
    audit: (q: AuditQuery) => listAudit(models, q),
    stop: () => store.stop(),
  };
}

export type ContentRoom = Awaited<ReturnType<typeof startContent>>;

/** A spreadsheet sent by the page or an API caller. */
export interface Upload {
  readonly format: TableFormat;
  readonly data: Buffer;
}

/** The table of an upload, within the import limits; a file that is not CSV or a readable workbook is the caller's mistake. */
async function readUpload(upload: Upload) {
  try {
    return await readTableData(upload.format, upload.data);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new InvalidError('import_file_type');
  }
}
