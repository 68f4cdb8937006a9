import { loadBroadcasts, initBroadcasts, relabelBroadcasts } from './broadcasts.js';
import { api, botName, bots, el, errorText, fmt, languageToggle, localDay, localTime, loadTranslations, pct, setBots, setCsrf, t } from './common.js';
import { initContests, loadContests } from './contest-results.js';
import { loadLearning } from './learning.js';

const $ = (id) => document.getElementById(id);
const Chart = window.Chart;
// The charts write in the page's font, which places Vietnamese marks right.
Chart.defaults.font.family = "'Be Vietnam Pro', system-ui, sans-serif";
const charts = {};
let session;
const isAdmin = () => session?.user?.role === 'admin';
const notice = (box, text, error = false) => box.replaceChildren(el('div', { class: error ? 'notice error' : 'notice' }, text));
/** Phones get shorter labels on the charts' axes. */
const narrow = () => window.matchMedia('(max-width: 600px)').matches;

function query(extra = {}) {
  const p = new URLSearchParams();
  if ($('bot').value) p.set('bot', $('bot').value);
  if ($('from').value) p.set('from', $('from').value);
  if ($('to').value) p.set('to', $('to').value);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

function drawChart(id, config) {
  charts[id]?.destroy();
  // Horizontal bars get the height their (two-line) labels need, so none is skipped.
  if (config.options?.indexAxis === 'y') $(id).parentElement.style.height = `${Math.max(260, config.data.labels.length * 38 + 70)}px`;
  charts[id] = new Chart($(id), { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
}

const mb = (bytes) => fmt(Math.round(bytes / 1048576));

/** Admins: a banner when the embedded database is past a threshold (GET /api/v1/system/database). */
async function loadDatabaseWarning() {
  const box = $('database-warning');
  const { embedded: s } = await api('/api/v1/system/database');
  if (!s || s.level === 'ok') return box.replaceChildren();
  const lines = s.warnings.map((w) =>
    w.code === 'documents'
      ? t('database.documents', { documents: fmt(s.documents), limit: fmt(s.thresholds.warnDocuments) })
      : w.code === 'dataBytes'
        ? t('database.dataBytes', { size: mb(s.dataBytes), limit: mb(s.thresholds.warnDataBytes) })
        : t('database.heap', { percent: pct(s.heapUsedBytes / s.heapLimitBytes), used: mb(s.heapUsedBytes), limit: mb(s.heapLimitBytes) }),
  );
  box.replaceChildren(
    el(
      'div',
      { class: 'notice error' },
      el('strong', {}, t(s.level === 'critical' ? 'database.critical' : 'database.warning')),
      ...lines.map((line) => el('div', {}, line)),
      el('div', {}, t('database.advice')),
    ),
  );
}

/**
 * A long label as at most two lines of about `width` characters, cut at words, with an ellipsis:
 * Chart.js draws an array as lines, and a label wider than the axis would be clipped.
 */
function wrapLabel(text, width) {
  const words = String(text ?? '').split(/\s+/);
  const lines = [''];
  for (const w of words) {
    const line = lines.at(-1);
    if (!line || line.length + 1 + w.length <= width) lines[lines.length - 1] = line ? `${line} ${w}` : w;
    else lines.push(w);
  }
  if (lines.length <= 2) return lines;
  return [lines[0], `${lines[1].slice(0, width - 1).trimEnd()}…`];
}

function drawSeries(series) {
  drawChart('chart-series', {
    type: 'line',
    data: {
      labels: series.items.map((p) => localDay(p.day).slice(0, 5)),
      datasets: [
        {
          label: t('overview.seriesParticipants'),
          data: series.items.map((p) => p.participants),
          borderColor: '#1f6feb',
          backgroundColor: '#1f6feb33',
          fill: true,
        },
        { label: t('overview.seriesAnswers'), data: series.items.map((p) => p.answers), borderColor: '#c8102e', backgroundColor: '#c8102e22' },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } } } },
  });
}

function drawUnits(units) {
  const top = units.items.slice(0, 15);
  const label = (u) => (u.unitId === null ? t('overview.noUnit') : (u.name ?? u.unitId));
  drawChart('chart-units', {
    type: 'bar',
    data: {
      labels: top.map((u) => wrapLabel(label(u), narrow() ? 18 : 22)),
      datasets: [{ label: t('overview.unitParticipants'), data: top.map((u) => u.participants), backgroundColor: '#1b7f3b' }],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } },
      plugins: { tooltip: { callbacks: { title: (items) => label(top[items[0].dataIndex]) } } },
    },
  });
}

