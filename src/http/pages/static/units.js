// Unit lists: import a list from a CSV or XLSX file (name, size, parent; a unit whose name stays keeps
// its id, so members' choices and the statistics stay with it), and edit the member counts.
import { botName, fmt } from './common.js';
import { $, addSection, api, el, notice, onRelabel, problemList, tx, upload, whenReady } from './editing.js';

/** `proposed`: the file name put in the name field, replaced when another file is chosen. */
const state = { csrf: '', lists: [], proposed: '' };

const HTML = `
  <h2 data-i18n="editor.units.heading"></h2>
  <label><span data-i18n="editor.units.list"></span><select id="un-list"></select></label>
  <p class="muted" id="un-used"></p>
  <div class="table-wrap"><table>
    <thead><tr><th data-i18n="editor.units.name"></th><th class="num" data-i18n="editor.units.size"></th><th data-i18n="editor.units.parent"></th></tr></thead>
    <tbody id="un-rows"></tbody>
  </table></div>
  <button type="button" id="un-save" data-i18n="editor.units.saveSizes"></button>
  <div id="un-message" role="alert"></div>
  <h3 data-i18n="editor.units.importHeading"></h3>
  <div class="row">
    <input id="un-file" type="file" accept=".csv,.xlsx" />
    <label><span data-i18n="editor.units.importName"></span><input id="un-label" maxlength="200" data-i18n-placeholder="editor.units.importNameHint" /></label>
    <button type="button" id="un-import" data-i18n="editor.common.import"></button>
  </div>
  <div id="un-import-message" role="alert"></div>`;

const current = () => state.lists.find((l) => l.id === $('un-list').value);

function drawList() {
  const list = current();
  if (!list) return;
  $('un-used').textContent = [
    tx('units.label', { label: list.label }),
    tx('units.count', { count: fmt(list.units.length) }),
    tx('units.usedBy', { bots: list.bots.map(botName).join(', ') }),
    list.example ? tx('units.example') : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const nameOf = (id) => list.units.find((u) => u.id === id)?.name ?? '';
  $('un-rows').replaceChildren(
    ...list.units.map((u) =>
      el(
        'tr',
        { dataset: { unit: u.id } },
        el('td', {}, u.name),
        el('td', { class: 'num' }, el('input', { type: 'number', min: '1', class: 'size', value: u.size ?? '', 'aria-label': tx('units.size') })),
        el('td', {}, u.parent ? nameOf(u.parent) : ''),
      ),
    ),
  );
}

async function loadLists() {
  state.lists = (await api('/api/v1/unit-lists')).items;
  const chosen = $('un-list').value;
  $('un-list').replaceChildren(...state.lists.map((l) => el('option', { value: l.id }, `${l.label} (${l.bots.map(botName).join(', ')})`)));
  if (chosen && state.lists.some((l) => l.id === chosen)) $('un-list').value = chosen;
  drawList();
}

async function saveSizes() {
  const list = current();
  const units = [...$('un-rows').querySelectorAll('tr')]
    .map((tr) => ({ id: tr.dataset.unit, size: tr.querySelector('input').value ? Number(tr.querySelector('input').value) : null }))
    .filter((u) => (list.units.find((x) => x.id === u.id)?.size ?? null) !== u.size);
  try {
    await api(`/api/v1/unit-lists/${encodeURIComponent(list.id)}`, { method: 'PATCH', body: { units } });
    await changed();
    notice($('un-message'), tx('common.saved'));
  } catch (err) {
    $('un-message').replaceChildren(problemList(err));
  }
}

async function importFile() {
  const file = $('un-file').files[0];
  if (!file) return notice($('un-import-message'), tx('common.importFile'), true);
  try {
    // The list is named by the import: the name typed, else the file's name without its extension.
    const label = $('un-label').value.trim() || file.name.replace(/\.[^.]+$/, '');
    const r = await upload(`/api/v1/unit-lists/${encodeURIComponent(current().id)}/import?${new URLSearchParams({ label })}`, file, state.csrf);
    $('un-label').value = '';
    await changed();
    notice($('un-import-message'), tx('units.importDone', { count: fmt(r.units) }));
  } catch (err) {
    $('un-import-message').replaceChildren(problemList(err));
  }
}

/** Redraws, and tells the broadcast form's unit picker to read the units again. */
async function changed() {
  await loadLists();
  document.dispatchEvent(new Event('cds:units-changed'));
}

whenReady(async (session) => {
  state.csrf = session.csrfToken;
  addSection('units', 'units', HTML);
  $('un-list').addEventListener('change', drawList);
  // Choosing a file proposes its name (without the extension) as the list's name.
  $('un-file').addEventListener('change', () => {
    const file = $('un-file').files[0];
    const typed = $('un-label').value.trim();
    if (file && (!typed || typed === state.proposed)) $('un-label').value = state.proposed = file.name.replace(/\.[^.]+$/, '');
  });
  $('un-save').addEventListener('click', () => void saveSizes());
  $('un-import').addEventListener('click', () => void importFile());
  onRelabel(drawList);
  await loadLists();
});
