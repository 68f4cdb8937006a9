import { unitKey, unitNames, type BotConfig } from '../../content/index.js';
import type { Models } from '../../db/index.js';
import type { Locale } from '../../domain/index.js';
import type { Translate } from '../../i18n/index.js';

/**
 * A bot as the API and the pages know it: its name in each language, the unit list it uses (bots/*.yaml
 * `units`) and the topics it asks, which scope what an organiser may read (content-scope.ts).
 */
export type BotInfo = Pick<BotConfig, 'id' | 'name' | 'units' | 'topics' | 'topicTags'>;

/** Says codes as words for people: bots, units (from each bot's own list), channels, topics, languages, yes/no. */
export interface Names {
  bot(id: string): string;
  channel(channel: string): string;
  topic(slug: string | null): string | null;
  language(locale: string): string;
  yesNo(value: boolean): string;
  /** The names of the units of these rows, in one lookup; a unit not in its bot's list keeps its id. */
  units(rows: ReadonlyArray<{ readonly bot: string; readonly unitId: string | null }>): Promise<(bot: string, unitId: string | null) => string | null>;
}

/** Words in `locale` for the codes exports and the dashboard would otherwise show. */
export function namesIn(locale: Locale, deps: { models: Models; t: Translate; bots?: readonly BotInfo[] | undefined }): Names {
  const bots = new Map((deps.bots ?? []).map((b) => [b.id, b]));
  const word = (key: string, fallback: string) => deps.t(locale, key, { defaultValue: fallback });
  const listOf = (bot: string) => bots.get(bot)?.units ?? null;
  return {
    bot: (id) => {
      const b = bots.get(id);
      return b ? ((locale === 'en' ? b.name.en : undefined) ?? b.name.vi) : id;
    },
    channel: (c) => word(`common:channel.${c}`, c),
    topic: (slug) => (slug === null ? null : word(`common:topic.${slug}`, slug)),
    language: (l) => word(`common:locale.${l}`, l),
    yesNo: (v) => word(v ? 'common:yes' : 'common:no', String(v)),
    async units(rows) {
      const names = await unitNames(
        deps.models,
        rows.map((r) => ({ listId: listOf(r.bot), unitId: r.unitId })),
      );
      return (bot, unitId) => (unitId === null ? null : (names.get(unitKey({ listId: listOf(bot), unitId })) ?? unitId));
    },
  };
}
