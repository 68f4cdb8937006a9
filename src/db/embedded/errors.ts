/**
 * Errors answered to the client exactly as MongoDB shapes them: `{ ok: 0, code, codeName, errmsg }`.
 * Codes and names from MongoDB's src/mongo/base/error_codes.yml.
 */
export const ERROR_CODES = {
  InternalError: 1,
  BadValue: 2,
  Unauthorized: 13,
  AuthenticationFailed: 18,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  ConflictingUpdateOperators: 40,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotImplemented: 238,
  BSONObjectTooLarge: 10334,
  Location15955: 15955,
  Location15976: 15976,
  Location17420: 17420,
  Location40234: 40234,
  MechanismUnavailable: 334,
  Location40324: 40324,
  DuplicateKey: 11000,
  /** Regular expression is too long. */
  Location51091: 51091,
  /** Invalid flag in regex options. */
  Location51108: 51108,
} as const;

export type ErrorCodeName = keyof typeof ERROR_CODES;

/** An error that becomes a MongoDB-shaped error reply (or a write error entry). */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields of the reply, e.g. keyPattern/keyValue for duplicate keys. */
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName, errmsg: string, extra: Record<string, unknown> = {}) {
    super(errmsg);
    this.code = ERROR_CODES[codeName];
    this.codeName = codeName;
    this.extra = extra;
  }

  /** The fields of an `ok: 0` reply. */
  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** One entry of `writeErrors` in an insert/update/delete reply. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** Turns anything thrown while running a command into a CommandError (mingo errors name the operator). */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/unknown|unsupported|not supported|invalid operator|not registered/i.test(message)) {
    return new CommandError('BadValue', message);
  }
  return new CommandError('BadValue', message);
}
