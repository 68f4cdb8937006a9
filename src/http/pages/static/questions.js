// Questions: search and filters, the editor with a live preview per platform, the review workflow
// (a second person reviews), retire/restore, history, and import from a CSV or XLSX file.
import { localTime, pct, fmt, bots, botName, lang } from './common.js';
import {
  $,
  addSection,
  api,
  el,
  factPicker,
  fillTopics,
  listOf,
  notice,
  onRelabel,
  problemList,
  topicName,
  topicsFor,
  tx,
  upload,
  whenReady,
} from './editing.js';

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'];
/** `topics`: those the caller may give a question (their bots'); `filterTopics`: those of the bot chosen in the filters. */
const state = { csrf: '', topics: [], filterTopics: [], editing: null, previewTimer: null, facts: null };

const HTML = `
  <h2 data-i18n="editor.questions.heading"></h2>
  <form id="q-filters" class="filters">
    <label class="grow"><span data-i18n="editor.questions.search"></span><input id="q-search" type="search" /></label>
    <label><span data-i18n="editor.questions.topic"></span><select id="q-topic"></select></label>
    <label><span data-i18n="editor.common.bots"></span><select id="q-bot"></select></label>
    <label><span data-i18n="editor.questions.difficulty"></span><select id="q-difficulty"></select></label>
    <label><span data-i18n="editor.questions.status"></span><select id="q-status"></select></label>
    <label><span data-i18n="editor.questions.accuracy"></span><select id="q-accuracy"></select></label>
    <button type="submit" data-i18n="editor.questions.filter"></button>
    <button type="button" class="secondary" id="q-new" data-i18n="editor.questions.newHeading"></button>
  </form>
  <p class="muted" id="q-total"></p>
  <p class="muted"><span data-i18n="editor.questions.calibration"></span> <a id="q-calibration-csv" download>CSV</a> <a id="q-calibration-xlsx" download>XLSX</a></p>
  <div class="table-wrap"><table><thead><tr>
    <th data-i18n="editor.questions.question"></th><th data-i18n="editor.questions.topic"></th>
    <th data-i18n="editor.questions.difficulty"></th><th data-i18n="editor.questions.status"></th>
    <th class="num" data-i18n="editor.questions.accuracy"></th><th class="num" data-i18n="editor.questions.answers"></th><th></th>
  </tr></thead><tbody id="q-rows"></tbody></table></div>
  <div id="q-editor" hidden>
    <h3 id="q-editor-heading"></h3>
    <p class="muted" data-i18n="editor.questions.workflow"></p>
    <p class="muted" id="q-trail"></p>
    <div class="editor-grid">
      <form id="q-form" class="stack">
        <label><span data-i18n="editor.questions.topic"></span><select id="qf-topic" required></select></label>
        <label><span data-i18n="editor.questions.difficulty"></span><select id="qf-difficulty"></select></label>
        <label><span data-i18n="editor.questions.questionVi"></span><textarea id="qf-question" required></textarea></label>
        <label><span data-i18n="editor.questions.optionsVi"></span><textarea id="qf-options" rows="4" required></textarea></label>
        <label><span data-i18n="editor.questions.answer"></span><select id="qf-answer"></select></label>
        <label><span data-i18n="editor.questions.explanationVi"></span><textarea id="qf-explanation" required></textarea></label>
        <label><span data-i18n="editor.questions.questionEn"></span><textarea id="qf-question-en" required></textarea></label>
        <label><span data-i18n="editor.questions.optionsEn"></span><textarea id="qf-options-en" rows="4" required></textarea></label>
        <label><span data-i18n="editor.questions.explanationEn"></span><textarea id="qf-explanation-en" required></textarea></label>
        <div class="field"><span data-i18n="editor.common.factsHint"></span><div id="qf-facts"></div></div>
        <label><span data-i18n="editor.questions.tags"></span><input id="qf-tags" /></label>
        <label><span data-i18n="editor.questions.image"></span><input id="qf-image" placeholder="ngay-cds.png" /></label>
        <label><span data-i18n="editor.questions.explanationImage"></span><input id="qf-explanation-image" placeholder="giai-thich.png" /></label>
        <div class="row">
          <button type="submit" id="qf-save" data-i18n="editor.common.save"></button>
          <button type="button" class="secondary" id="qf-review" data-i18n="editor.questions.review"></button>
          <button type="button" class="secondary" id="qf-publish" data-i18n="editor.questions.publish"></button>
          <button type="button" class="secondary" id="qf-retire"></button>
          <button type="button" class="secondary" id="qf-history" data-i18n="editor.questions.history"></button>
          <button type="button" class="secondary" id="qf-close" data-i18n="editor.common.cancel"></button>
        </div>
        <div id="qf-message" role="alert"></div>
      </form>
      <div>
        <h4 data-i18n="editor.questions.previewHeading"></h4>
        <div id="qf-preview" class="previews"></div>
      </div>
    </div>
    <div id="qf-history-box" hidden>
      <h4 data-i18n="editor.questions.historyHeading"></h4>
      <div class="table-wrap"><table><tbody id="qf-history-rows"></tbody></table></div>
    </div>
  </div>
  <h3 data-i18n="editor.questions.importHeading"></h3>
  <div class="row"><input id="q-file" type="file" accept=".csv,.xlsx" /><button type="button" id="q-import" data-i18n="editor.common.import"></button></div>
  <div id="q-import-message" role="alert"></div>`;

