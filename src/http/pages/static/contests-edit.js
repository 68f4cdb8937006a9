// Contest setup: create and edit a bot's contests (window, rounds, questions per attempt, time limit,
// attempts, topics, prizes, prediction). The results of a contest are in the "Cuộc thi" section.
import { bots, botName, localDay } from './common.js';
import { $, addSection, api, el, fillTopics, notice, onRelabel, problemList, said, topicsFor, tx, whenReady } from './editing.js';

const PLACES = ['first', 'second', 'third', 'consolation'];
const state = { editing: null };

const prizeInputs = (prefix) =>
  PLACES.map(
    (p) => `<label><span data-i18n="editor.contests.${p}"></span><input id="${prefix}-${p}" type="number" min="0" max="1000" value="1" required /></label>`,
  ).join('');

const HTML = `
  <h2 data-i18n="editor.contests.heading"></h2>
  <div class="table-wrap"><table><tbody id="ce-rows"></tbody></table></div>
  <button type="button" class="secondary" id="ce-new" data-i18n="editor.contests.newHeading"></button>
  <form id="ce-form" class="stack" hidden>
    <h3 id="ce-heading"></h3>
    <label><span data-i18n="editor.contests.bot"></span><select id="ce-bot"></select></label>
    <label><span data-i18n="editor.contests.titleVi"></span><input id="ce-title-vi" required /></label>
    <label><span data-i18n="editor.contests.titleEn"></span><input id="ce-title-en" /></label>
    <div class="row">
      <label><span data-i18n="editor.contests.start"></span><input id="ce-start" type="date" required /></label>
      <label><span data-i18n="editor.contests.end"></span><input id="ce-end" type="date" required /></label>
    </div>
    <label><span data-i18n="editor.contests.rounds"></span><select id="ce-rounds"></select></label>
    <div class="row">
      <label><span data-i18n="editor.contests.questionsPerAttempt"></span><input id="ce-questions" type="number" min="1" max="50" value="10" required /></label>
      <label><span data-i18n="editor.contests.timeLimit"></span><input id="ce-minutes" type="number" min="1" max="180" value="15" required /></label>
      <label><span data-i18n="editor.contests.attempts"></span><input id="ce-attempts" type="number" min="1" max="20" value="1" required /></label>
    </div>
    <label><span data-i18n="editor.contests.topics"></span><select id="ce-topics" multiple size="5"></select></label>
    <fieldset><legend data-i18n="editor.contests.prizesIndividual"></legend><div class="row">${prizeInputs('ce-ind')}</div></fieldset>
    <fieldset><legend data-i18n="editor.contests.prizesCollective"></legend><div class="row">${prizeInputs('ce-col')}</div></fieldset>
    <label class="check"><input id="ce-prediction" type="checkbox" checked /><span data-i18n="editor.contests.prediction"></span></label>
    <div class="row">
      <button type="submit" id="ce-save" data-i18n="editor.common.save"></button>
      <button type="button" class="secondary" id="ce-close" data-i18n="editor.common.cancel"></button>
    </div>
    <div id="ce-message" role="alert"></div>
  </form>`;

const prizes = (prefix) => Object.fromEntries(PLACES.map((p) => [p, Number($(`${prefix}-${p}`).value)]));

function typed() {
  const en = $('ce-title-en').value.trim();
  const topics = [...$('ce-topics').selectedOptions].map((o) => o.value);
  return {
    bot: $('ce-bot').value,
    title: { vi: $('ce-title-vi').value.trim(), ...(en ? { en } : {}) },
    window: { start: $('ce-start').value, end: $('ce-end').value },
    rounds: $('ce-rounds').value,
    questionsPerAttempt: Number($('ce-questions').value),
    timeLimitMinutes: Number($('ce-minutes').value),
    attemptsPerRound: Number($('ce-attempts').value),
    topics: topics.length ? topics : null,
    prizes: { individual: prizes('ce-ind'), collective: prizes('ce-col') },
    prediction: $('ce-prediction').checked,
  };
}

/** The topics of the contest's bot, by name (the contest draws its questions from that bot's topics); the chosen ones kept. */
async function loadTopics(chosen) {
  fillTopics($('ce-topics'), await topicsFor($('ce-bot').value), chosen);
}

async function openForm(c) {
  state.editing = c;
  $('ce-form').hidden = false;
  $('ce-heading').textContent = tx(c ? 'contests.editHeading' : 'contests.newHeading');
  $('ce-bot').replaceChildren(...bots().map((b) => el('option', { value: b.id }, botName(b.id))));
  $('ce-bot').value = c?.bot ?? bots()[0]?.id ?? '';
  $('ce-rounds').replaceChildren(...['single', 'weekly'].map((r) => el('option', { value: r }, tx(`contests.${r}`))));
  $('ce-rounds').value = c?.rounds ?? 'single';
  $('ce-title-vi').value = c?.title.vi ?? '';
  $('ce-title-en').value = c?.title.en ?? '';
  $('ce-start').value = c?.window.start ?? '';
  $('ce-end').value = c?.window.end ?? '';
  $('ce-questions').value = c?.questionsPerAttempt ?? 10;
  $('ce-minutes').value = c?.timeLimitMinutes ?? 15;
  $('ce-attempts').value = c?.attemptsPerRound ?? 1;
  await loadTopics(c?.topics ?? []);
  for (const [prefix, kind] of [
    ['ce-ind', 'individual'],
    ['ce-col', 'collective'],
  ])
    for (const p of PLACES) $(`${prefix}-${p}`).value = c?.prizes[kind][p] ?? 1;
  $('ce-prediction').checked = c?.prediction ?? true;
  $('ce-message').replaceChildren();
  $('ce-form').scrollIntoView({ block: 'start' });
}

async function loadContests() {
  const { items } = await api('/api/v1/contests/setup');
  $('ce-rows').replaceChildren(
    ...(items.length
      ? items.map((c) =>
          el(
            'tr',
            { dataset: { contest: c.id } },
            el('td', {}, said(c.title)),
            el('td', {}, botName(c.bot)),
            el('td', {}, `${localDay(c.window.start)} – ${localDay(c.window.end)}`),
            el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => void openForm(c) }, tx('common.edit'))),
          ),
        )
      : [el('tr', {}, el('td', { class: 'muted' }, tx('contests.empty')))]),
  );
}

async function save(e) {
  e.preventDefault();
  try {
    const body = typed();
    const r = state.editing
      ? await api(`/api/v1/contests/${encodeURIComponent(state.editing.id)}`, { method: 'PATCH', body })
      : await api('/api/v1/contests', { method: 'POST', body: { ...body, topics: body.topics ?? undefined } });
    state.editing = r.value;
    await loadContests();
    notice($('ce-message'), tx('common.saved'));
  } catch (err) {
    $('ce-message').replaceChildren(problemList(err));
  }
}

whenReady(async () => {
  addSection('contest-setup', 'contests', HTML);
  $('ce-new').addEventListener('click', () => void openForm(null));
  $('ce-bot').addEventListener('change', () => void loadTopics());
  $('ce-close').addEventListener('click', () => ($('ce-form').hidden = true));
  $('ce-form').addEventListener('submit', save);
  onRelabel(() => {
    void loadContests();
    if (!$('ce-form').hidden) void loadTopics();
  });
  await loadContests();
});
