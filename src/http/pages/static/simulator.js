import { api, botName, el, languageToggle, loadTranslations, setBots, setCsrf, t } from './common.js';

const $ = (id) => document.getElementById(id);
const USER_KEY = 'cds-simulator-user';
let after = null;
let polling = null;
let inFlight = false;

const newUserId = () => `web-${Math.random().toString(36).slice(2, 10)}`;

function bubble(kind, text, choices = [], link = null, image = null) {
  const b = el('div', { class: `bubble ${kind}` }, text);
  if (image?.url) b.prepend(el('img', { src: image.url, alt: image.alt ?? '', class: 'picture' }));
  if (link?.url) b.append(el('div', {}, el('a', { href: link.url, target: '_blank', rel: 'noopener' }, link.title ?? link.url)));
  if (choices.length) {
    b.append(
      el(
        'div',
        { class: 'choices' },
        ...choices.map((c) => el('button', { type: 'button', class: 'choice', onclick: () => send({ payload: c.payload }, c.title) }, c.title)),
      ),
    );
  }
  $('messages').append(b);
  $('messages').scrollTop = $('messages').scrollHeight;
}

async function poll() {
  const bot = $('bot').value;
  const userId = $('user').value;
  if (!bot || !userId || inFlight) return;
  inFlight = true;
  const q = new URLSearchParams({ bot, userId });
  if (after) q.set('after', after);
  try {
    const items = await api(`/simulator/api/messages?${q}`);
    for (const m of items) {
      bubble('bot', m.text, m.choices ?? [], m.link, m.image);
      after = m.id;
    }
  } catch (err) {
    $('message').replaceChildren(el('div', { class: 'notice error' }, t('simulator.error', { message: err.message })));
  } finally {
    inFlight = false;
  }
}

async function send(body, shown) {
  const bot = $('bot').value;
  const userId = $('user').value;
  if (!bot || !userId) return;
  bubble('user', shown ?? body.text ?? body.payload);
  try {
    await api('/simulator/api/messages', { method: 'POST', body: { bot, userId, ...body } });
    $('message').replaceChildren();
    setTimeout(poll, 300);
  } catch (err) {
    $('message').replaceChildren(el('div', { class: 'notice error' }, t('simulator.error', { message: err.message })));
  }
}

function restart() {
  after = null;
  $('messages').replaceChildren();
  localStorage.setItem(USER_KEY, $('user').value);
  poll();
}

async function main() {
  await loadTranslations();
  // The bots' names follow the page's language.
  languageToggle($('lang'), () => {
    for (const o of $('bot').options) o.textContent = botName(o.value);
  });
  try {
    const s = await api('/admin/session');
    setCsrf(s.csrfToken);
  } catch {
    /* the simulator may be open without a login (development) */
  }
  const { bots, botInfo } = await api('/simulator/bots');
  setBots(botInfo);
  $('bot').replaceChildren(...bots.map((b) => el('option', { value: b }, botName(b))));
  if (!bots.length) $('message').replaceChildren(el('div', { class: 'notice error' }, t('simulator.noBots')));
  $('user').value = localStorage.getItem(USER_KEY) || newUserId();
  $('new-user').addEventListener('click', () => {
    $('user').value = newUserId();
    restart();
  });
  $('bot').addEventListener('change', restart);
  $('user').addEventListener('change', restart);
  $('start').addEventListener('click', () => send({ text: 'start' }));
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value.trim();
    if (!text) return;
    $('text').value = '';
    send({ text });
  });
  restart();
  polling = setInterval(poll, 1500);
  document.body.dataset.ready = 'true';
}

main();
void polling;
