import type { Models, Question, QuestionText, Unit } from '../db/index.js';
import { dayOf, DEFAULT_TIME_ZONE } from '../domain/index.js';
import { ANSWER_LETTERS, type ContentBundle, type QuestionContent, type UnitList } from './schema.js';
import { contentRevision } from './revision.js';
import { readItems } from './store/live.js';
import { mergeContent, type Conflict } from './store/merge.js';

export { contentRevision };

/**
 * Writes the content's questions and units into the database. Content is the source of truth:
 * every question is stored with its status and review trail (only published ones are live, see
 * `isLive`), so a question moving from draft to published is a new revision like any other change;
 * questions are upserted by `questionId`, a changed question gets a new revision (and a
 * QuestionRevision row, old ones stay for the answers that point at them), a question gone from
 * content is retired, never deleted, and comes back un-retired if it reappears. Every write is an
 * idempotent upsert, so running twice, or from two processes at once, ends in the same state.
 */

export interface SyncReport {
  readonly questions: { created: number; changed: number; unretired: number; unchanged: number; retired: number };
  readonly units: { upserted: number; unchanged: number; retired: number };
  /** Items organisers edited in the pages whose shipped YAML changed since: not applied. */
  readonly conflicts: readonly Conflict[];
}

type QuestionFields = Omit<Question, 'retiredAt' | 'createdAt' | 'updatedAt'>;

/** The database shape of a content question; `revision` is the first 12 hex of sha256 over it. */
export function questionRecord(q: QuestionContent): QuestionFields {
  const text = (t: { question: string; options: string[]; explanation: string }): QuestionText => ({
    question: t.question,
    options: [...t.options],
    explanation: t.explanation,
  });
  const canonical = {
    topic: q.topic,
    difficulty: q.difficulty,
    answer: ANSWER_LETTERS.indexOf(q.answer),
    vi: text(q),
    en: text(q.en),
    facts: [...q.facts],
    tags: [...q.tags],
    province: q.province ?? null,
    review: { author: q.review.author, writtenAt: q.review.writtenAt, reviewer: q.review.reviewer ?? null, reviewedAt: q.review.reviewedAt ?? null },
    status: q.status,
    // Left out of the hash when absent, so questions without pictures keep the revisions they had.
    image: q.image,
    explanationImage: q.explanationImage,
  };
  return { questionId: q.id, revision: contentRevision(canonical), ...canonical, image: q.image ?? null, explanationImage: q.explanationImage ?? null };
}

const isDuplicateKey = (err: unknown): boolean => {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number; err?: { code?: number } }> } | null;
  if (e?.code === 11000) return true;
  const errors = e?.writeErrors ?? [];
  return errors.length > 0 && errors.every((w) => (w.code ?? w.err?.code) === 11000);
};

/** Two processes upserting the same new key at once: one wins, the other gets E11000 and retries once as an update. */
async function retryOnDuplicate<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return write();
  }
}

/** Syncs questions; see the module comment for the rules. */
export async function syncQuestions(
  models: Pick<Models, 'Question' | 'QuestionRevision'>,
  questions: readonly QuestionContent[],
  now: Date = new Date(),
): Promise<SyncReport['questions']> {
  const records = questions.map(questionRecord);
  const existing = new Map(
    (await models.Question.find({}, { questionId: 1, revision: 1, retiredAt: 1 }).lean()).map((d) => [d.questionId, d]),
  );
  const report = { created: 0, changed: 0, unretired: 0, unchanged: 0, retired: 0 };
  const toWrite: QuestionFields[] = [];
  for (const r of records) {
    const old = existing.get(r.questionId);
    if (!old) report.created++;
    else if (old.revision !== r.revision) report.changed++;
    else if (old.retiredAt) report.unretired++;
    else {
      report.unchanged++;
      continue;
    }
    toWrite.push(r);
  }

  if (toWrite.length) {
    // Revisions first: a Question never points at a revision row that does not exist.
    await retryOnDuplicate(() =>
      models.QuestionRevision.bulkWrite(
        toWrite.map((r) => ({
          updateOne: { filter: { questionId: r.questionId, revision: r.revision }, update: { $setOnInsert: r }, upsert: true },
        })),
        { ordered: false },
      ),
    );
    await retryOnDuplicate(() =>
      models.Question.bulkWrite(
        toWrite.map((r) => ({
          updateOne: { filter: { questionId: r.questionId }, update: { $set: { ...r, retiredAt: null } }, upsert: true },
        })),
        { ordered: false },
      ),
    );
  }

  const ids = records.map((r) => r.questionId);
  const retired = await models.Question.updateMany({ questionId: { $nin: ids }, retiredAt: null }, { $set: { retiredAt: now } });
  report.retired = retired.modifiedCount;
  return report;
}

