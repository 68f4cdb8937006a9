// Shared by the admin pages: translations (vi default, en toggle) and fetch with the CSRF header.
const LANG_KEY = 'cds-admin-lang';
let dict = {};
let csrf = null;

export const lang = () => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi');

/** Looks up `a.b.c` in admin.json and fills {{vars}}; falls back to the key. */
export function t(key, vars = {}) {
  const v = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), dict);
  if (typeof v !== 'string') return key;
  return v.replace(/\{\{(\w+)\}\}/g, (_m, name) => String(vars[name] ?? ''));
}

/** Translates every [data-i18n] (text) and [data-i18n-placeholder] element under root. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.documentElement.lang = lang();
}

export async function loadTranslations() {
  const res = await fetch(`/admin/i18n/${lang()}.json`);
  dict = res.ok ? await res.json() : {};
  translate();
}

/** Wires a button that switches vi <-> en and re-renders via `onChange`. */
export function languageToggle(button, onChange) {
  button.addEventListener('click', async () => {
    localStorage.setItem(LANG_KEY, lang() === 'vi' ? 'en' : 'vi');
    await loadTranslations();
    onChange?.();
  });
}

export const setCsrf = (token) => {
  csrf = token;
};

/** JSON fetch; writes carry the session's CSRF token. Throws an Error with the server's message. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    err.code = data?.error?.code;
    err.details = data?.error?.details;
    throw err;
  }
  return data;
}

/** Creates an element: el('td', { class: 'x' }, 'text', child). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}