const options = (select, pairs, keep = true) => {
  const chosen = select.value;
  select.replaceChildren(...pairs.map(([value, label]) => el('option', { value }, label)));
  if (keep) select.value = chosen;
};

function fillPickers() {
  options($('q-topic'), [['', tx('questions.allTopics')], ...state.filterTopics.map((x) => [x.id, x.name])]);
  options($('q-bot'), [['', tx('common.allBots')], ...bots().map((b) => [b.id, botName(b.id)])]);
  options($('q-difficulty'), [['', tx('questions.anyDifficulty')], ...['1', '2', '3'].map((d) => [d, tx(`difficulty.${d}`)])]);
  options($('q-status'), [['', tx('questions.anyStatus')], ...['draft', 'reviewed', 'published', 'retired'].map((s) => [s, tx(`status.${s}`)])]);
  options($('q-accuracy'), [
    ['', tx('questions.anyAccuracy')],
    ['low', tx('questions.accLow')],
    ['mid', tx('questions.accMid')],
    ['high', tx('questions.accHigh')],
    ['mis', tx('questions.accMis')],
  ]);
  fillTopics($('qf-topic'), state.topics);
  options(
    $('qf-difficulty'),
    ['1', '2', '3'].map((d) => [d, tx(`difficulty.${d}`)]),
  );
}

/** The topics of the form (the caller's bots) and of the filters (the bot chosen there), with their names; then the pickers. */
async function loadTopics() {
  const bot = $('q-bot').value;
  [state.topics, state.filterTopics] = await Promise.all([topicsFor(), bot ? topicsFor(bot) : null]);
  state.filterTopics ??= state.topics;
  fillPickers();
}

function filterQuery() {
  const p = new URLSearchParams({ pageSize: '50' });
  const set = (k, v) => v && p.set(k, v);
  set('q', $('q-search').value.trim());
  set('topic', $('q-topic').value);
  set('bot', $('q-bot').value);
  set('difficulty', $('q-difficulty').value);
  set('status', $('q-status').value);
  const acc = { low: ['', '0.5'], mid: ['0.5', '0.8'], high: ['0.8', ''] }[$('q-accuracy').value];
  if (acc) (set('minAccuracy', acc[0]), set('maxAccuracy', acc[1]));
  if ($('q-accuracy').value === 'mis') p.set('miscalibrated', 'true');
  return p.toString();
}

/** The calibration list (questions whose answers contradict their difficulty) for the chosen bot, in the page's language. */
function calibrationLinks() {
  for (const format of ['csv', 'xlsx']) {
    const p = new URLSearchParams({ format, lang: lang() });
    if ($('q-bot').value) p.set('bot', $('q-bot').value);
    $(`q-calibration-${format}`).href = `/api/v1/exports/calibration?${p}`;
  }
}

async function loadQuestions() {
  calibrationLinks();
  const r = await api(`/api/v1/questions?${filterQuery()}`);
  $('q-total').textContent = tx('questions.total', { count: fmt(r.total) });
  const status = (q) => tx(`status.${q.retired ? 'retired' : q.status}`);
  $('q-rows').replaceChildren(
    ...(r.items.length
      ? r.items.map((q) =>
          el(
            'tr',
            { dataset: { question: q.id } },
            el('td', {}, q.question),
            el('td', {}, topicName(q.topic)),
            el(
              'td',
              {},
              tx(`difficulty.${q.difficulty}`),
              q.suggestedDifficulty ? el('div', { class: 'muted' }, tx('questions.suggested', { level: tx(`difficulty.${q.suggestedDifficulty}`) })) : null,
            ),
            el('td', {}, status(q)),
            el('td', { class: 'num' }, pct(q.accuracy)),
            el('td', { class: 'num' }, fmt(q.answers)),
            el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => openEditor(q.id) }, tx('common.edit'))),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 7, class: 'muted' }, tx('questions.empty')))]),
  );
}

