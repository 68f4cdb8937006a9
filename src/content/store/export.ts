import fs from 'node:fs';
import path from 'node:path';
import { Document, isSeq, parseDocument } from 'yaml';
import { mergeQuestionsIntoContent } from '../io/questions.js';
import { writeYamlDocument } from '../io/yaml-write.js';
import type { LoadedContent } from '../load.js';
import type { BotConfig, Campaign, ContestConfig, QuestionContent, UnitList } from '../schema.js';
import type { Merged, StoredItem } from './merge.js';

/**
 * `content export <dir>`: the content in force written back as YAML, for version control. The
 * shipped tree is copied to `<dir>/bots` and `<dir>/content`, then every item the database owns is
 * written where its shipped version was (or into a new file), comments elsewhere kept: questions
 * in content/questions, campaigns in content/campaigns, unit lists in content/units, and each bot's
 * campaigns and contests in its bots/*.yaml. The result passes content:check, and syncing it finds
 * every owned item caught up (no conflicts).
 */
export interface ExportReport {
  readonly questions: number;
  readonly retired: number;
  readonly campaigns: number;
  readonly contests: number;
  readonly unitLists: number;
  readonly bots: number;
}

interface Tree {
  readonly root: string;
  readonly botsDir: string;
  readonly contentDir: string;
}

export function exportContent(loaded: LoadedContent, from: Tree, merged: Merged, items: readonly StoredItem[], dir: string): ExportReport {
  const to = { bots: path.join(dir, 'bots'), content: path.join(dir, 'content') };
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(from.botsDir, to.bots, { recursive: true });
  fs.cpSync(from.contentDir, to.content, { recursive: true });
  /** Where a shipped file lands in the export. */
  const target = (file: string) => {
    const abs = path.resolve(from.root, file);
    const inBots = path.relative(path.resolve(from.botsDir), abs);
    return inBots.startsWith('..') ? path.join(to.content, path.relative(path.resolve(from.contentDir), abs)) : path.join(to.bots, inBots);
  };
  const of = <K extends StoredItem['kind']>(kind: K) => items.filter((i) => i.kind === kind);

  const questions = of('question');
  mergeQuestionsIntoContent(path.join(to.content, 'questions'), questions.filter((i) => !i.retired).map((i) => i.value as QuestionContent));
  removeQuestions(path.join(to.content, 'questions'), new Set(questions.filter((i) => i.retired).map((i) => i.key)));

  const campaigns = merged.bundle.campaigns.filter((c) => of('campaign').some((i) => i.key === c.id));
  for (const c of campaigns) {
    const shipped = loaded.entries.campaigns.find((e) => e.value.id === c.id);
    writeYamlDocument(shipped ? target(shipped.origin.file) : path.join(to.content, 'campaigns', `${c.id}.yaml`), new Document(campaignToYaml(c)));
  }
  const lists = merged.bundle.unitLists.filter((l) => of('unitList').some((i) => i.key === l.id));
  for (const l of lists) {
    const shipped = loaded.entries.unitLists.find((e) => e.value.id === l.id);
    writeYamlDocument(shipped ? target(shipped.origin.file) : path.join(to.content, 'units', `${l.id}.yaml`), new Document(unitListToYaml(l)));
  }
  let bots = 0;
  for (const bot of merged.bundle.bots) {
    const shipped = loaded.entries.bots.find((e) => e.value.id === bot.id);
    if (shipped && writeBot(target(shipped.origin.file), shipped.value, bot, merged)) bots++;
  }
  return { questions: questions.filter((i) => !i.retired).length, retired: questions.filter((i) => i.retired).length, campaigns: campaigns.length, contests: of('contest').length, unitLists: lists.length, bots };
}

/** A bot's campaigns and contests as they are in force, written into its file when they differ from the shipped ones. */
function writeBot(file: string, shipped: BotConfig, bot: BotConfig, merged: Merged): boolean {
  const contests = (merged.bundle.contests ?? [])
    .filter((c) => c.bot === bot.id)
    .map((c) => c.contest)
    .sort((a, b) => a.window.start.localeCompare(b.window.start) || a.id.localeCompare(b.id));
  const shippedContests = [...(shipped.contest ? [shipped.contest] : []), ...shipped.contests];
  const sameContests = JSON.stringify(contests) === JSON.stringify(shippedContests);
  const sameCampaigns = JSON.stringify(bot.campaigns) === JSON.stringify(shipped.campaigns);
  if (sameContests && sameCampaigns) return false;
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (!sameCampaigns) doc.set('campaigns', doc.createNode([...bot.campaigns]));
  if (!sameContests) {
    const [first, ...rest] = contests;
    if (first) doc.set('contest', doc.createNode(contestToYaml(first)));
    else doc.delete('contest');
    if (rest.length) doc.set('contests', doc.createNode(rest.map(contestToYaml)));
    else doc.delete('contests');
  }
  writeYamlDocument(file, doc);
  return true;
}

/** Takes retired questions out of the question files (a sync of the export retires them too). */
function removeQuestions(dir: string, ids: ReadonlySet<string>): void {
  if (ids.size === 0 || !fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
    const file = path.join(dir, f);
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    const seq = doc.get('questions');
    if (!isSeq(seq)) continue;
    const before = seq.items.length;
    seq.items = seq.items.filter((item) => !ids.has(String((item as { get?: (k: string) => unknown }).get?.('id'))));
    if (seq.items.length === before) continue;
    if (seq.items.length === 0) fs.rmSync(file);
    else writeYamlDocument(file, doc);
  }
}

function campaignToYaml(c: Campaign): Record<string, unknown> {
  return { id: c.id, title: c.title, facts: c.facts, events: c.events.map((e) => ({ ...e })) };
}

function contestToYaml(c: ContestConfig): Record<string, unknown> {
  return { ...c };
}

function unitListToYaml(l: UnitList): Record<string, unknown> {
  return {
    id: l.id,
    label: l.label,
    example: l.example,
    units: l.units.map((u) => ({ id: u.id, name: u.name, ...(u.size ? { size: u.size } : {}), ...(u.parent ? { parent: u.parent } : {}) })),
  };
}

