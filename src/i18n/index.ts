import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../domain/index.js';

export type Translate = (locale: Locale, key: string, vars?: Record<string, unknown>) => string;

/** Reads every `content/locales/<lng>/<namespace>.json` into i18next resources. */
export function readLocaleResources(contentDir: string): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lng of LOCALES) {
    const dir = path.join(contentDir, 'locales', lng);
    resources[lng] = {};
    if (!fs.existsSync(dir)) continue;
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      resources[lng]![path.basename(file, '.json')] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    }
  }
  return resources;
}

/**
 * One i18next instance for the process. Keys are written `namespace:key.path`; Vietnamese is the
 * default and the fallback, so a key missing in English still shows Vietnamese, never the key itself.
 */
export async function createI18n(contentDir: string): Promise<{ instance: i18n; t: Translate }> {
  const resources = readLocaleResources(contentDir);
  const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
  const instance = i18next.createInstance();
  await instance.init({
    resources: resources as never,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    ns: namespaces,
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const fixed = new Map<Locale, TFunction>(LOCALES.map((l) => [l, instance.getFixedT(l)]));
  const t: Translate = (locale, key, vars) => String(fixed.get(locale)!(key, vars as never));
  return { instance, t };
}
