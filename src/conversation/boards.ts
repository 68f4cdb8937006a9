import { formatPercent, type Choice } from '../domain/index.js';
import { freezesHeldText, liveProtectedStreak, readProtectedStreak } from '../quiz/index.js';
import { readableName } from './messages.js';
import { payload } from './payloads.js';
import { recapStatusLine, recapToggle } from './recap-flow.js';
import type { Turn } from './turn.js';
import type { LeaderboardRequest } from './types.js';

export function score(turn: Turn): void {
  const { participant } = turn.ctx;
  const unit = turn.ctx.units.find((u) => u.unitId === turn.unitId);
  const view = turn.ctx.views.score;
  const rank = view?.rank ? turn.t('score.rank', { rank: view.rank, of: view.of }) : turn.t('score.unranked');
  const streak = readProtectedStreak(participant.streak);
  turn.say(
    `${turn.t('score.text', {
      name: readableName(turn.ctx.t, turn.locale, turn.displayName),
      unit: unit?.name ?? '—',
      dailyCorrect: participant.totals.dailyCorrect,
      dailyAnswered: participant.totals.dailyAnswered,
      practiceCorrect: participant.totals.practiceCorrect,
      practiceAnswered: participant.totals.practiceAnswered,
      streak: turn.t('score.days', { count: liveProtectedStreak(streak, turn.today) }),
      best: turn.t('score.days', { count: participant.streak.best }),
      rank,
    })}\n${freezesHeldText(streak.freezes, turn.ctx.t, turn.locale)}\n${recapStatusLine(turn)}`,
    [turn.choice('leaderboard'), turn.choice('today'), turn.choice('practice'), recapToggle(turn)],
  );
}

export function leaderboardRequest(turn: Turn): LeaderboardRequest {
  const p = turn.input.payload;
  return p?.kind === 'leaderboard' ? { kind: p.board, period: p.period } : { kind: 'individual', period: 'today' };
}

/**
 * A leaderboard with its tabs. Only members with at least one right answer are listed (a list of
 * zeros ranks nobody); the member's own line and the tie rule follow.
 */
export function leaderboard(turn: Turn): void {
  const view = turn.ctx.views.leaderboard;
  const request = leaderboardRequest(turn);
  const choices: Choice[] = [
    { title: turn.t('leaderboard.today'), payload: payload.leaderboard('individual', 'today') },
    { title: turn.t('leaderboard.week'), payload: payload.leaderboard('individual', 'week') },
    { title: turn.t('leaderboard.all'), payload: payload.leaderboard('individual', 'all') },
    { title: turn.t('leaderboard.byUnit'), payload: payload.leaderboard('units', request.period) },
  ];
  const title = turn.t(`leaderboard.title_${request.kind}_${request.period}`);
  if (!view) return void turn.say(`${title}\n\n${turn.t('leaderboard.empty')}`, choices);
  if (view.kind === 'units') {
    const lines = view.units
      .filter((u) => u.correct > 0)
      .slice(0, 10)
      .map((u) => {
        const row = turn.t('leaderboard.unitRow', {
          rank: u.rank,
          name: u.name,
          correct: u.correct,
          participants: u.participants,
          rate: u.participationRate === null ? '' : turn.t('leaderboard.rate', { rate: formatPercent(u.participationRate, turn.locale) }),
        });
        const joins = view.invitations?.[u.unitId] ?? 0;
        return joins ? `${row} ${turn.ctx.t(turn.locale, 'learning:invite.unitJoins', { count: joins })}` : row;
      });
    turn.say([title, '', ...(lines.length ? lines : [turn.t('leaderboard.empty')]), '', turn.t('leaderboard.unitTieRule')].join('\n'), choices);
    return;
  }
  const lines = view.top
    .filter((r) => r.correct > 0)
    .map((r) => turn.t('leaderboard.row', { rank: r.rank, name: readableName(turn.ctx.t, turn.locale, r.name), correct: r.correct }));
  const me = view.me && view.me.correct > 0 ? turn.t('leaderboard.me', { rank: view.me.rank, correct: view.me.correct }) : turn.t('leaderboard.meNone');
  const rule = turn.t(view.period === 'all' ? 'leaderboard.tieRuleAll' : 'leaderboard.tieRule');
  turn.say([title, '', ...(lines.length ? lines : [turn.t('leaderboard.empty')]), '', me, rule].join('\n'), choices);
}
