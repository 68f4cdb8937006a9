import { fold } from '../domain/index.js';
import type { Command } from './payloads.js';

/**
 * What people type for each command, in Vietnamese and English, written folded (no diacritics,
 * lower case): the typed text is folded the same way and must equal one of these.
 */
export const COMMAND_KEYWORDS: ReadonlyArray<{ readonly command: Command; readonly words: readonly string[] }> = [
  { command: 'start', words: ['bat dau', 'batdau', 'start', 'get started', 'begin', 'xin chao', 'chao', 'hello', 'hi'] },
  {
    command: 'today',
    words: ['cau hoi hom nay', 'hom nay', 'cau hoi', 'cau hoi moi', 'today', 'today s question', 'todays question', 'question', 'daily question'],
  },
  { command: 'practice', words: ['luyen tap', 'luyen', 'on tap', 'practice', 'practise', 'train'] },
  { command: 'score', words: ['diem cua toi', 'diem', 'xem diem', 'ket qua cua toi', 'my score', 'score', 'points'] },
  { command: 'leaderboard', words: ['bang xep hang', 'xep hang', 'bxh', 'leaderboard', 'ranking', 'top'] },
  { command: 'unit', words: ['don vi', 'don vi cua toi', 'doi don vi', 'my unit', 'unit', 'change unit'] },
  { command: 'contest', words: ['du thi', 'cuoc thi', 'thi', 'vao thi', 'contest', 'quiz contest', 'compete'] },
  { command: 'standing', words: ['thu hang', 'thu hang cua toi', 'ket qua thi', 'my standing', 'standing', 'my rank', 'contest result'] },
  { command: 'remind_on', words: ['nhac nho', 'bat nhac nho', 'nhan nhac nho', 'dang ky', 'reminders on', 'remind me', 'subscribe', 'reminders'] },
  { command: 'remind_off', words: ['dung', 'dung lai', 'tat nhac nho', 'dung nhac nho', 'huy dang ky', 'stop', 'unsubscribe', 'reminders off'] },
  // "nhận thông báo", "cài đặt thông báo", "tôi nhận gì": folded, "nhắn tin" (to send a message) is left out on purpose.
  {
    command: 'reach',
    words: ['nhan thong bao', 'cai dat thong bao', 'thong bao cua toi', 'toi nhan gi', 'tin toi nhan', 'notifications', 'what i receive', 'my notifications'],
  },
  { command: 'delete', words: ['xoa du lieu', 'xoa du lieu cua toi', 'xoa', 'xoa tai khoan', 'delete my data', 'delete', 'delete data', 'forget me'] },
  { command: 'help', words: ['tro giup', 'huong dan', 'giup', 'menu', 'help', 'h'] },
  { command: 'language', words: ['ngon ngu', 'language', 'doi ngon ngu', 'lang'] },
];

export const LANGUAGE_KEYWORDS: ReadonlyArray<{ readonly locale: 'vi' | 'en'; readonly words: readonly string[] }> = [
  { locale: 'en', words: ['english', 'tieng anh', 'en'] },
  { locale: 'vi', words: ['tieng viet', 'vietnamese', 'vi', 'viet'] },
];

export const YES_WORDS = ['dong y', 'co', 'ok', 'oke', 'yes', 'y', 'agree', 'i agree', 'chap nhan', 'xac nhan', 'confirm', 'xoa'];
export const NO_WORDS = ['khong', 'khong dong y', 'no', 'n', 'huy', 'cancel', 'thoi', 'disagree', 'k'];

const byWord = new Map<string, Command>(COMMAND_KEYWORDS.flatMap(({ command, words }) => words.map((w) => [w, command] as const)));
const byLanguage = new Map<string, 'vi' | 'en'>(LANGUAGE_KEYWORDS.flatMap(({ locale, words }) => words.map((w) => [w, locale] as const)));

/** The command a typed text names, or null. "Câu hỏi hôm nay!" → today. */
export function commandOf(text: string): Command | null {
  return byWord.get(fold(text)) ?? null;
}

/** The language a typed text names ("English", "Tiếng Việt"), or null. */
export function languageOf(text: string): 'vi' | 'en' | null {
  return byLanguage.get(fold(text)) ?? null;
}

export function isYes(text: string): boolean {
  return YES_WORDS.includes(fold(text));
}

export function isNo(text: string): boolean {
  return NO_WORDS.includes(fold(text));
}