/** The question typed in the form, in the shape of content/questions/*.yaml. */
function typed() {
  const opts = listOf($('qf-options').value, /\n/);
  return {
    topic: $('qf-topic').value,
    difficulty: Number($('qf-difficulty').value),
    question: $('qf-question').value.trim(),
    options: opts,
    answer: $('qf-answer').value || 'A',
    explanation: $('qf-explanation').value.trim(),
    facts: state.facts.value(),
    tags: listOf($('qf-tags').value),
    en: { question: $('qf-question-en').value.trim(), options: listOf($('qf-options-en').value, /\n/), explanation: $('qf-explanation-en').value.trim() },
    // Pictures of content/media by file name; null (no picture) takes one away in a PATCH.
    image: $('qf-image').value.trim() || null,
    explanationImage: $('qf-explanation-image').value.trim() || null,
  };
}

/** A new question (or a preview) names only the pictures it has. */
const withoutNulls = (q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== null));

function fillAnswerLetters() {
  const n = Math.max(2, listOf($('qf-options').value, /\n/).length);
  options(
    $('qf-answer'),
    LETTERS.slice(0, n).map((l) => [l, l]),
  );
}

/** Bubbles and buttons of one platform's payload, as the member's screen shows them. */
function bubbles(payload) {
  const texts = [];
  const buttons = [];
  const pictures = [];
  // Messenger: { text, quick_replies: [{ title }] }; Zalo OA: text and buttons with titles; a Zalo group: plain strings.
  const walk = (v, key) => {
    // A picture: Messenger's image attachment, Zalo OA's media template element.
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (v.type === 'image' && typeof v.payload?.url === 'string') return void pictures.push(v.payload.url);
      if (v.media_type === 'image' && typeof v.url === 'string') return void pictures.push(v.url);
    }
    if (typeof v === 'string') {
      if (key === 'button') buttons.push(v);
      else if (['text', 'msg', 'message', ''].includes(key)) texts.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, ['quick_replies', 'buttons'].includes(key) ? 'choice' : key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, key === 'choice' && k === 'title' ? 'button' : k);
  };
  walk(payload, '');
  return el(
    'div',
    { class: 'phone' },
    ...pictures.map((src) => el('img', { class: 'picture', src, alt: tx('questions.image') })),
    ...texts.map((s) => el('div', { class: 'bubble' }, s)),
    buttons.length ? el('div', { class: 'buttons' }, ...buttons.map((b) => el('span', { class: 'chip' }, b))) : null,
  );
}

async function drawPreview() {
  const q = typed();
  if (!q.question || q.options.length < 2) return;
  try {
    const r = await api('/api/v1/questions/preview', { method: 'POST', body: withoutNulls(q) });
    const lng = document.documentElement.lang === 'en' ? 'en' : 'vi';
    $('qf-preview').replaceChildren(
      ...['messenger', 'zalo_oa', 'zalo_personal'].map((c) =>
        el('div', { class: 'preview', dataset: { channel: c } }, el('h5', {}, tx(`questions.${c}`)), bubbles(r.previews[lng][c])),
      ),
      // The explanation's picture comes after the member's answer, with the feedback.
      r.explanationImage
        ? el(
            'div',
            { class: 'preview', dataset: { channel: 'explanation' } },
            el('h5', {}, tx('questions.explanationImage')),
            el('img', { class: 'picture', src: r.explanationImage, alt: tx('questions.explanationImage') }),
          )
        : null,
    );
  } catch {
    // An incomplete form has no preview yet; saving says what is missing.
  }
}
const schedulePreview = () => {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(drawPreview, 400);
};

async function fillForm(q) {
  // A question's own topic stays choosable (an admin may edit one no bot asks), by its name.
  fillTopics($('qf-topic'), state.topics, [q?.topic ?? state.topics[0]?.id ?? '']);
  $('qf-difficulty').value = String(q?.difficulty ?? 2);
  $('qf-question').value = q?.question ?? '';
  $('qf-options').value = (q?.options ?? []).join('\n');
  fillAnswerLetters();
  $('qf-answer').value = q?.answer ?? 'A';
  $('qf-explanation').value = q?.explanation ?? '';
  $('qf-question-en').value = q?.en?.question ?? '';
  $('qf-options-en').value = (q?.en?.options ?? []).join('\n');
  $('qf-explanation-en').value = q?.en?.explanation ?? '';
  await state.facts.set(q?.facts ?? []);
  $('qf-tags').value = (q?.tags ?? []).join(', ');
  $('qf-image').value = q?.image ?? '';
  $('qf-explanation-image').value = q?.explanationImage ?? '';
}

