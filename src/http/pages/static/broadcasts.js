// The broadcasts section: compose, preview, schedule, edit a scheduled one, cancel, and read the report.
import { api, botName, bots, el, errorText, fmt, fold, lang, localInputValue, localTime, t } from './common.js';

const $ = (id) => document.getElementById(id);
const notice = (box, text, error = false) => box.replaceChildren(el('div', { class: error ? 'notice error' : 'notice' }, text));

/** The form's labels, for the fields at fault in a server error. */
const fieldLabels = () => ({
  title: t('broadcast.titleField'),
  'text.vi': t('broadcast.textVi'),
  'text.en': t('broadcast.textEn'),
  'audience.bots': t('broadcast.bots'),
  'audience.units': t('broadcast.units'),
  sendAt: t('broadcast.sendAtShort'),
});
const fail = (err) => notice($('b-message'), err.status === 501 ? t('broadcast.unavailable') : errorText(err, fieldLabels()), true);

// ---- picking units by name

/** Every unit of the bots' lists (GET /units), and the ids chosen for the broadcast. */
const picker = { units: [], chosen: [] };

/** The unit lists of the bots chosen in the form (all the caller's bots when none is chosen). */
function listsInScope() {
  const chosenBots = [...$('b-bots').selectedOptions].map((o) => o.value);
  const info = bots().filter((b) => chosenBots.length === 0 || chosenBots.includes(b.id));
  return new Set(info.map((b) => b.units).filter(Boolean));
}

/** A unit's name (from the lists in scope first); an id no list knows is shown as such, marked. */
function unitLabel(id) {
  const lists = listsInScope();
  const u = picker.units.find((x) => x.unitId === id && lists.has(x.listId)) ?? picker.units.find((x) => x.unitId === id);
  return u ? u.name : t('broadcast.unknownUnit', { id });
}

function renderChosen() {
  $('b-unit-chosen').replaceChildren(
    ...(picker.chosen.length
      ? picker.chosen.map((id) =>
          el(
            'span',
            { class: 'chip', dataset: { unit: id } },
            unitLabel(id),
            el('button', { type: 'button', class: 'link', 'aria-label': t('broadcast.removeUnit'), onclick: () => toggleUnit(id) }, '×'),
          ),
        )
      : [el('span', { class: 'muted' }, t('broadcast.allUnits'))]),
  );
}

function renderOptions() {
  const q = fold($('b-unit-search').value.trim());
  const lists = listsInScope();
  const seen = new Set();
  const matches = picker.units.filter((u) => {
    if (!lists.has(u.listId) || picker.chosen.includes(u.unitId) || seen.has(u.unitId)) return false;
    if (q && !fold(u.name).includes(q)) return false;
    seen.add(u.unitId);
    return true;
  });
  const shown = q || document.activeElement === $('b-unit-search') ? matches.slice(0, 30) : [];
  $('b-unit-options').replaceChildren(
    ...shown.map((u) => el('li', { role: 'option', tabindex: '0', dataset: { unit: u.unitId }, onclick: () => toggleUnit(u.unitId) }, u.name)),
    ...(q && matches.length === 0 ? [el('li', { class: 'muted' }, t('broadcast.noUnitFound'))] : []),
  );
}

function toggleUnit(id) {
  picker.chosen = picker.chosen.includes(id) ? picker.chosen.filter((x) => x !== id) : [...picker.chosen, id];
  $('b-unit-search').value = '';
  renderChosen();
  renderOptions();
}

// A unit list imported or edited in the Units section (units.js) is picked from at once.
document.addEventListener('cds:units-changed', () => void loadUnits());

async function loadUnits() {
  try {
    picker.units = (await api('/api/v1/units')).items;
  } catch {
    picker.units = [];
  }
  renderChosen();
}

// ---- the form: new, or editing a scheduled broadcast

/** The broadcast being edited (its stored view), or null when the form makes a new one. */
let editing = null;

function broadcastInput() {
  const input = {
    text: { vi: $('b-text-vi').value },
    audience: { bots: [...$('b-bots').selectedOptions].map((o) => o.value), units: [...picker.chosen] },
    sendAt: $('b-send-at').value || 'now',
  };
  if ($('b-title').value.trim()) input.title = $('b-title').value.trim();
  if ($('b-text-en').value.trim()) input.text.en = $('b-text-en').value.trim();
  return input;
}

