// Issue 19 for organisers: units with their participation and the colleagues invited, and the questions
// members asked that Hỏi đáp could not answer. One section of the dashboard, filled from the API
// (/stats/units, /invitations, /unanswered-questions), all for the dashboard's dates: the invitation
// figures come from the same function as the chat's unit leaderboard (which counts every join so far).
import { api, el, fmt, localTime, pct, t } from './common.js';

const $ = (id) => document.getElementById(id);

/** `query`: the dashboard's filters (bot, from, to) as a query string. */
export async function loadLearning(query, botId) {
  const bot = botId ? `?bot=${encodeURIComponent(botId)}` : '';
  const [units, invitations, unanswered] = await Promise.all([
    api(`/api/v1/stats/units?${query}`),
    api(`/api/v1/invitations?${query}`),
    api(`/api/v1/unanswered-questions${bot}${bot ? '&' : '?'}limit=50`),
  ]);
  drawUnits(units.items, invitations.items);
  drawUnanswered(unanswered.items);
}

/** One row per unit: its participants, rate and colleagues who joined through invitations in the chosen days. */
function drawUnits(units, invitations) {
  const joins = new Map(invitations.map((i) => [`${i.bot}\u0000${i.unitId}`, i]));
  const rows = units
    .filter((u) => u.unitId !== null)
    .map((u) => {
      const key = `${u.bot}\u0000${u.unitId}`;
      const invited = joins.get(key)?.joins ?? 0;
      joins.delete(key);
      return { name: u.name ?? t('overview.noUnit'), participants: u.participants, rate: u.rate, invited };
    });
  // Units with invitations but nobody answering in the chosen days still show their invitations.
  for (const i of joins.values()) rows.push({ name: i.unitName, participants: 0, rate: null, invited: i.joins });
  rows.sort((a, b) => b.invited - a.invited || b.participants - a.participants || a.name.localeCompare(b.name));
  $('unit-rows').replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            {},
            el('td', {}, r.name),
            el('td', { class: 'num' }, fmt(r.participants)),
            el('td', { class: 'num' }, pct(r.rate)),
            el('td', { class: 'num' }, fmt(r.invited)),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 4, class: 'muted' }, t('overview.empty')))]),
  );
}

function drawUnanswered(items) {
  $('unanswered-rows').replaceChildren(
    ...(items.length
      ? items.map((q) =>
          el('tr', {}, el('td', {}, q.text), el('td', { class: 'num' }, fmt(q.count)), el('td', {}, localTime(q.lastAskedAt)), el('td', {}, q.botName)),
        )
      : [el('tr', {}, el('td', { colspan: 4, class: 'muted' }, t('learning.noUnanswered')))]),
  );
}