function drawWorkflow(q) {
  $('qf-review').hidden = !q || q.retired || q.status !== 'draft';
  $('qf-publish').hidden = !q || q.retired || q.status !== 'reviewed';
  $('qf-retire').hidden = !q;
  $('qf-history').hidden = !q;
  $('qf-retire').textContent = tx(q?.retired ? 'questions.restore' : 'questions.retire');
  $('q-trail').textContent = q
    ? [
        tx(`status.${q.retired ? 'retired' : q.status}`),
        tx('questions.author', { name: q.review.author }),
        q.review.reviewer ? tx('questions.reviewer', { name: q.review.reviewer }) : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
}

async function openEditor(id) {
  const q = id ? await api(`/api/v1/questions/${encodeURIComponent(id)}`) : null;
  state.editing = q;
  $('q-editor').hidden = false;
  $('qf-history-box').hidden = true;
  $('q-editor-heading').textContent = tx(q ? 'questions.editHeading' : 'questions.newHeading');
  $('qf-message').replaceChildren();
  await fillForm(q);
  drawWorkflow(q);
  $('qf-preview').replaceChildren();
  await drawPreview();
  $('q-editor').scrollIntoView({ block: 'start' });
}

/** The fields of the form that differ from the question being edited: a PATCH names only those. */
function changes(before, after) {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
}

async function run(work, doneText) {
  try {
    const r = await work();
    if (r?.value) {
      state.editing = { ...(state.editing ?? {}), ...r.value, retired: r.retired ?? state.editing?.retired ?? false };
      drawWorkflow(state.editing);
      $('q-editor-heading').textContent = tx('questions.editHeading');
    }
    await loadQuestions();
    notice($('qf-message'), doneText);
  } catch (err) {
    $('qf-message').replaceChildren(problemList(err));
  }
}

async function save(e) {
  e.preventDefault();
  const q = state.editing;
  await run(
    () =>
      q
        ? api(`/api/v1/questions/${encodeURIComponent(q.id)}`, { method: 'PATCH', body: changes(q, typed()) })
        : api('/api/v1/questions', { method: 'POST', body: withoutNulls(typed()) }),
    tx('common.saved'),
  );
}

const step = (action) => () =>
  run(async () => {
    const r = await api(`/api/v1/questions/${encodeURIComponent(state.editing.id)}/${action}`, { method: 'POST' });
    return { ...r, retired: action === 'retire' ? true : action === 'restore' ? false : undefined };
  }, tx('common.saved'));

async function showHistory() {
  const r = await api(`/api/v1/questions/${encodeURIComponent(state.editing.id)}/history`);
  $('qf-history-box').hidden = false;
  $('qf-history-rows').replaceChildren(
    ...r.items.map((e) =>
      el(
        'tr',
        {},
        el('td', {}, localTime(e.at)),
        el('td', {}, e.actor),
        el('td', {}, tx(`action.${e.action}`)),
        el('td', {}, e.changed.map((f) => tx(`field.${f}`)).join(', ')),
      ),
    ),
  );
}

async function importFile() {
  const file = $('q-file').files[0];
  if (!file) return notice($('q-import-message'), tx('common.importFile'), true);
  try {
    const r = await upload('/api/v1/questions/import', file, state.csrf);
    notice($('q-import-message'), tx('questions.importDone', { created: r.created, updated: r.updated }));
    await loadQuestions();
  } catch (err) {
    $('q-import-message').replaceChildren(problemList(err));
  }
}

whenReady(async (session) => {
  state.csrf = session.csrfToken;
  addSection('questions', 'questions', HTML);
  state.facts = factPicker($('qf-facts'), 'qf-facts');
  await loadTopics();
  $('q-bot').addEventListener('change', () => void loadTopics());
  $('q-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadQuestions();
  });
  $('q-new').addEventListener('click', () => void openEditor(null));
  $('q-form').addEventListener('submit', save);
  $('q-form').addEventListener('input', (e) => {
    if (e.target.id === 'qf-options') fillAnswerLetters();
    schedulePreview();
  });
  $('qf-review').addEventListener('click', step('review'));
  $('qf-publish').addEventListener('click', step('publish'));
  $('qf-retire').addEventListener('click', () => step(state.editing?.retired ? 'restore' : 'retire')());
  $('qf-history').addEventListener('click', () => void showHistory());
  $('qf-close').addEventListener('click', () => ($('q-editor').hidden = true));
  $('q-import').addEventListener('click', () => void importFile());
  onRelabel(async () => {
    await loadTopics();
    void loadQuestions();
    void state.facts.relabel();
    if (!$('q-editor').hidden) (drawWorkflow(state.editing), void drawPreview());
  });
  await loadQuestions();
});
