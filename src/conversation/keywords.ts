import { keyOf, typedKey } from '../domain/index.js';
import type { Command } from './payloads.js';

/**
 * What people type for each command, in Vietnamese (written with its diacritics) and English. A text
 * typed with diacritics must equal a keyword with them ("Đúng" is never "Dừng"); a text typed without
 * any is compared folded ("dung" is "dừng"). See `sameWords`.
 */
export const COMMAND_KEYWORDS: ReadonlyArray<{ readonly command: Command; readonly words: readonly string[] }> = [
  { command: 'start', words: ['bắt đầu', 'batdau', 'start', 'get started', 'begin', 'xin chào', 'chào', 'chào bạn', 'hello', 'hi'] },
  {
    command: 'today',
    words: ['câu hỏi hôm nay', 'hôm nay', 'câu hỏi', 'câu hỏi mới', 'today', 'today s question', 'todays question', 'question', 'daily question'],
  },
  { command: 'practice', words: ['luyện tập', 'luyện', 'ôn tập', 'practice', 'practise', 'train'] },
  { command: 'score', words: ['điểm của tôi', 'điểm', 'xem điểm', 'kết quả của tôi', 'my score', 'score', 'points'] },
  { command: 'leaderboard', words: ['bảng xếp hạng', 'xếp hạng', 'bxh', 'leaderboard', 'ranking', 'top'] },
  { command: 'unit', words: ['đơn vị', 'đơn vị của tôi', 'đổi đơn vị', 'my unit', 'unit', 'change unit'] },
  { command: 'contest', words: ['dự thi', 'cuộc thi', 'thi', 'vào thi', 'contest', 'quiz contest', 'compete'] },
  { command: 'standing', words: ['thứ hạng', 'thứ hạng của tôi', 'thứ hạng dự thi', 'kết quả thi', 'my standing', 'standing', 'my rank', 'contest result'] },
  {
    command: 'remind_on',
    words: ['nhắc nhở', 'bật nhắc nhở', 'nhận nhắc nhở', 'đăng ký', 'đăng kí', 'reminders on', 'remind me', 'subscribe', 'reminders'],
  },
  {
    command: 'remind_off',
    words: ['dừng', 'dừng lại', 'tắt nhắc nhở', 'dừng nhắc nhở', 'hủy đăng ký', 'huỷ đăng ký', 'stop', 'stop reminders', 'unsubscribe', 'reminders off'],
  },
  {
    command: 'delete',
    words: ['xóa dữ liệu', 'xoá dữ liệu', 'xóa dữ liệu của tôi', 'xóa', 'xoá', 'xóa tài khoản', 'delete my data', 'delete', 'delete data', 'forget me'],
  },
  // "nhắn tin" (to send a message) is left out on purpose.
  {
    command: 'reach',
    words: ['nhận thông báo', 'cài đặt thông báo', 'thông báo của tôi', 'tôi nhận gì', 'tin tôi nhận', 'notifications', 'what i receive', 'my notifications'],
  },
  { command: 'help', words: ['trợ giúp', 'hướng dẫn', 'giúp', 'menu', 'help', 'h'] },
  { command: 'language', words: ['ngôn ngữ', 'language', 'đổi ngôn ngữ', 'lang'] },
  { command: 'invite', words: ['mời đồng nghiệp', 'mời bạn', 'mời', 'giới thiệu', 'invite', 'invite colleagues', 'invite a colleague'] },
  // Whole phrases: "dừng" alone stops every reminder; "dừng tổng kết" only the weekly recap.
  { command: 'recap_off', words: ['dừng tổng kết', 'tắt tổng kết', 'ngừng tổng kết', 'dừng tổng kết tuần', 'stop recap', 'stop weekly recap', 'recap off'] },
  { command: 'recap_on', words: ['nhận tổng kết', 'bật tổng kết', 'nhận tổng kết tuần', 'tổng kết tuần', 'weekly recap', 'recap on', 'start recap'] },
  { command: 'mistakes', words: ['ôn câu sai', 'câu sai', 'xem câu sai', 'ôn lại câu sai', 'review mistakes', 'my mistakes', 'mistakes'] },
];

export const LANGUAGE_KEYWORDS: ReadonlyArray<{ readonly locale: 'vi' | 'en'; readonly words: readonly string[] }> = [
  { locale: 'en', words: ['english', 'tiếng anh', 'en'] },
  { locale: 'vi', words: ['tiếng việt', 'vietnamese', 'vi', 'việt'] },
];

export const YES_WORDS = ['đồng ý', 'có', 'ok', 'oke', 'okay', 'yes', 'y', 'agree', 'i agree', 'chấp nhận', 'xác nhận', 'confirm', 'xóa', 'xoá'];
export const NO_WORDS = ['không', 'không đồng ý', 'no', 'n', 'hủy', 'huỷ', 'cancel', 'thôi', 'disagree', 'i do not agree', 'k'];

/** Small talk that deserves a short friendly answer rather than "I did not understand". */
export const SMALL_TALK: ReadonlyArray<{ readonly kind: SmallTalk; readonly words: readonly string[] }> = [
  { kind: 'thanks', words: ['cảm ơn', 'cám ơn', 'cảm ơn bạn', 'cảm ơn nhiều', 'cám ơn bạn', 'thanks', 'thank you', 'thank you very much', 'tks', 'thx'] },
  { kind: 'bye', words: ['tạm biệt', 'chào tạm biệt', 'hẹn gặp lại', 'bye', 'goodbye', 'bye bye', 'see you'] },
  { kind: 'ok', words: ['ok', 'oke', 'okay', 'ừ', 'ừm', 'vâng', 'dạ', 'được', 'hay', 'tuyệt', 'good', 'great', 'nice', 'cool'] },
];
export type SmallTalk = 'thanks' | 'bye' | 'ok';

/** A word table keyed both ways (with diacritics, folded), built once; the first entry wins a key. */
function lookup<T>(table: ReadonlyArray<{ readonly words: readonly string[] } & T>) {
  const keyed = (toned: boolean) => {
    const map = new Map<string, T>();
    for (const entry of table) for (const w of entry.words) if (!map.has(keyOf(w, toned))) map.set(keyOf(w, toned), entry);
    return map;
  };
  const toned = keyed(true);
  const folded = keyed(false);
  /** One map look-up after keying the (capped) text: linear in the input. */
  return (text: string): T | null => {
    const typed = typedKey(text);
    return (typed.toned ? toned : folded).get(typed.key) ?? null;
  };
}

const commandLookup = lookup(COMMAND_KEYWORDS);
const languageLookup = lookup(LANGUAGE_KEYWORDS);
const smallTalkLookup = lookup(SMALL_TALK);
const yesLookup = lookup(YES_WORDS.map((w) => ({ words: [w] })));
const noLookup = lookup(NO_WORDS.map((w) => ({ words: [w] })));

/** The command a typed text names, or null. "Câu hỏi hôm nay!" and "cau hoi hom nay" → today; "Đúng" → null. */
export function commandOf(text: string): Command | null {
  return commandLookup(text)?.command ?? null;
}

/** The language a typed text names ("English", "Tiếng Việt"), or null. */
export function languageOf(text: string): 'vi' | 'en' | null {
  return languageLookup(text)?.locale ?? null;
}

export function smallTalkOf(text: string): SmallTalk | null {
  return smallTalkLookup(text)?.kind ?? null;
}

export function isYes(text: string): boolean {
  return yesLookup(text) !== null;
}

export function isNo(text: string): boolean {
  return noLookup(text) !== null;
}
