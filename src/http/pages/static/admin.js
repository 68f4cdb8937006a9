import { api, el, languageToggle, loadTranslations, setCsrf, t } from './common.js';

const $ = (id) => document.getElementById(id);
const Chart = window.Chart;
const charts = {};
let session;
const isAdmin = () => session?.user?.role === 'admin';

const numberLocale = () => (document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN');
const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString(numberLocale()));
/** A stored UTC time as people here read it: Asia/Ho_Chi_Minh. */
const localTime = (d) => new Date(d).toLocaleString(numberLocale(), { timeZone: 'Asia/Ho_Chi_Minh' });
const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
const notice = (box, text, error = false) => box.replaceChildren(el('div', { class: error ? 'notice error' : 'notice' }, text));

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
  charts[id] = new Chart($(id), { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
}

async function loadOverview() {
  const q = query();
  const [overview, series, units, questions] = await Promise.all([
    api(`/api/v1/stats/overview?${q}`),
    api(`/api/v1/stats/series?${q}`),
    api(`/api/v1/stats/units?${q}`),
    api(`/api/v1/stats/questions?${query({ locale: document.documentElement.lang })}`),
  ]);
  $('stat-participants').textContent = fmt(overview.participants);
  $('stat-joined').textContent = fmt(overview.joined);
  $('stat-answers').textContent = fmt(overview.answers);
  $('stat-accuracy').textContent = pct(overview.accuracy);
  drawChart('chart-series', {
    type: 'line',
    data: {
      labels: series.items.map((p) => p.day.slice(5)),
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
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const topUnits = units.items.slice(0, 15);
  drawChart('chart-units', {
    type: 'bar',
    data: {
      labels: topUnits.map((u) => u.name ?? u.unitId ?? t('overview.noUnit')),
      datasets: [{ label: t('overview.unitParticipants'), data: topUnits.map((u) => u.participants), backgroundColor: '#1b7f3b' }],
    },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const topQuestions = questions.items.slice(0, 20);
  drawChart('chart-questions', {
    type: 'bar',
    data: {
      labels: topQuestions.map((q) => q.questionId),
      datasets: [
        {
          label: t('overview.questionAccuracy'),
          data: topQuestions.map((q) => (q.accuracy === null ? 0 : Math.round(q.accuracy * 1000) / 10)),
          backgroundColor: '#e3a008',
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, max: 100 } } },
  });
}

async function loadLeaderboard() {
  const r = await api(`/api/v1/stats/leaderboard?${query({ limit: '20' })}`);
  $('leaderboard-rows').replaceChildren(
    ...(r.participants.length
      ? r.participants.map((p) =>
          el(
            'tr',
            {},
            el('td', {}, p.rank),
            el('td', {}, p.name),
            el('td', {}, p.unitId ?? '–'),
            el('td', {}, p.correct),
            el('td', {}, p.answered),
            el('td', {}, p.streakBest),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, t('overview.empty')))]),
  );
}

function broadcastInput() {
  const bots = [...$('b-bots').selectedOptions].map((o) => o.value);
  const units = $('b-units')
    .value.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const input = {
    text: { vi: $('b-text-vi').value },
    audience: { bots, units },
    sendAt: $('b-send-at').value || 'now',
  };
  if ($('b-title').value.trim()) input.title = $('b-title').value.trim();
  if ($('b-text-en').value.trim()) input.text.en = $('b-text-en').value.trim();
  return input;
}

const audienceCount = (p) => p?.audience?.count ?? p?.audienceSize ?? p?.recipients ?? p?.count ?? p?.audience?.total;

/** Skipped members in the organiser's words (from the API, in the page's language), each with what to do. */
function adviceList(advice) {
  if (!advice?.length) return null;
  return el('ul', { class: 'reach-advice' }, ...advice.map((a) => el('li', {}, el('span', {}, a.text), ' ', el('span', { class: 'muted' }, a.action ?? ''))));
}

/** The preview's expected reach: members per path, the group posts, who will be skipped and why (issue #20). */
function reachForecast(reach) {
  if (!reach) return [];
  const lines = Object.entries(reach.byPath).map(([path, count]) => el('li', {}, `${t(`reach.path.${path}`)}: ${fmt(count)}`));
  if (reach.groupPosts) lines.push(el('li', {}, t('broadcast.reach.groupPosts', { count: fmt(reach.groupPosts) })));
  return [el('h4', {}, t('broadcast.reach.heading')), el('ul', {}, ...lines), adviceList(reach.advice)].filter(Boolean);
}

/** The report per path (sent, skipped, failed, waiting), group posts, and the advice for skipped members. */
function reachReport(r) {
  const head = el('tr', {}, ...['path', 'sent', 'skipped', 'failed', 'waiting'].map((k) => el('th', {}, t(`broadcast.reach.${k}`))));
  const rows = Object.entries(r.byPath).map(([path, c]) =>
    el('tr', {}, el('td', {}, t(`reach.path.${path}`)), ...[c.sent, c.skipped, c.failed, c.pending + c.sending].map((n) => el('td', {}, fmt(n)))),
  );
  const g = r.groupPosts;
  const notes = [];
  if (g.sent + g.failed + g.sending) notes.push(t('broadcast.reach.groupPostsReport', g));
  if (r.unconfirmed) notes.push(t('broadcast.reach.unconfirmed', { count: r.unconfirmed }));
  return [
    el('h4', {}, t('broadcast.reach.reportHeading')),
    el('div', { class: 'reach-table' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows))),
    ...notes.map((n) => el('p', { class: 'muted' }, n)),
    adviceList(r.advice),
  ].filter(Boolean);
}

async function previewBroadcast() {
  try {
    const lang = encodeURIComponent(document.documentElement.lang);
    const p = await api(`/api/v1/broadcasts/preview?lang=${lang}`, { method: 'POST', body: broadcastInput() });
    $('b-preview-box').hidden = false;
    const count = audienceCount(p);
    $('b-audience').textContent = count === undefined ? '' : t('broadcast.audience', { count });
    $('b-reach').replaceChildren(...reachForecast(p?.reach));
    const lng = document.documentElement.lang;
    const messages = Array.isArray(p?.messages) ? p.messages : [];
    const pick = messages.find((m) => m.locale === lng && m.channel === 'neutral') ?? messages.find((m) => m.locale === lng) ?? messages[0];
    const when = p?.sendAtLocal ? `\n\n⏰ ${p.sendAtLocal}` : '';
    $('b-preview-text').textContent = pick?.message?.text
      ? pick.message.text + (pick.message.choices?.length ? `\n[${pick.message.choices.map((c) => c.title).join('] [')}]` : '') + when
      : JSON.stringify(p, null, 2);
  } catch (err) {
    notice($('b-message'), err.status === 501 ? t('broadcast.unavailable') : t('error.generic', { message: err.message }), true);
  }
}

async function scheduleBroadcast(e) {
  e.preventDefault();
  try {
    await api('/api/v1/broadcasts', { method: 'POST', body: broadcastInput() });
    notice($('b-message'), t('broadcast.created'));
    await loadBroadcasts();
  } catch (err) {
    notice($('b-message'), err.status === 501 ? t('broadcast.unavailable') : t('error.generic', { message: err.message }), true);
  }
}

const idOf = (b) => String(b.id ?? b._id);

async function loadBroadcasts() {
  let r;
  try {
    r = await api('/api/v1/broadcasts?limit=50');
  } catch (err) {
    $('broadcast-rows').replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, err.status === 501 ? t('broadcast.unavailable') : err.message)));
    return;
  }
  $('broadcast-rows').replaceChildren(
    ...r.items.map((b) => {
      const id = idOf(b);
      const cancellable = ['scheduled', 'sending', 'draft'].includes(b.status);
      return el(
        'tr',
        { dataset: { id } },
        el('td', {}, id.slice(-6)),
        el('td', {}, b.title ?? b.text?.vi?.slice(0, 60) ?? ''),
        el('td', { class: 'status' }, b.status ?? ''),
        el('td', {}, b.sendAtLocal ?? (b.sendAt ? localTime(b.sendAt) : '')),
        el(
          'td',
          { class: 'row' },
          el('button', { type: 'button', class: 'secondary report', onclick: () => showReport(id) }, t('broadcast.report')),
          cancellable ? el('button', { type: 'button', class: 'cancel', onclick: () => cancelBroadcast(id) }, t('broadcast.cancel')) : null,
        ),
      );
    }),
  );
}

async function showReport(id) {
  try {
    const r = await api(`/api/v1/broadcasts/${encodeURIComponent(id)}/report?lang=${encodeURIComponent(document.documentElement.lang)}`);
    $('b-report-reach').hidden = !r.byPath;
    $('b-report-reach').replaceChildren(...(r.byPath ? reachReport(r) : []));
    $('b-report').hidden = false;
    $('b-report').textContent = JSON.stringify(r, null, 2);
  } catch (err) {
    notice($('b-message'), t('error.generic', { message: err.message }), true);
  }
}

async function cancelBroadcast(id) {
  if (!confirm(t('broadcast.confirmCancel'))) return;
  try {
    await api(`/api/v1/broadcasts/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
    notice($('b-message'), t('broadcast.cancelled'));
    await loadBroadcasts();
  } catch (err) {
    notice($('b-message'), t('error.generic', { message: err.message }), true);
  }
}

async function loadContests() {
  const select = $('contest-select');
  try {
    const r = await api(`/api/v1/contests?${$('bot').value ? `bot=${encodeURIComponent($('bot').value)}` : ''}`);
    select.replaceChildren(el('option', { value: '' }, '—'), ...r.items.map((c) => el('option', { value: c.id }, `${c.title ?? c.id} (${c.bot})`)));
    if (!r.items.length) $('contest-message').replaceChildren(el('p', { class: 'muted' }, t('contest.none')));
    else $('contest-message').replaceChildren();
  } catch (err) {
    $('contest-message').replaceChildren(el('p', { class: 'muted' }, err.status === 501 ? t('contest.unavailable') : err.message));
  }
}

function table(rows) {
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v);
  return [
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...headers.map((h) => el('td', {}, cell(row[h])))))),
  ];
}

async function showContest() {
  const id = $('contest-select').value;
  if (!id) return $('contest-table').replaceChildren();
  const [results, prizes] = await Promise.all([
    api(`/api/v1/contests/${encodeURIComponent(id)}/results`),
    api(`/api/v1/contests/${encodeURIComponent(id)}/prizes`).catch(() => ({ rows: [] })),
  ]);
  const link = (format) =>
    el(
      'a',
      { href: `/api/v1/exports/contest-results?${new URLSearchParams({ contestId: id, format, lang: document.documentElement.lang })}`, download: '' },
      format.toUpperCase(),
    );
  $('contest-message').replaceChildren(el('p', {}, `${t('export.heading')}: `, link('csv'), ' ', link('xlsx')));
  $('contest-table').replaceChildren(el('caption', {}, t('contest.results')), ...table(results.rows));
  document.getElementById('contest-prizes')?.remove();
  if (prizes.rows.length) $('contest-table').after(el('table', { id: 'contest-prizes' }, el('caption', {}, t('contest.prizes')), ...table(prizes.rows)));
}

// ---- users of these pages and API tokens (admins only) ----

/** The role and bots cells of a user or token row. */
const roleCells = (x) => [
  el('td', {}, t(x.role === 'admin' ? 'users.roleAdmin' : 'users.roleOrganiser')),
  el('td', {}, x.role === 'admin' ? t('users.allBots') : x.bots.join(', ')),
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
          el(
            'button',
            { type: 'button', class: u.disabled ? 'secondary enable' : 'cancel disable', onclick: () => setDisabled(u, !u.disabled) },
            t(u.disabled ? 'users.enable' : 'users.disable'),
          ),
          el('button', { type: 'button', class: 'secondary reset', onclick: () => resetPassword(u) }, t('users.reset')),
        ),
      ),
    ),
  );
}

/** The one-time password is shown once, here, and never again. */
const showPassword = (r) => notice($('u-message'), t('users.oneTimePassword', { email: r.email, password: r.password }));
const userError = (err) => notice($('u-message'), t('error.generic', { message: err.message }), true);

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
    notice($('k-message'), t('error.generic', { message: err.message }), true);
  }
}

async function revokeToken(k) {
  if (!confirm(t('tokens.confirmRevoke', { name: k.name }))) return;
  try {
    await api(`/api/v1/tokens/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
    $('k-message').replaceChildren();
    await loadTokens();
  } catch (err) {
    notice($('k-message'), t('error.generic', { message: err.message }), true);
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
    await Promise.all([loadOverview(), loadLeaderboard(), loadBroadcasts(), loadContests(), isAdmin() ? loadUsers() : null, isAdmin() ? loadTokens() : null]);
    renderExports();
    $('message').replaceChildren();
  } catch (err) {
    if (err.status === 401) location.href = '/admin/login';
    notice($('message'), t('error.generic', { message: err.message }), true);
  }
  document.body.dataset.ready = 'true';
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
  $('jobs-link').hidden = !session.agendash;
  $('users-link').hidden = $('users').hidden = !isAdmin();
  for (const id of ['u-bots', 'k-bots']) $(id).replaceChildren(...(session.bots ?? []).map((b) => el('option', { value: b }, b)));
  $('user-form').addEventListener('submit', createUser);
  $('token-form').addEventListener('submit', createToken);
  const bots = session.bots ?? [];
  $('bot').replaceChildren(el('option', { value: '' }, t('filter.allBots')), ...bots.map((b) => el('option', { value: b }, b)));
  $('b-bots').replaceChildren(...bots.map((b) => el('option', { value: b }, b)));
  languageToggle($('lang'), () => {
    $('bot').options[0].textContent = t('filter.allBots');
    refresh();
  });
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  $('b-preview').addEventListener('click', previewBroadcast);
  $('broadcast-form').addEventListener('submit', scheduleBroadcast);
  $('contest-select').addEventListener('change', () => showContest().catch((err) => notice($('contest-message'), err.message, true)));
  $('logout').addEventListener('click', async () => {
    await api('/admin/logout', { method: 'POST' }).catch(() => undefined);
    location.href = '/admin/login';
  });
  await refresh();
}

main();
