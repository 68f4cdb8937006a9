// The contest results section: a live page of the ranking, the units and the prizes, as the
// terminal's `contest results` shows them (the API formats them the same way), and the downloads.
import { api, botName, el, errorText, fmt, lang, localDay, t } from './common.js';

const $ = (id) => document.getElementById(id);
/** While a contest is open on the page its results are read again this often. */
const REFRESH_MS = 30_000;
let timer = null;
let last = null;

/** A table with the view's own column labels: `cells(row)` gives one cell per key. */
function table(columns, keys, rows, cells, className = '') {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { class: className },
      el('thead', {}, el('tr', {}, ...keys.map((k) => el('th', { class: NUMERIC.has(k) ? 'num' : undefined }, columns[k] ?? k)))),
      el('tbody', {}, ...rows.map((row) => el('tr', {}, ...cells(row).map((c, i) => el('td', { class: NUMERIC.has(keys[i]) ? 'num' : undefined }, c ?? ''))))),
    ),
  );
}
const NUMERIC = new Set(['rank', 'correct', 'prediction', 'participants', 'size', 'rate', 'average', 'correctTotal']);

function downloads(id) {
  const link = (format, label) =>
    el(
      'a',
      { href: `/api/v1/exports/contest-results?${new URLSearchParams({ contestId: id, format, lang: lang() })}`, download: '', class: `contest-${format}` },
      label,
    );
  return el('p', { class: 'downloads' }, `${t('contest.download')}: `, link('xlsx', t('contest.xlsx')), ' · ', link('csv', 'CSV'));
}

function summary(c, updatedAt) {
  const rounds = t(c.rounds === 'weekly' ? 'contest.weekly' : 'contest.single');
  return el(
    'p',
    { class: 'muted' },
    t('contest.window', { start: localDay(c.window.start), end: localDay(c.window.end) }),
    ' · ',
    rounds,
    ' · ',
    t('contest.format', { questions: c.questionsPerAttempt, minutes: c.timeLimitMinutes }),
    el('br'),
    t('contest.updated', { at: updatedAt.toLocaleTimeString(lang() === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) }),
  );
}

function roundSection(r, columns) {
  return el(
    'div',
    { class: 'round', dataset: { round: r.round } },
    el('h4', {}, r.heading),
    table(
      columns,
      ['rank', 'name', 'unit', 'correct', 'prediction', 'duration', 'submitted', 'prize'],
      r.ranking,
      (e) => [e.rank, e.name, e.unit, `${e.correct}/${e.questionCount}`, e.predictionText, e.duration, e.submittedAtLocal, e.prizeLabel ?? ''],
      'ranking',
    ),
    r.collective.length
      ? el(
          'div',
          {},
          el('h5', {}, t('contest.units')),
          table(
            columns,
            ['rank', 'unit', 'participants', 'size', 'rate', 'average', 'correctTotal', 'prize'],
            r.collective,
            (u) => [u.rank, u.name, fmt(u.participants), u.size === null ? '–' : fmt(u.size), u.rate, u.average, fmt(u.correctAnswers), u.prizeLabel ?? ''],
            'units',
          ),
        )
      : null,
  );
}

/** Draws the results: the rounds somebody played (the API leaves out the others; a weekly contest has many). */
function render(r) {
  const played = r.rounds.filter((x) => x.ranking.length > 0);
  const roundSelect = $('contest-round');
  const wanted = roundSelect.value;
  roundSelect.replaceChildren(
    el('option', { value: '' }, t('contest.allRounds')),
    ...played.map((x) => el('option', { value: x.round }, t('contest.roundN', { round: x.round }))),
  );
  roundSelect.value = played.some((x) => x.round === wanted) ? wanted : '';
  $('contest-round-label').hidden = played.length < 2;
  const shown = played.filter((x) => !roundSelect.value || x.round === roundSelect.value);
  const prizes = r.prizes.filter((p) => !roundSelect.value || p.round === roundSelect.value);
  const parts = [
    el('h3', {}, r.contest.title),
    summary(r.contest, new Date()),
    downloads(r.contest.id),
    played.length === 0 ? el('p', { class: 'muted' }, t('contest.noEntries')) : null,
    prizes.length
      ? el(
          'div',
          { id: 'contest-prizes' },
          el('h4', {}, t('contest.prizes')),
          table(r.columns, ['round', 'kind', 'prize', 'rank', 'name', 'unit'], prizes, (p) => [p.round, p.kindLabel, p.prizeLabel, p.rank, p.name, p.unit]),
        )
      : null,
    ...shown.map((x) => roundSection(x, r.columns)),
  ];
  $('contest-results').replaceChildren(...parts.filter(Boolean));
}

async function load(id) {
  try {
    last = await api(`/api/v1/contests/${encodeURIComponent(id)}/results`);
    render(last);
    $('contest-message').replaceChildren();
  } catch (err) {
    $('contest-message').replaceChildren(el('p', { class: 'notice error' }, errorText(err)));
  }
}

async function show() {
  clearInterval(timer);
  timer = null;
  last = null;
  const id = $('contest-select').value;
  $('contest-round').value = '';
  if (!id) {
    $('contest-round-label').hidden = true;
    return $('contest-results').replaceChildren();
  }
  await load(id);
  // Live: the ranking changes as members play; read it again while the page shows it.
  timer = setInterval(() => {
    if (!document.hidden && $('contest-select').value === id) void load(id);
  }, REFRESH_MS);
}

/** The contests the caller may see, titled in the page's language. */
export async function loadContests(bot) {
  const select = $('contest-select');
  const chosen = select.value;
  try {
    const r = await api(`/api/v1/contests${bot ? `?bot=${encodeURIComponent(bot)}` : ''}`);
    select.replaceChildren(el('option', { value: '' }, '—'), ...r.items.map((c) => el('option', { value: c.id }, `${c.title} (${botName(c.bot)})`)));
    $('contest-message').replaceChildren(...(r.items.length ? [] : [el('p', { class: 'muted' }, t('contest.none'))]));
    if (r.items.some((c) => c.id === chosen)) {
      select.value = chosen;
      await load(chosen);
    } else if (chosen) await show();
  } catch (err) {
    $('contest-message').replaceChildren(el('p', { class: 'muted' }, err.status === 501 ? t('contest.unavailable') : errorText(err)));
  }
}

export function initContests() {
  $('contest-select').addEventListener('change', () => void show());
  $('contest-round').addEventListener('change', () => last && render(last));
}
