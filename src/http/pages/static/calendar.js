// The campaign calendar: campaigns and their events (a date, or every year with an end), reminder
// days and times, the words (vi, en), which bots; a preview of every reminder it will send (the
// server plans them with outreach's own planning, local dates and times); saving reschedules them.
import { bots, botName } from './common.js';
import { $, addSection, api, el, factPicker, listOf, notice, onRelabel, problemList, said, tx, whenReady } from './editing.js';

/** `facts`: the campaign's fact picker. */
const state = { editing: null, campaigns: [], facts: null };

const HTML = `
  <h2 data-i18n="editor.calendar.heading"></h2>
  <div class="table-wrap"><table><tbody id="c-rows"></tbody></table></div>
  <button type="button" class="secondary" id="c-new" data-i18n="editor.calendar.newHeading"></button>
  <form id="c-form" class="stack" hidden>
    <h3 id="c-heading"></h3>
    <label><span data-i18n="editor.calendar.titleVi"></span><input id="c-title-vi" required /></label>
    <label><span data-i18n="editor.calendar.titleEn"></span><input id="c-title-en" /></label>
    <label><span data-i18n="editor.common.bots"></span><select id="c-bots" multiple size="3"></select></label>
    <div class="field"><span data-i18n="editor.common.factsHint"></span><div id="c-facts"></div></div>
    <p class="muted" id="c-vars"></p>
    <div id="c-events"></div>
    <div class="row">
      <button type="button" class="secondary" id="c-add-event" data-i18n="editor.calendar.addEvent"></button>
      <button type="button" class="secondary" id="c-preview" data-i18n="editor.calendar.previewButton"></button>
      <button type="submit" id="c-save" data-i18n="editor.common.save"></button>
      <button type="button" class="secondary" id="c-close" data-i18n="editor.common.cancel"></button>
    </div>
    <div id="c-message" role="alert"></div>
    <div id="c-reminders-box" hidden>
      <h4 data-i18n="editor.calendar.remindersHeading"></h4>
      <div class="table-wrap"><table>
        <thead><tr><th data-i18n="editor.calendar.day"></th><th data-i18n="editor.calendar.sendTime"></th><th data-i18n="editor.calendar.events"></th><th data-i18n="editor.common.bots"></th><th data-i18n="editor.calendar.text"></th></tr></thead>
        <tbody id="c-reminders"></tbody>
      </table></div>
    </div>
  </form>`;

/** The bots by name; those of other organisers (whose names this page does not know) only counted. */
function botsInWords(ids) {
  const mine = ids.filter((id) => bots().some((b) => b.id === id));
  const others = ids.length - mine.length;
  return [mine.map(botName).join(', '), others ? tx('calendar.otherBots', { count: others }) : ''].filter(Boolean).join(' ');
}

const field = (label, input) => el('label', {}, el('span', {}, tx(label)), input);

/** One event's fields; `e` is the stored event (or nothing for a new one). */
function eventBlock(e = {}, n = 1) {
  const yearly = Boolean(e.yearly);
  const text = e.message?.text ?? {};
  const box = el(
    'fieldset',
    { class: 'event', dataset: { id: e.id ?? '' } },
    el('legend', {}, tx('calendar.event', { n })),
    field('calendar.eventTitleVi', el('input', { name: 'title-vi', value: e.title?.vi ?? '', required: true })),
    field('calendar.eventTitleEn', el('input', { name: 'title-en', value: e.title?.en ?? '' })),
    el(
      'div',
      { class: 'row' },
      el('label', { class: 'check' }, el('input', { type: 'radio', name: `kind-${n}`, value: 'once', checked: !yearly }), tx('calendar.once')),
      el('label', { class: 'check' }, el('input', { type: 'radio', name: `kind-${n}`, value: 'yearly', checked: yearly }), tx('calendar.yearly')),
    ),
    field(
      'calendar.date',
      el('input', { type: 'date', name: 'date', value: e.date ?? (e.yearly ? `${new Date().getFullYear()}-${e.yearly}` : ''), required: true }),
    ),
    field('calendar.until', el('input', { type: 'date', name: 'until', value: e.until ?? '' })),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'perennial', checked: Boolean(e.perennial) }), tx('calendar.perennial')),
    field('calendar.time', el('input', { type: 'time', name: 'time', value: e.time ?? '08:00' })),
    field('calendar.reminderDays', el('input', { name: 'days', value: (e.reminderDaysBefore ?? [7, 1, 0]).join(', ') })),
    field('calendar.reminderTime', el('input', { type: 'time', name: 'reminder-time', value: e.reminderTime ?? '08:00' })),
    field('calendar.textVi', el('textarea', { name: 'text-vi', required: true }, text.vi ?? '')),
    field('calendar.textEn', el('textarea', { name: 'text-en', required: true }, text.en ?? '')),
    el('div', { class: 'row' }, el('button', { type: 'button', class: 'secondary', onclick: () => box.remove() }, tx('calendar.removeEvent'))),
  );
  return box;
}