/** Accuracy per question, labelled with the question's (shortened) text; the whole text and figures in the tooltip. */
function drawQuestions(questions) {
  const top = questions.items.slice(0, 20);
  const text = (q) => q.question ?? t('overview.questionRetired');
  drawChart('chart-questions', {
    type: 'bar',
    data: {
      labels: top.map((q) => wrapLabel(text(q), narrow() ? 20 : 24)),
      datasets: [
        {
          label: t('overview.questionAccuracy'),
          data: top.map((q) => (q.accuracy === null ? 0 : Math.round(q.accuracy * 1000) / 10)),
          backgroundColor: '#e3a008',
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, max: 100, ticks: { callback: (v) => pct(v / 100) } }, y: { ticks: { autoSkip: false } } },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => text(top[items[0].dataIndex]),
            // The accuracy as every place writes it ("33,3%"), not Chart.js's own number format.
            label: (item) => `${item.dataset.label}: ${pct(top[item.dataIndex].accuracy)}`,
            afterLabel: (item) => {
              const q = top[item.dataIndex];
              return [
                t('overview.questionAnswers', { count: fmt(q.answers) }),
                q.averageTime ? t('overview.questionTime', { time: q.averageTime }) : '',
              ].filter(Boolean);
            },
          },
        },
      },
    },
  });
}

async function loadOverview() {
  const q = query();
  const [overview, series, units, questions] = await Promise.all([
    api(`/api/v1/stats/overview?${q}`),
    api(`/api/v1/stats/series?${q}`),
    api(`/api/v1/stats/units?${q}`),
    api(`/api/v1/stats/questions?${query({ locale: document.documentElement.lang })}`),
  ]);
  // Every card follows the date range, which the server fills in (last 30 days by default).
  $('stat-range').textContent = t('overview.range', { from: localDay(overview.from), to: localDay(overview.to) });
  $('stat-participants').textContent = fmt(overview.participants);
  $('stat-joined').textContent = fmt(overview.joined);
  $('stat-answers').textContent = fmt(overview.answers);
  $('stat-accuracy').textContent = pct(overview.accuracy);
  drawSeries(series);
  drawUnits(units);
  drawQuestions(questions);
}

/** The leaderboard of the chosen dates and bot, ranked as chat ranks a period (members, then units). */
async function loadLeaderboard() {
  const r = await api(`/api/v1/stats/leaderboard?${query({ limit: '20' })}`);
  $('leaderboard-range').textContent = t('leaderboard.inRange', { from: localDay(r.from), to: localDay(r.to) });
  const empty = (cols) => [el('tr', {}, el('td', { colspan: cols, class: 'muted' }, t('overview.empty')))];
  $('leaderboard-rows').replaceChildren(
    ...(r.participants.length
      ? r.participants.map((p) =>
          el(
            'tr',
            {},
            el('td', { class: 'num' }, p.rank),
            el('td', {}, p.name),
            el('td', {}, p.unitName ?? t('overview.noUnit')),
            el('td', { class: 'num' }, fmt(p.correct)),
            el('td', { class: 'num' }, fmt(p.answered)),
          ),
        )
      : empty(5)),
  );
  $('leaderboard-units').replaceChildren(
    ...(r.units.length
      ? r.units.map((u) =>
          el(
            'tr',
            {},
            el('td', { class: 'num' }, u.rank),
            el('td', {}, u.name),
            el('td', { class: 'num' }, fmt(u.correct)),
            el('td', { class: 'num' }, fmt(u.participants)),
            el('td', { class: 'num' }, pct(u.participationRate)),
          ),
        )
      : empty(5)),
  );
}

// ---- users of these pages and API tokens (admins only) ----

/** The role and bots cells of a user or token row. */
const roleCells = (x) => [
  el('td', {}, t(x.role === 'admin' ? 'users.roleAdmin' : 'users.roleOrganiser')),
  el('td', {}, x.role === 'admin' ? t('users.allBots') : x.bots.map(botName).join(', ')),
];

