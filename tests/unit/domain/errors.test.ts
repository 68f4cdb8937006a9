import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FIELD_RULES,
  fieldIssue,
  ConflictError,
  DomainError,
  ERRORS,
  ERROR_KINDS,
  ForbiddenError,
  InvalidError,
  invalidInput,
  NotFoundError,
  TooLargeError,
  UnavailableError,
  UnsupportedError,
} from '../../../src/domain/index.js';
import { describeDomainError } from '../../../src/http/errors.js';

describe('domain errors', () => {
  it('lists every code once, in snake_case, with a known kind and an English message', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(ERROR_KINDS).toContain(spec.kind);
      expect(spec.message.length).toBeGreaterThan(0);
    }
  });

  it('carries its code and params and fills the message from them', () => {
    const err = new ConflictError('broadcast_not_editable', { id: 'bc-1', status: 'done' });
    expect(err).toBeInstanceOf(DomainError);
    expect(err.kind).toBe('conflict');
    expect(err.code).toBe('broadcast_not_editable');
    expect(err.params).toEqual({ id: 'bc-1', status: 'done' });
    expect(err.message).toBe('Broadcast bc-1 is done: only scheduled broadcasts can be edited');
  });

  it('lists the fields at fault of a schema error', () => {
    const err = invalidInput(
      {
        issues: [
          { path: ['text', 'vi'], message: 'Too small' },
          { path: [], message: 'bad' },
        ],
      },
      'body',
    );
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('Invalid body: text.vi Too small; (root) bad');
    expect(err.fields).toEqual([
      { field: 'text.vi', message: 'Too small', rule: 'invalid' },
      { field: '(root)', message: 'bad', rule: 'invalid' },
    ]);
  });

  it("names the rule each zod issue failed, so src/http can say it in the caller's language", () => {
    const schema = z
      .object({
        text: z.string().min(1),
        title: z.string().max(5),
        bots: z.array(z.string()).min(1),
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, FIELD_RULES.date),
        url: z.url(),
        status: z.enum(['a', 'b']),
        needed: z.string(),
      })
      .strict();
    const r = schema.safeParse({ text: '', title: 'too long', bots: [], day: '10/10', url: 'nope', status: 'c', extra: 1 });
    const err = invalidInput(r.error!, 'body');
    expect(Object.fromEntries(err.fields!.map((f) => [f.field, [f.rule, f.params ?? {}]]))).toEqual({
      text: ['empty', {}],
      title: ['too_long', { maximum: 5 }],
      bots: ['too_few', { minimum: 1 }],
      day: ['date', {}],
      url: ['url', {}],
      status: ['one_of', { values: 'a, b' }],
      needed: ['required', {}],
      '(root)': ['unknown_fields', { keys: 'extra' }],
    });
    expect(fieldIssue('from', 'range_too_long', { days: 366 })).toEqual({
      field: 'from',
      message: 'range at most 366 days',
      rule: 'range_too_long',
      params: { days: 366 },
    });
  });
});

describe('how src/http answers a domain error', () => {
  it('maps each kind to its status and the generic code the API has always answered', () => {
    const cases: Array<[DomainError, number, string]> = [
      [new InvalidError('password_unchanged'), 400, 'bad_request'],
      [new ForbiddenError('admin_only'), 403, 'forbidden'],
      [new NotFoundError('broadcast_not_found', { id: 'x' }), 404, 'not_found'],
      [new ConflictError('last_admin'), 409, 'conflict'],
      [new TooLargeError('body_too_large', { max: 10 }), 413, 'payload_too_large'],
      [new UnsupportedError('content_encoding_unsupported', { encoding: 'gzip' }), 415, 'unsupported_media_type'],
      [new UnavailableError('web_channel_unavailable'), 503, 'unavailable'],
    ];
    for (const [err, status, code] of cases) expect(describeDomainError(err)).toEqual({ status, code, message: err.message });
  });

  it('answers validation_failed with the fields, and an import rejection with its rows', () => {
    const fields = [{ field: 'newPassword', message: 'at least 10 characters' }];
    expect(describeDomainError(new InvalidError('password_too_short', { min: 10 }, { fields }))).toEqual({
      status: 400,
      code: 'validation_failed',
      message: 'Password must have at least 10 characters',
      details: { fields },
    });
    expect(describeDomainError(new InvalidError('import_rejected', {}, { problems: ['row 2'] }))).toMatchObject({
      status: 400,
      code: 'import_rejected',
      details: { problems: ['row 2'] },
    });
  });
});
