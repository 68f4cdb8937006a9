// The change log (admins only): every change made in the pages or the API to questions, campaigns,
// contests and unit lists — who, when, what, and which parts changed.
import { localTime } from './common.js';
import { $, addSection, api, el, onRelabel, said, tx, whenReady } from './editing.js';

const HTML = `
  <h2 data-i18n="editor.audit.heading"></h2>
  <div class="table-wrap"><table>
    <thead><tr><th data-i18n="editor.audit.when"></th><th data-i18n="editor.audit.who"></th><th data-i18n="editor.audit.what"></th><th data-i18n="editor.audit.item"></th><th data-i18n="editor.audit.changed"></th></tr></thead>
    <tbody id="au-rows"></tbody>
  </table></div>`;

/** An item by its name (a question's text, a campaign's or contest's title, a list's label), never its id alone. */
const itemName = (e) => {
  const v = e.after ?? e.before ?? {};
  const name = v.question ?? (v.title ? said(v.title) : v.label) ?? e.key;
  return `${tx(`kind.${e.kind}`)}: ${String(name).slice(0, 90)}`;
};

async function loadAudit() {
  const r = await api('/api/v1/audit?pageSize=100');
  $('au-rows').replaceChildren(
    ...(r.items.length
      ? r.items.map((e) =>
          el(
            'tr',
            {},
            el('td', {}, localTime(e.at)),
            el('td', {}, e.actor),
            el('td', {}, tx(`action.${e.action}`)),
            el('td', {}, itemName(e)),
            el('td', {}, e.changed.map((f) => tx(`field.${f}`)).join(', ')),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, tx('audit.empty')))]),
  );
}

whenReady(async (session) => {
  if (session.user?.role !== 'admin') return;
  addSection('audit', 'audit', HTML);
  onRelabel(() => void loadAudit());
  await loadAudit();
});
