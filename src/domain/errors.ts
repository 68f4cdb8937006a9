/**
 * Domain errors: what went wrong, in words every room can use, without HTTP. A room throws one of
 * the classes below with a stable machine `code`; only src/http turns the error's kind into a
 * status code.
 *
 * Every code is listed once, in ERRORS, with its kind and the English message for developers.
 * Messages use i18next interpolation (`{{name}}` takes `params.name`), so each code can later get a
 * vi and an en text in content/locales/{vi,en}/errors.json under the same key, fed the same params.
 * Codes are stable: clients and translations key on them, so rename none and remove none in use.
 */

export const ERROR_KINDS = ['invalid', 'forbidden', 'not_found', 'conflict', 'too_large', 'unsupported', 'unavailable'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

interface ErrorSpec {
  readonly kind: ErrorKind;
  readonly message: string;
  /** Params the API says in words (errors.json `<param>.<value>`) in place of the English `message`'s wording. */
  readonly words?: readonly string[];
}

export const ERRORS = {
  // ---- invalid: the input cannot be used as it is
  validation_failed: { kind: 'invalid', message: 'Invalid {{what}}: {{summary}}' },
  malformed_json: { kind: 'invalid', message: 'Malformed JSON body' },
  json_too_deep: { kind: 'invalid', message: 'The JSON body nests deeper than {{max}} levels' },
  password_too_short: { kind: 'invalid', message: 'Password must have at least {{min}} characters' },
  password_weak: { kind: 'invalid', message: 'The password is too easy to guess: {{reason}}' },
  password_unchanged: { kind: 'invalid', message: 'The new password must differ from the current one' },
  organiser_token_needs_bot: { kind: 'invalid', message: 'An organiser token needs at least one bot' },
  cannot_disable_self: { kind: 'invalid', message: 'You cannot disable your own account' },
  send_at_invalid: { kind: 'invalid', message: 'Invalid sendAt "{{sendAt}}": use "now" or a date like 2026-10-10T08:00 ({{timeZone}})' },
  send_at_past: { kind: 'invalid', message: 'sendAt {{sendAt}} is in the past' },
  stats_range_too_long: { kind: 'invalid', message: 'Invalid query: from a range is at most {{days}} days' },
  contest_id_required: { kind: 'invalid', message: 'Invalid query: contestId required' },
  import_file_type: {
    kind: 'invalid',
    message: 'Send the file as the body with Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  import_rejected: { kind: 'invalid', message: 'The file was not imported; fix the rows listed in details.problems' },
  import_unreadable: { kind: 'invalid', message: 'The file was not imported: {{reason}}', words: ['problem', 'line'] },
  import_too_many_rows: { kind: 'invalid', message: 'The file was not imported: it has more than {{max}} rows; split it into smaller files' },
  simulator_after_invalid: { kind: 'invalid', message: 'after must be an ISO time or a message id' },
  content_invalid: { kind: 'invalid', message: 'Not saved: {{count}} content check(s) failed; details.content lists them' },
  content_rows_rejected: { kind: 'invalid', message: 'The file was not imported: {{count}} problem(s); details.content lists them by row and column' },
  question_status_set_by_workflow: { kind: 'invalid', message: 'Questions start as drafts; use the review and publish actions to change the status' },
  unit_unknown: { kind: 'invalid', message: 'Unknown unit "{{unit}}": it is not in the unit list of the bots concerned' },
  unit_list_label_required: { kind: 'invalid', message: 'Name the imported unit list (label): it replaces a sample list, whose label would be wrong' },
  // ---- forbidden: known caller, not allowed
  admin_only: { kind: 'forbidden', message: 'Only admins may do this' },
  bot_forbidden: { kind: 'forbidden', message: 'No access to bot "{{bot}}"' },
  unit_list_forbidden: { kind: 'forbidden', message: 'No access to unit list "{{list}}"' },
  broadcast_forbidden: { kind: 'forbidden', message: 'This broadcast reaches bots you do not manage' },
  topic_forbidden: { kind: 'forbidden', message: 'None of your bots asks topic "{{topic}}"' },
  question_forbidden: { kind: 'forbidden', message: 'Question {{id}} was not written by you for your bots; only admins may change it' },
  reviewer_is_author: { kind: 'forbidden', message: 'You wrote question {{id}}: someone else must review it' },
  content_item_forbidden: { kind: 'forbidden', message: 'This {{kind}} is used by bots you do not manage; only admins may change it' },
  wrong_password: { kind: 'forbidden', message: 'The current password is wrong' },
  invalid_signature: { kind: 'forbidden', message: 'Invalid signature' },
  webhook_verification_failed: { kind: 'forbidden', message: 'Verification failed' },
  // ---- not_found
  not_found: { kind: 'not_found', message: 'Not found' },
  admin_user_not_found: { kind: 'not_found', message: 'No such admin user' },
  api_token_not_found: { kind: 'not_found', message: 'No such active token' },
  broadcast_not_found: { kind: 'not_found', message: 'No broadcast {{id}}' },
  contest_not_found: { kind: 'not_found', message: 'No contest {{id}}' },
  bot_not_found: { kind: 'not_found', message: 'No bot "{{bot}}"' },
  question_not_found: { kind: 'not_found', message: 'No question {{id}}' },
  campaign_not_found: { kind: 'not_found', message: 'No campaign {{id}}' },
  unit_list_not_found: { kind: 'not_found', message: 'No unit list {{id}}' },
  channel_not_found: { kind: 'not_found', message: 'No {{platform}} channel for bot "{{bot}}"' },
  language_not_found: { kind: 'not_found', message: 'No such language' },
  simulator_off: { kind: 'not_found', message: 'The simulator is off on this server (SIMULATOR_ENABLED)' },
  // ---- conflict: the request clashes with the current state
  admin_user_exists: { kind: 'conflict', message: 'An admin user {{email}} exists already' },
  last_admin: { kind: 'conflict', message: 'This is the last enabled admin' },
  broadcast_generated: { kind: 'conflict', message: 'Broadcast {{id}} is generated ({{kind}}) and cannot be edited' },
  broadcast_not_editable: { kind: 'conflict', message: 'Broadcast {{id}} is {{status}}: only scheduled broadcasts can be edited' },
  broadcast_started: { kind: 'conflict', message: 'Broadcast {{id}} has started and can no longer be edited' },
  broadcast_over: { kind: 'conflict', message: 'Broadcast {{id}} is already {{status}}' },
  broadcast_finished: { kind: 'conflict', message: 'Broadcast {{id}} finished before it could be cancelled' },
  content_item_exists: { kind: 'conflict', message: 'A {{kind}} with id {{id}} exists already' },
  question_wrong_status: { kind: 'conflict', message: 'Question {{id}} is {{status}}: {{action}} needs a {{needed}} question' },
  question_retired: { kind: 'conflict', message: 'Question {{id}} is retired; restore it first' },
  // ---- too_large / unsupported: the input's size or form
  body_too_large: { kind: 'too_large', message: 'The body is over {{max}} bytes' },
  import_too_large: { kind: 'too_large', message: 'The file was not imported: it is over {{max}} bytes; split it into smaller files' },
  import_inflated_too_large: { kind: 'too_large', message: 'The file was not imported: the XLSX unpacks to more than {{max}} bytes' },
  content_encoding_unsupported: { kind: 'unsupported', message: 'Unsupported Content-Encoding "{{encoding}}"' },
  // ---- unavailable: a part of the service is not running
  web_channel_unavailable: { kind: 'unavailable', message: 'The web channel is not running' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
/** The codes of one kind, so each error class accepts only its own. */
export type CodeOf<K extends ErrorKind> = { [C in ErrorCode]: (typeof ERRORS)[C]['kind'] extends K ? C : never }[ErrorCode];

/** The `{{names}}` a message template uses. */
type ParamNames<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | ParamNames<Rest> : never;
/** The params said in words by the API, besides those of the English message. */
type WordNames<C extends ErrorCode> = (typeof ERRORS)[C] extends { readonly words: readonly (infer W extends string)[] } ? W : never;
export type ErrorParams<C extends ErrorCode> = Readonly<Record<ParamNames<(typeof ERRORS)[C]['message']> | WordNames<C>, string | number>>;
/** Params are required exactly when the message names some. */
type ParamsArg<C extends ErrorCode, Rest extends unknown[] = []> = [ParamNames<(typeof ERRORS)[C]['message']>] extends [never]
  ? [params?: Readonly<Record<string, never>>, ...Rest]
  : [params: ErrorParams<C>, ...Rest];

/** Fills `{{name}}` from params (the same syntax i18next will read). */
export function interpolate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The base of every domain error: a kind, a stable code, its params and the English message. */
export class DomainError extends Error {
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(interpolate(ERRORS[code].message, params));
    this.kind = ERRORS[code].kind;
    this.name = 'DomainError';
  }
}

/**
 * The checks a field can fail, each a stable rule with the English words for developers. src/http
 * answers a rule in the caller's language (content/locales/{vi,en}/errors.json `field.<rule>`, fed
 * the issue's params). A schema's own message names a rule by using its text here
 * (`.regex(re, FIELD_RULES.date)`), so the check and its translation cannot drift apart.
 */
export const FIELD_RULES = {
  required: 'required',
  empty: 'must not be empty',
  too_short: 'at least {{minimum}} characters',
  too_long: 'at most {{maximum}} characters',
  too_few: 'at least {{minimum}} items',
  too_many: 'at most {{maximum}} items',
  too_small: 'at least {{minimum}}',
  too_big: 'at most {{maximum}}',
  wrong_type: 'must be a {{expected}}',
  one_of: 'must be one of {{values}}',
  email: 'must be an email address',
  url: 'must be a web address (https://…)',
  format: 'has the wrong format',
  unknown_fields: 'unknown field(s): {{keys}}',
  invalid: 'is invalid',
  date: 'must be a date like 2026-10-10',
  real_date: 'is not a real date',
  bot_id: 'must be a bot id like "demo"',
  id: 'must be an id like "demo"',
  from_after_to: 'must not be after `to`',
  send_at: 'must be "now" or a date and time like 2026-10-10T08:00 (Asia/Ho_Chi_Minh)',
  organiser_needs_bot: 'an organiser needs at least one bot',
  range_too_long: 'range at most {{days}} days',
} as const;
export type FieldRule = keyof typeof FIELD_RULES;

/** One field at fault: its path (`audience.bots.0`, `(root)`), what is wrong in English, and the rule it failed. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
  /** The check it failed, for the caller's language; absent: only `message` says what is wrong. */
  readonly rule?: FieldRule;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** A field issue for one of the rules, with its English message filled in. */
export function fieldIssue(field: string, rule: FieldRule, params: Readonly<Record<string, string | number>> = {}): FieldIssue {
  return { field, message: interpolate(FIELD_RULES[rule], params), rule, ...(Object.keys(params).length ? { params } : {}) };
}

/**
 * A content check an item (or a row of an imported file) failed: the English words, and a code
 * (`editor:problem.<code>`) or a field rule (`errors:field.<rule>`) to say it in the caller's
 * language, with where it is (a field of the item, or a row and column of the file).
 */
export interface ContentIssue {
  readonly message: string;
  readonly code?: string;
  readonly rule?: FieldRule;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly field?: string;
  readonly row?: number;
  readonly column?: string;
}

/** What an invalid input comes back with: the fields at fault, the rows of a rejected file, or the content checks failed. */
export interface InvalidDetails {
  readonly fields?: readonly FieldIssue[];
  readonly problems?: readonly string[];
  readonly content?: readonly ContentIssue[];
}

export class InvalidError<C extends CodeOf<'invalid'> = CodeOf<'invalid'>> extends DomainError {
  readonly fields: readonly FieldIssue[] | undefined;
  readonly problems: readonly string[] | undefined;
  readonly content: readonly ContentIssue[] | undefined;
  constructor(code: C, ...[params, details]: ParamsArg<C, [details?: InvalidDetails]>) {
    super(code, params ?? {});
    this.name = 'InvalidError';
    this.fields = details?.fields;
    this.problems = details?.problems;
    this.content = details?.content;
  }
}

export class ForbiddenError<C extends CodeOf<'forbidden'> = CodeOf<'forbidden'>> extends DomainError {
  constructor(code: C, ...[params]: ParamsArg<C>) {
    super(code, params ?? {});
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError<C extends CodeOf<'not_found'> = CodeOf<'not_found'>> extends DomainError {
  constructor(code: C, ...[params]: ParamsArg<C>) {
    super(code, params ?? {});
    this.name = 'NotFoundError';
  }
}

export class ConflictError<C extends CodeOf<'conflict'> = CodeOf<'conflict'>> extends DomainError {
  constructor(code: C, ...[params]: ParamsArg<C>) {
    super(code, params ?? {});
    this.name = 'ConflictError';
  }
}

export class TooLargeError<C extends CodeOf<'too_large'> = CodeOf<'too_large'>> extends DomainError {
  constructor(code: C, ...[params]: ParamsArg<C>) {
    super(code, params ?? {});
    this.name = 'TooLargeError';
  }
}

export class UnsupportedError<C extends CodeOf<'unsupported'> = CodeOf<'unsupported'>> extends DomainError {
  constructor(code: C, ...[params]: ParamsArg<C>) {
    super(code, params ?? {});
    this.name = 'UnsupportedError';
  }
}

export class UnavailableError<C extends CodeOf<'unavailable'> = CodeOf<'unavailable'>> extends DomainError {
  constructor(code: C, ...[params]: ParamsArg<C>) {
    super(code, params ?? {});
    this.name = 'UnavailableError';
  }
}

/** One issue of a schema error (zod's), as much of it as the rules need, without depending on zod here. */
interface SchemaIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly code?: string;
  readonly input?: unknown;
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly format?: string;
  readonly keys?: readonly string[];
}

/** The shape of a zod error, without depending on zod here. */
interface SchemaIssues {
  readonly issues: readonly SchemaIssue[];
}

const RULE_OF_MESSAGE: ReadonlyMap<string, FieldRule> = new Map(Object.entries(FIELD_RULES).map(([rule, text]) => [text, rule as FieldRule]));

/** Size rules by what was measured: a string's characters, an array's items, a number's value. */
function sizeRule(i: SchemaIssue, small: boolean): { rule: FieldRule; params: Record<string, number> } {
  const bound = Number(small ? i.minimum : i.maximum);
  const params: Record<string, number> = small ? { minimum: bound } : { maximum: bound };
  if (i.origin === 'string') return small && bound === 1 ? { rule: 'empty', params: {} } : { rule: small ? 'too_short' : 'too_long', params };
  if (i.origin === 'array' || i.origin === 'set') return { rule: small ? 'too_few' : 'too_many', params };
  return { rule: small ? 'too_small' : 'too_big', params };
}

/**
 * The rule a schema issue failed: a schema's own message that is one of FIELD_RULES, else the
 * issue's kind (a missing field is `required`; zod reports it as a wrong type "received undefined").
 */
export function ruleOf(i: SchemaIssue): { rule: FieldRule; params: Record<string, string | number> } {
  const named = RULE_OF_MESSAGE.get(i.message);
  if (named) return { rule: named, params: {} };
  switch (i.code) {
    case 'invalid_type': {
      const missing = 'input' in i ? i.input === undefined : / received undefined$/.test(i.message);
      return missing ? { rule: 'required', params: {} } : { rule: 'wrong_type', params: { expected: String(i.expected) } };
    }
    case 'too_small':
      return sizeRule(i, true);
    case 'too_big':
      return sizeRule(i, false);
    case 'invalid_value':
      return { rule: 'one_of', params: { values: (i.values ?? []).map(String).join(', ') } };
    case 'invalid_format':
      return i.format === 'email' || i.format === 'url' ? { rule: i.format, params: {} } : { rule: 'format', params: {} };
    case 'unrecognized_keys':
      return { rule: 'unknown_fields', params: { keys: (i.keys ?? []).join(', ') } };
    default:
      return { rule: 'invalid', params: {} };
  }
}

/** `validation_failed` listing each field at fault, from a schema's issues (zod). `what`: input, body, query... */
export function invalidInput(error: SchemaIssues, what = 'input'): InvalidError<'validation_failed'> {
  const fields = error.issues.map((i): FieldIssue => {
    const { rule, params } = ruleOf(i);
    return { field: i.path.map(String).join('.') || '(root)', message: i.message, rule, ...(Object.keys(params).length ? { params } : {}) };
  });
  return new InvalidError('validation_failed', { what, summary: fields.map((f) => `${f.field} ${f.message}`).join('; ') }, { fields });
}
