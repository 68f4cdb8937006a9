import { api, el, errorText, languageToggle, loadTranslations, setCsrf, t } from './common.js';

const $ = (id) => document.getElementById(id);
const show = (box, text, error = false) => box.replaceChildren(el('div', { class: error ? 'notice error' : 'notice' }, text));

function showChange() {
  $('login-section').hidden = true;
  $('change-section').hidden = false;
  $('change-hint').textContent = t('login.changeHint', { min: 10 });
}

await loadTranslations();
languageToggle($('lang'), () => ($('change-section').hidden ? null : showChange()));

// Came back with a session that still has to change its one-time password.
if (new URLSearchParams(location.search).has('change')) {
  try {
    const s = await api('/admin/session');
    setCsrf(s.csrfToken);
    if (s.mustChangePassword) showChange();
  } catch {
    /* not logged in: stay on the login form */
  }
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const r = await api('/admin/login', { method: 'POST', body: { email: $('email').value, password: $('password').value } });
    setCsrf(r.csrfToken);
    if (r.mustChangePassword) {
      $('current-password').value = $('password').value;
      showChange();
    } else location.href = '/admin';
  } catch (err) {
    show($('login-message'), err.status === 429 ? t('login.tooMany') : t('login.failed'), true);
  }
});

/** Why the server found the new password too easy to guess, in the page's language. */
const weakPassword = (reasons) => t('password.weak', { reasons: reasons.map((key) => t(`password.${key}`)).join(' ') });

$('change-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const r = await api('/admin/password', { method: 'POST', body: { currentPassword: $('current-password').value, newPassword: $('new-password').value } });
    setCsrf(r.csrfToken);
    show($('change-message'), t('login.changed'));
    location.href = '/admin';
  } catch (err) {
    show(
      $('change-message'),
      err.code === 'password_weak' ? weakPassword(err.details?.problems ?? []) : errorText(err, { newPassword: t('login.newPassword') }),
      true,
    );
  }
});