const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Only what the organiser changed: the API's PATCH changes the fields it is sent and nothing else. */
function broadcastPatch(b) {
  const now = broadcastInput();
  const patch = {};
  if (now.title && now.title !== b.title) patch.title = now.title;
  const text = {};
  if (now.text.vi !== b.text.vi) text.vi = now.text.vi;
  if ((now.text.en ?? null) !== (b.text.en ?? null)) text.en = now.text.en ?? null;
  if (Object.keys(text).length) patch.text = text;
  const audience = {};
  if (!sameSet(now.audience.bots, b.audience.bots)) audience.bots = now.audience.bots;
  if (!sameSet(now.audience.units, b.audience.units)) audience.units = now.audience.units;
  if (Object.keys(audience).length) patch.audience = audience;
  if (now.sendAt !== localInputValue(b.sendAt)) patch.sendAt = now.sendAt;
  return patch;
}

/** The form's heading and button say whether it makes a new broadcast or saves changes to one. */
function labelForm() {
  $('b-heading').textContent = t(editing ? 'broadcast.editHeading' : 'broadcast.new');
  $('b-schedule').textContent = t(editing ? 'broadcast.save' : 'broadcast.schedule');
  $('b-edit-cancel').hidden = !editing;
}

function setEditing(b) {
  editing = b;
  labelForm();
  $('b-send-at').required = !!b;
  $('b-title').value = b?.title ?? '';
  $('b-text-vi').value = b?.text?.vi ?? '';
  $('b-text-en').value = b?.text?.en ?? '';
  for (const o of $('b-bots').options) o.selected = !!b?.audience.bots.includes(o.value);
  picker.chosen = b ? [...b.audience.units] : [];
  $('b-send-at').value = b ? localInputValue(b.sendAt) : '';
  $('b-preview-box').hidden = true;
  renderChosen();
}

async function startEditing(id) {
  try {
    setEditing(await api(`/api/v1/broadcasts/${encodeURIComponent(id)}`));
    $('b-message').replaceChildren();
    $('broadcasts').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (err) {
    fail(err);
  }
}

/** Reasons in words (from the server, in the page's language), each with what the organiser can do. */
function adviceBox(advice) {
  if (!advice?.length) return null;
  return el(
    'div',
    { class: 'advice' },
    el('ul', {}, ...advice.map((a) => el('li', {}, a.text, a.action ? el('div', { class: 'action' }, `→ ${a.action}`) : null))),
  );
}

/** The preview's expected reach (issue 20): members per path, posts in Zalo groups, who will be skipped and why. */
function reachForecast(reach) {
  if (!reach) return [];
  const lines = Object.entries(reach.byPath).map(([path, count]) => el('li', {}, `${t(`reach.path.${path}`)}: ${fmt(count)}`));
  if (reach.groupPosts) lines.push(el('li', {}, t('broadcast.reach.groupPosts', { count: fmt(reach.groupPosts) })));
  return [el('h4', {}, t('broadcast.reach.heading')), el('ul', {}, ...lines), adviceBox(reach.advice)].filter(Boolean);
}

/** Under the report's table per path: the group posts and the paid sends not confirmed, when there are any. */
function reachNotes(r) {
  const notes = [];
  const g = r.groupPosts;
  if (g && g.sent + g.failed + g.sending)
    notes.push(t('broadcast.reach.groupPostsReport', { sent: fmt(g.sent), failed: fmt(g.failed), sending: fmt(g.sending) }));
  if (r.unconfirmed) notes.push(t('broadcast.reach.unconfirmed', { count: fmt(r.unconfirmed) }));
  return notes.map((n) => el('p', { class: 'muted' }, n));
}

async function previewBroadcast() {
  try {
    const p = await api('/api/v1/broadcasts/preview', { method: 'POST', body: broadcastInput() });
    $('b-preview-box').hidden = false;
    $('b-audience').textContent = t('broadcast.audience', { count: fmt(p.audienceSize) });
    $('b-reach').replaceChildren(...reachForecast(p.reach));
    const messages = Array.isArray(p?.messages) ? p.messages : [];
    const pick = messages.find((m) => m.locale === lang() && m.channel === 'neutral') ?? messages.find((m) => m.locale === lang()) ?? messages[0];
    const choices = pick?.message.choices?.length ? `\n[${pick.message.choices.map((c) => c.title).join('] [')}]` : '';
    $('b-preview-text').textContent = `${pick?.message.text ?? ''}${choices}\n\n⏰ ${p.sendAtLocal}`;
  } catch (err) {
    fail(err);
  }
}

async function submitBroadcast(e) {
  e.preventDefault();
  try {
    if (editing) {
      const patch = broadcastPatch(editing);
      if (Object.keys(patch).length === 0) return notice($('b-message'), t('broadcast.nothingChanged'));
      await api(`/api/v1/broadcasts/${encodeURIComponent(editing.id)}`, { method: 'PATCH', body: patch });
      setEditing(null);
      notice($('b-message'), t('broadcast.saved'));
    } else {
      await api('/api/v1/broadcasts', { method: 'POST', body: broadcastInput() });
      setEditing(null);
      notice($('b-message'), t('broadcast.created'));
    }
    await loadBroadcasts();
  } catch (err) {
    fail(err);
  }
}

// ---- the list

const sendTime = (b) => b.sendAtLocal ?? (b.sendAt ? localTime(b.sendAt) : '');

/** Reloads the list of broadcasts (newest first). */
export async function loadBroadcasts() {
  let r;
  try {
    r = await api('/api/v1/broadcasts?limit=50');
  } catch (err) {
    $('broadcast-rows').replaceChildren(
      el('tr', {}, el('td', { colspan: 6, class: 'muted' }, err.status === 501 ? t('broadcast.unavailable') : errorText(err))),
    );
    return;
  }
  $('broadcast-rows').replaceChildren(
    ...(r.items.length ? r.items.map(broadcastRow) : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, t('broadcast.none')))]),
  );
}