type UnitFields = Omit<Unit, 'retiredAt' | 'createdAt' | 'updatedAt'>;

function unitRecords(list: UnitList): UnitFields[] {
  return list.units.map((u) => ({
    listId: list.id,
    unitId: u.id,
    name: u.name,
    size: u.size ?? null,
    parent: u.parent ?? null,
    example: list.example,
  }));
}

/** Syncs unit lists by (listId, unitId); units gone from content, or whose list is gone, are retired. */
export async function syncUnits(
  models: Pick<Models, 'Unit'>,
  lists: readonly UnitList[],
  now: Date = new Date(),
): Promise<SyncReport['units']> {
  const records = lists.flatMap(unitRecords);
  const existing = new Map(
    (await models.Unit.find({}, { listId: 1, unitId: 1, name: 1, size: 1, parent: 1, example: 1, retiredAt: 1 }).lean()).map((u) => [
      `${u.listId}\u0000${u.unitId}`,
      u,
    ]),
  );
  const changed = records.filter((r) => {
    const old = existing.get(`${r.listId}\u0000${r.unitId}`);
    return !old || old.retiredAt !== null || old.name !== r.name || old.size !== r.size || old.parent !== r.parent || old.example !== r.example;
  });
  if (changed.length) {
    await retryOnDuplicate(() =>
      models.Unit.bulkWrite(
        changed.map((r) => ({
          updateOne: { filter: { listId: r.listId, unitId: r.unitId }, update: { $set: { ...r, retiredAt: null } }, upsert: true },
        })),
        { ordered: false },
      ),
    );
  }
  let retired = 0;
  const listIds = lists.map((l) => l.id);
  const goneLists = await models.Unit.updateMany({ listId: { $nin: listIds }, retiredAt: null }, { $set: { retiredAt: now } });
  retired += goneLists.modifiedCount;
  for (const list of lists) {
    const res = await models.Unit.updateMany(
      { listId: list.id, unitId: { $nin: list.units.map((u) => u.id) }, retiredAt: null },
      { $set: { retiredAt: now } },
    );
    retired += res.modifiedCount;
  }
  return { upserted: changed.length, unchanged: records.length - changed.length, retired };
}

/**
 * Syncs everything the database keeps from content, both layers: the shipped YAML merged with the
 * items organisers own in the database (`mergeContent`), so a sync never overwrites an edit made in
 * the pages. Owned items whose YAML changed since they were taken over are reported as conflicts
 * and left as the organisers saved them; owned items whose YAML caught up (after `content export`)
 * are marked so.
 */
export async function syncContent(models: Models, bundle: ContentBundle, now: Date = new Date(), timeZone = DEFAULT_TIME_ZONE): Promise<SyncReport> {
  const merged = mergeContent(bundle, await readItems(models), dayOf(now, timeZone));
  for (const c of merged.caughtUp) await models.ContentItem.updateOne({ kind: c.kind, key: c.key }, { $set: { yamlRevision: c.yamlRevision } });
  const questions = await syncQuestions(models, merged.bundle.questions, now);
  const units = await syncUnits(models, merged.bundle.unitLists, now);
  return { questions, units, conflicts: merged.conflicts };
}
