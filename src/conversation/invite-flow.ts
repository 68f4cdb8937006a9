import { invitationLinks } from '../quiz/index.js';
import type { Turn } from './turn.js';

/**
 * "Mời đồng nghiệp" (issue 19 item 6): the member's personal links, for the channels the bot is on
 * (the bot's YAML names its Messenger page and Zalo OA id). The service makes the invitation on
 * first use (view `invitation`); a colleague who arrives through it and consents is credited once.
 */
export function invite(turn: Turn): void {
  const say = (key: string, vars?: Record<string, unknown>) => turn.ctx.t(turn.locale, `learning:invite.${key}`, vars);
  const view = turn.ctx.views.invitation;
  const channels = turn.ctx.bot.channels;
  const links = view ? invitationLinks({ messengerPage: channels.messenger?.page, zaloOaId: channels.zalo_oa?.oaId }, view.code) : null;
  const lines = [
    ...(links?.messenger ? [say('messenger', { url: links.messenger })] : []),
    ...(links?.zalo ? [say('zalo', { url: links.zalo.url, message: links.zalo.message })] : []),
  ];
  if (!view || lines.length === 0) return void turn.say(say('none'), turn.menu);
  turn.say([say('text', { joins: view.joins }), ...lines].join('\n\n'), turn.menu);
}