/** An event as typed, in the shape of content/campaigns/*.yaml. */
function typedEvent(box) {
  const v = (name) => box.querySelector(`[name="${name}"]`).value.trim();
  const yearly = box.querySelector('input[type=radio][value=yearly]').checked;
  const date = v('date');
  const en = v('text-en');
  return {
    ...(box.dataset.id ? { id: box.dataset.id } : {}),
    title: { vi: v('title-vi'), ...(v('title-en') ? { en: v('title-en') } : {}) },
    ...(yearly ? { yearly: date.slice(5), ...(v('until') ? { until: v('until') } : {}), perennial: box.querySelector('[name=perennial]').checked } : { date }),
    time: v('time') || '08:00',
    reminderDaysBefore: listOf(v('days')).map(Number),
    reminderTime: v('reminder-time') || '08:00',
    message: { text: { vi: v('text-vi'), ...(en ? { en } : {}) } },
  };
}

function typed() {
  const en = $('c-title-en').value.trim();
  return {
    title: { vi: $('c-title-vi').value.trim(), ...(en ? { en } : {}) },
    bots: [...$('c-bots').selectedOptions].map((o) => o.value),
    facts: state.facts.value(),
    events: [...$('c-events').querySelectorAll('fieldset.event')].map(typedEvent),
  };
}

async function loadCampaigns() {
  state.campaigns = (await api('/api/v1/campaigns')).items;
  $('c-rows').replaceChildren(
    ...state.campaigns.map((c) =>
      el(
        'tr',
        { dataset: { campaign: c.id } },
        el('td', {}, said(c.title)),
        el('td', {}, botsInWords(c.bots)),
        el('td', {}, tx('calendar.eventsCount', { count: c.events.length })),
        el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => void openForm(c) }, tx('common.edit'))),
      ),
    ),
  );
}

async function openForm(c) {
  state.editing = c;
  $('c-form').hidden = false;
  $('c-heading').textContent = tx(c ? 'calendar.editHeading' : 'calendar.newHeading');
  $('c-title-vi').value = c?.title.vi ?? '';
  $('c-title-en').value = c?.title.en ?? '';
  await state.facts.set(c?.facts ?? []);
  $('c-bots').replaceChildren(...bots().map((b) => el('option', { value: b.id, selected: c ? c.bots.includes(b.id) : bots().length === 1 }, botName(b.id))));
  $('c-events').replaceChildren(...(c?.events ?? [{}]).map((e, i) => eventBlock(e, i + 1)));
  $('c-message').replaceChildren();
  $('c-reminders-box').hidden = true;
  $('c-form').scrollIntoView({ block: 'start' });
}

function drawReminders(reminders) {
  $('c-reminders-box').hidden = false;
  $('c-reminders').replaceChildren(
    ...(reminders.length
      ? reminders.map((r) =>
          el(
            'tr',
            {},
            el('td', {}, r.localDay),
            el('td', {}, r.localTime),
            el('td', {}, said(r.event)),
            el('td', {}, botsInWords(r.bots)),
            el('td', {}, said(r.text)),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, tx('calendar.noReminders')))]),
  );
}

async function preview() {
  try {
    const body = state.editing ? { id: state.editing.id, ...typed() } : typed();
    drawReminders((await api('/api/v1/campaigns/preview', { method: 'POST', body })).reminders);
    $('c-message').replaceChildren();
  } catch (err) {
    $('c-message').replaceChildren(problemList(err));
  }
}

async function save(e) {
  e.preventDefault();
  try {
    const r = state.editing
      ? await api(`/api/v1/campaigns/${encodeURIComponent(state.editing.id)}`, { method: 'PATCH', body: typed() })
      : await api('/api/v1/campaigns', { method: 'POST', body: typed() });
    state.editing = r.value;
    await loadCampaigns();
    drawReminders((await api(`/api/v1/campaigns/${encodeURIComponent(r.value.id)}`)).reminders);
    notice($('c-message'), tx('calendar.saved'));
  } catch (err) {
    $('c-message').replaceChildren(problemList(err));
  }
}

const VARS = { a: '{{title}}', b: '{{date}}', c: '{{time}}', d: '{{daysLeft}}' };

whenReady(async () => {
  addSection('calendar', 'calendar', HTML);
  state.facts = factPicker($('c-facts'), 'c-facts');
  $('c-vars').textContent = tx('calendar.varsHint', VARS);
  $('c-new').addEventListener('click', () => void openForm(null));
  $('c-add-event').addEventListener('click', () => $('c-events').append(eventBlock({}, $('c-events').children.length + 1)));
  $('c-preview').addEventListener('click', () => void preview());
  $('c-close').addEventListener('click', () => ($('c-form').hidden = true));
  $('c-form').addEventListener('submit', save);
  onRelabel(() => {
    $('c-vars').textContent = tx('calendar.varsHint', VARS);
    void state.facts.relabel();
    void loadCampaigns();
  });
  await loadCampaigns();
});