/** The role and bots chosen in a form, or null (with a message) when an organiser has no bot. */
function chosenRole(prefix) {
  const role = $(`${prefix}-role`).value;
  const bots = [...$(`${prefix}-bots`).selectedOptions].map((o) => o.value);
  if (role === 'organiser' && bots.length === 0) {
    notice($(`${prefix}-message`), t('users.organiserNeedsBot'), true);
    return null;
  }
  return { role, bots: role === 'admin' ? [] : bots };
}

/**
 * Whether the page offers to disable this user: never yourself, never the last enabled admin (the
 * server refuses both; the page does not offer what it would refuse).
 */
function mayDisable(u, users) {
  if (u.disabled) return true;
  if (u.id === session.user.id) return false;
  return !(u.role === 'admin' && users.filter((x) => x.role === 'admin' && !x.disabled).length <= 1);
}

async function loadUsers() {
  const r = await api('/api/v1/users');
  $('user-rows').replaceChildren(
    ...r.items.map((u) =>
      el(
        'tr',
        { dataset: { email: u.email } },
        el('td', {}, u.email),
        ...roleCells(u),
        el('td', { class: 'status' }, t(u.disabled ? 'users.disabled' : u.mustChangePassword ? 'users.mustChange' : 'users.active')),
        el('td', {}, u.lastLoginAt ? localTime(u.lastLoginAt) : t('users.never')),
        el(
          'td',
          { class: 'row' },
          mayDisable(u, r.items)
            ? el(
                'button',
                { type: 'button', class: u.disabled ? 'secondary enable' : 'cancel disable', onclick: () => setDisabled(u, !u.disabled) },
                t(u.disabled ? 'users.enable' : 'users.disable'),
              )
            : el('span', { class: 'muted you' }, t(u.id === session.user.id ? 'users.you' : 'users.lastAdmin')),
          el('button', { type: 'button', class: 'secondary reset', onclick: () => resetPassword(u) }, t('users.reset')),
        ),
      ),
    ),
  );
}

/** The one-time password is shown once, here, and never again. */
const showPassword = (r) => notice($('u-message'), t('users.oneTimePassword', { email: r.email, password: r.password }));
const userError = (err) => notice($('u-message'), errorText(err, { email: t('users.email'), bots: t('users.bots'), role: t('users.role') }), true);

async function createUser(e) {
  e.preventDefault();
  const chosen = chosenRole('u');
  if (!chosen) return;
  try {
    showPassword(await api('/api/v1/users', { method: 'POST', body: { email: $('u-email').value.trim(), ...chosen } }));
    $('u-email').value = '';
    await loadUsers();
  } catch (err) {
    userError(err);
  }
}

async function setDisabled(u, disabled) {
  if (disabled && !confirm(t('users.confirmDisable', { email: u.email }))) return;
  try {
    await api(`/api/v1/users/${encodeURIComponent(u.id)}/${disabled ? 'disable' : 'enable'}`, { method: 'POST' });
    $('u-message').replaceChildren();
    await loadUsers();
  } catch (err) {
    userError(err);
  }
}

async function resetPassword(u) {
  if (!confirm(t('users.confirmReset', { email: u.email }))) return;
  try {
    showPassword(await api(`/api/v1/users/${encodeURIComponent(u.id)}/reset-password`, { method: 'POST' }));
    await loadUsers();
  } catch (err) {
    userError(err);
  }
}

async function loadTokens() {
  const r = await api('/api/v1/tokens');
  $('token-rows').replaceChildren(
    ...r.items.map((k) =>
      el(
        'tr',
        { dataset: { name: k.name } },
        el('td', {}, k.name),
        el('td', {}, el('code', {}, `${k.prefix}…`)),
        ...roleCells(k),
        el('td', {}, localTime(k.createdAt)),
        el('td', {}, k.lastUsedAt ? localTime(k.lastUsedAt) : t('users.never')),
        el(
          'td',
          { class: 'status' },
          k.revoked ? t('tokens.revoked') : el('button', { type: 'button', class: 'cancel revoke', onclick: () => revokeToken(k) }, t('tokens.revoke')),
        ),
      ),
    ),
  );
}