function broadcastRow(b) {
  const editable = b.kind === 'manual' && b.status === 'scheduled';
  const cancellable = ['scheduled', 'sending'].includes(b.status);
  return el(
    'tr',
    { dataset: { id: b.id, status: b.status } },
    el('td', {}, b.title || b.text?.vi?.slice(0, 60) || ''),
    el('td', {}, t(`broadcast.kinds.${b.kind}`)),
    el('td', { class: 'status' }, t(`broadcast.statuses.${b.status}`)),
    el('td', {}, sendTime(b)),
    el('td', { class: 'num' }, b.audienceSize === null || b.audienceSize === undefined ? '–' : fmt(b.audienceSize)),
    el(
      'td',
      { class: 'row actions' },
      el('button', { type: 'button', class: 'secondary report', onclick: () => showReport(b.id) }, t('broadcast.report')),
      editable ? el('button', { type: 'button', class: 'secondary edit', onclick: () => startEditing(b.id) }, t('broadcast.edit')) : null,
      cancellable ? el('button', { type: 'button', class: 'cancel', onclick: () => cancelBroadcast(b.id) }, t('broadcast.cancel')) : null,
    ),
  );
}

async function cancelBroadcast(id) {
  if (!confirm(t('broadcast.confirmCancel'))) return;
  try {
    await api(`/api/v1/broadcasts/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
    if (editing?.id === id) setEditing(null);
    notice($('b-message'), t('broadcast.cancelled'));
    await loadBroadcasts();
  } catch (err) {
    fail(err);
  }
}

// ---- the report

const OUTCOMES = ['sent', 'read', 'skipped', 'failed', 'pending'];
const COLOURS = { sent: '#1b7f3b', read: '#1f6feb', skipped: '#e3a008', failed: '#c8102e', pending: '#8795a6' };
let reportChart = null;
/** The broadcast whose report is open, reloaded when the language changes. */
let reportId = null;

/** A table of outcome counts, one row per channel or unit. */
function outcomeTable(caption, firstHeader, rows) {
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      {},
      el('caption', {}, caption),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, firstHeader),
          el('th', { class: 'num' }, t('report.total')),
          ...OUTCOMES.map((o) => el('th', { class: 'num' }, t(`report.${o}`))),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map((r) =>
          el('tr', {}, el('td', {}, r.label), el('td', { class: 'num' }, fmt(r.total)), ...OUTCOMES.map((o) => el('td', { class: 'num' }, fmt(r[o])))),
        ),
      ),
    ),
  );
}

/** The broadcast's times, in Vietnam time. */
function reportTimes(b) {
  const parts = [t('report.sendAt', { at: b.sendAtLocal })];
  if (b.startedAt) parts.push(t('report.startedAt', { at: localTime(b.startedAt) }));
  if (b.finishedAt) parts.push(t('report.finishedAt', { at: localTime(b.finishedAt) }));
  if (b.cancelledAt) parts.push(t('report.cancelledAt', { at: localTime(b.cancelledAt) }));
  return parts.join(' · ');
}

function renderReport(r) {
  const b = r.broadcast;
  const totals = {
    sent: r.byStatus.sent,
    read: r.read,
    skipped: r.byStatus.skipped,
    failed: r.byStatus.failed,
    pending: r.byStatus.pending + r.byStatus.sending,
  };
  const box = $('b-report');
  reportChart?.destroy();
  reportChart = null;
  box.hidden = false;
  box.replaceChildren(
    el('h3', {}, t('report.heading', { title: b.title })),
    el('p', {}, el('strong', { class: 'status' }, t(`broadcast.statuses.${b.status}`)), ' · ', t(`broadcast.kinds.${b.kind}`), ' · ', reportTimes(b)),
    r.total === 0
      ? el('p', { class: 'muted empty' }, t(b.status === 'scheduled' ? 'report.notYet' : 'report.nobody', { at: b.sendAtLocal }))
      : reportBody(r, totals),
  );
  if (r.total > 0) drawReportChart(totals);
  box.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

function reportBody(r, totals) {
  const channels = r.channels.map((c) => ({ ...c, label: t(`channel.${c.channel}`) }));
  const units = r.units.map((u) => ({ ...u, label: u.name ?? (u.unitId ? t('broadcast.unknownUnit', { id: u.unitId }) : t('overview.noUnit')) }));
  return el(
    'div',
    {},
    el('p', { class: 'summary' }, t('report.summary', { total: fmt(r.total), ...Object.fromEntries(OUTCOMES.map((o) => [o, fmt(totals[o])])) })),
    el('div', { class: 'chart small' }, el('canvas', { id: 'report-chart', role: 'img', 'aria-label': t('report.chart') })),
    r.advice.length
      ? el(
          'div',
          { class: 'advice' },
          el('h4', {}, t('report.reasons')),
          el('ul', {}, ...r.advice.map((a) => el('li', {}, a.text, a.action ? el('div', { class: 'action' }, `→ ${a.action}`) : null))),
        )
      : null,
    outcomeTable(t('report.byChannel'), t('report.channel'), channels),
    // The reach paths (issue 20), when the server reports them.
    r.byPath
      ? outcomeTable(
          t('report.byPath'),
          t('report.path'),
          Object.entries(r.byPath).map(([path, c]) => pathRow(path, c)),
        )
      : null,
    ...reachNotes(r),
    outcomeTable(t('report.byUnit'), t('report.unit'), units),
  );
}

/** A reach path's counts by delivery status as a table row. */
function pathRow(path, c) {
  const n = (k) => c[k] ?? 0;
  const total = ['pending', 'sending', 'sent', 'skipped', 'failed'].reduce((sum, k) => sum + n(k), 0);
  return {
    label: t(`reach.path.${path}`),
    total,
    sent: n('sent'),
    read: undefined,
    skipped: n('skipped'),
    failed: n('failed'),
    pending: n('pending') + n('sending'),
  };
}

function drawReportChart(totals) {
  reportChart = new window.Chart($('report-chart'), {
    type: 'bar',
    data: {
      labels: OUTCOMES.map((o) => t(`report.${o}`)),
      datasets: [{ data: OUTCOMES.map((o) => totals[o]), backgroundColor: OUTCOMES.map((o) => COLOURS[o]) }],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

async function showReport(id) {
  try {
    reportId = id;
    renderReport(await api(`/api/v1/broadcasts/${encodeURIComponent(id)}/report`));
  } catch (err) {
    fail(err);
  }
}

/** Fills the bot picker with names and wires the section. */
export function initBroadcasts() {
  $('b-bots').replaceChildren(...bots().map((b) => el('option', { value: b.id }, botName(b.id))));
  $('b-bots').addEventListener('change', () => {
    renderChosen();
    renderOptions();
  });
  $('b-unit-search').addEventListener('input', renderOptions);
  $('b-unit-search').addEventListener('focus', renderOptions);
  $('b-unit-search').addEventListener('blur', () => setTimeout(renderOptions, 200));
  $('b-unit-search').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = $('b-unit-options').querySelector('li[data-unit]');
    if (first) toggleUnit(first.dataset.unit);
  });
  $('b-preview').addEventListener('click', previewBroadcast);
  $('broadcast-form').addEventListener('submit', submitBroadcast);
  $('b-edit-cancel').addEventListener('click', () => {
    setEditing(null);
    $('b-message').replaceChildren();
  });
  return loadUnits();
}

/** After a language change: names and words again. */
export function relabelBroadcasts() {
  for (const o of $('b-bots').options) o.textContent = botName(o.value);
  labelForm();
  renderChosen();
  if (reportId && !$('b-report').hidden) void showReport(reportId);
}