async function createToken(e) {
  e.preventDefault();
  const chosen = chosenRole('k');
  if (!chosen) return;
  const name = $('k-name').value.trim();
  try {
    const { token } = await api('/api/v1/tokens', { method: 'POST', body: { name, ...chosen } });
    // The token is shown once, here, and never again.
    notice($('k-message'), t('tokens.shown', { name, token }));
    $('k-name').value = '';
    await loadTokens();
  } catch (err) {
    notice($('k-message'), errorText(err, { name: t('tokens.name'), bots: t('users.bots'), role: t('users.role') }), true);
  }
}

async function revokeToken(k) {
  if (!confirm(t('tokens.confirmRevoke', { name: k.name }))) return;
  try {
    await api(`/api/v1/tokens/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
    $('k-message').replaceChildren();
    await loadTokens();
  } catch (err) {
    notice($('k-message'), errorText(err, { name: t('tokens.name'), bots: t('users.bots'), role: t('users.role') }), true);
  }
}

function renderExports() {
  const datasets = ['participants', 'series', 'units', 'questions', 'leaderboard'];
  $('export-links').replaceChildren(
    ...datasets.map((d) =>
      el(
        'p',
        {},
        el('strong', {}, t(`export.${d}`)),
        ' ',
        el('a', { href: `/api/v1/exports/${d}?${query({ format: 'csv', lang: document.documentElement.lang })}`, download: '' }, 'CSV'),
        el(
          'a',
          { href: `/api/v1/exports/${d}?${query({ format: 'xlsx', lang: document.documentElement.lang })}`, download: '', class: `export-${d}-xlsx` },
          'XLSX',
        ),
      ),
    ),
  );
}

async function refresh() {
  try {
    await Promise.all([
      loadOverview(),
      loadLeaderboard(),
      loadLearning(query(), $('bot').value),
      loadBroadcasts(),
      loadContests($('bot').value),
      isAdmin() ? loadUsers() : null,
      isAdmin() ? loadTokens() : null,
      isAdmin() ? loadDatabaseWarning() : null,
    ]);
    renderExports();
    $('message').replaceChildren();
  } catch (err) {
    if (err.status === 401) location.href = '/admin/login';
    notice($('message'), errorText(err, { from: t('filter.from'), to: t('filter.to'), bot: t('filter.bot') }), true);
  }
  document.body.dataset.ready = 'true';
}

/** The bot pickers, by name: the filter, and the bots a user or an API token may see. */
function fillBotPickers() {
  const options = () => bots().map((b) => el('option', { value: b.id }, botName(b.id)));
  const chosen = $('bot').value;
  $('bot').replaceChildren(el('option', { value: '' }, t('filter.allBots')), ...options());
  $('bot').value = chosen;
  for (const id of ['u-bots', 'k-bots']) {
    const picked = new Set([...$(id).selectedOptions].map((o) => o.value));
    $(id).replaceChildren(...options());
    for (const o of $(id).options) o.selected = picked.has(o.value);
  }
}

async function main() {
  await loadTranslations();
  try {
    session = await api('/admin/session');
  } catch {
    location.href = '/admin/login';
    return;
  }
  setCsrf(session.csrfToken);
  if (session.mustChangePassword) {
    location.href = '/admin/login?change=1';
    return;
  }
  // Names of the bots the caller sees; a bot without one (an older server) shows its id.
  setBots((session.bots ?? []).map((id) => session.botInfo?.find((b) => b.id === id) ?? { id, name: { vi: id }, units: null }));
  $('jobs-link').hidden = !session.agendash;
  $('users-link').hidden = $('users').hidden = !isAdmin();
  fillBotPickers();
  $('user-form').addEventListener('submit', createUser);
  $('token-form').addEventListener('submit', createToken);
  languageToggle($('lang'), () => {
    fillBotPickers();
    relabelBroadcasts();
    refresh();
    // The content editors (questions.js, calendar.js, …) redraw in the new language.
    document.dispatchEvent(new Event('cds:relabel'));
  });
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  initContests();
  await initBroadcasts();
  $('logout').addEventListener('click', async () => {
    await api('/admin/logout', { method: 'POST' }).catch(() => undefined);
    location.href = '/admin/login';
  });
  // The content editors (separate modules) start once the session is known.
  document.dispatchEvent(new CustomEvent('cds:ready', { detail: session }));
  await refresh();
}

main();
