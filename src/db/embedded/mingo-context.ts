import { DateTime, FixedOffsetZone, type Zone } from 'luxon';
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { Query as BaseQuery } from 'mingo/query';
import { CommandError } from './errors.js';
import { LINEAR_EXPRESSION_OPERATORS, LINEAR_QUERY_OPERATORS } from './regex.js';

/**
 * mingo's operators with MongoDB's semantics where mingo differs. mingo's own entry points merge
 * their built-in table over any context they are given (built-ins win), so queries and pipelines
 * here use mingo's base classes with this complete table instead.
 */

type ExpressionOperator = (obj: unknown, expr: unknown, options: never) => unknown;

const UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond'] as const;
type Unit = (typeof UNITS)[number];
const UNIT_MS: Partial<Record<Unit, number>> = { hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1 };
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** MongoDB's `timezone` argument: an Olson name or a UTC offset (+07:00, +0700, +07). */
export function parseTimeZone(timezone: unknown): Zone | string {
  if (timezone === undefined || timezone === null) return FixedOffsetZone.utcInstance;
  if (typeof timezone !== 'string') throw new CommandError('BadValue', `timezone must evaluate to a string, found ${typeof timezone}`);
  const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(timezone);
  if (offset) return FixedOffsetZone.instance((offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0)));
  if (!DateTime.local().setZone(timezone).isValid) throw new CommandError('BadValue', `unrecognized time zone identifier: "${timezone}"`);
  return timezone;
}

const floorMod = (n: number, m: number) => ((n % m) + m) % m;
/** Whole calendar days from 2000-01-01 to the local date of `dt`. */
const daysSince2000 = (dt: DateTime) => Math.round((Date.UTC(dt.year, dt.month - 1, dt.day) - Date.UTC(2000, 0, 1)) / 86_400_000);

/**
 * `$dateTrunc` computed in the given time zone (mingo counts calendar units in UTC, so in
 * Asia/Ho_Chi_Minh a date between 00:00 and 07:00 fell into the previous day). Bins count from
 * 2000-01-01 00:00 local time, as MongoDB's do; weeks from the first `startOfWeek` on or after it.
 */
export function dateTrunc(date: Date, unit: Unit, binSize: number, timezone: unknown, startOfWeek: string): Date {
  const zone = parseTimeZone(timezone);
  const dt = DateTime.fromJSDate(date, { zone });
  const ref = DateTime.fromObject({ year: 2000, month: 1, day: 1 }, { zone });
  const unitMs = UNIT_MS[unit];
  if (unitMs) {
    // Wall-clock milliseconds in the zone, binned, then read back as a wall-clock time there.
    const wall = dt.toMillis() + dt.offset * 60_000;
    const refWall = ref.toMillis() + ref.offset * 60_000;
    const size = unitMs * binSize;
    const start = DateTime.fromMillis(wall - floorMod(wall - refWall, size), { zone: 'utc' });
    return DateTime.fromObject(
      { year: start.year, month: start.month, day: start.day, hour: start.hour, minute: start.minute, second: start.second, millisecond: start.millisecond },
      { zone },
    ).toJSDate();
  }
  const bin = (n: number) => n - floorMod(n, binSize);
  switch (unit) {
    case 'day':
      return ref.plus({ days: bin(daysSince2000(dt)) }).toJSDate();
    case 'week': {
      const first = WEEKDAYS.indexOf(startOfWeek) + 1; // luxon: 1 = Monday
      const refWeek = ref.plus({ days: floorMod(first - ref.weekday, 7) });
      const weeks = Math.floor((daysSince2000(dt) - daysSince2000(refWeek)) / 7);
      return refWeek.plus({ weeks: bin(weeks) }).toJSDate();
    }
    case 'month':
      return ref.plus({ months: bin((dt.year - 2000) * 12 + dt.month - 1) }).toJSDate();
    case 'quarter':
      return ref.plus({ months: 3 * bin(Math.floor(((dt.year - 2000) * 12 + dt.month - 1) / 3)) }).toJSDate();
    default:
      return ref.plus({ years: bin(dt.year - 2000) }).toJSDate();
  }
}

const $dateTrunc: ExpressionOperator = (obj, expr, options) => {
  const args = evalExpr(obj as never, expr as never, options) as Record<string, unknown>;
  const { date, unit, binSize, timezone, startOfWeek } = args;
  if (date === null || date === undefined || unit === null || unit === undefined) return null;
  if (!(date instanceof Date)) throw new CommandError('BadValue', "$dateTrunc requires 'date' to be a date");
  if (typeof unit !== 'string' || !UNITS.includes(unit as Unit))
    throw new CommandError('BadValue', `$dateTrunc parameter 'unit' value cannot be recognized as a time unit: ${String(unit)}`);
  const size = binSize === undefined || binSize === null ? 1 : Number(binSize);
  if (!Number.isInteger(size) || size <= 0)
    throw new CommandError('BadValue', `$dateTrunc requires 'binSize' to be greater than 0, but got value ${String(binSize)}`);
  const week = String(startOfWeek ?? 'sunday')
    .toLowerCase()
    .slice(0, 3);
  if (unit === 'week' && !WEEKDAYS.includes(week))
    throw new CommandError('BadValue', `$dateTrunc parameter 'startOfWeek' value cannot be recognized as a day of a week: ${String(startOfWeek)}`);
  return dateTrunc(date, unit as Unit, size, timezone, week);
};

/** Every mingo operator, with the overrides above and the linear-time regex operators (regex.ts). */
export function embeddedContext(extraQueryOperators: Record<string, unknown> = {}): Context {
  return Context.init({
    accumulator: accumulatorOperators as never,
    expression: { ...(expressionOperators as Record<string, unknown>), ...LINEAR_EXPRESSION_OPERATORS, $dateTrunc } as never,
    pipeline: pipelineOperators as never,
    projection: projectionOperators as never,
    query: { ...(queryOperators as Record<string, unknown>), ...LINEAR_QUERY_OPERATORS, ...extraQueryOperators } as never,
    window: windowOperators as never,
  });
}

/** The context pipelines run with. */
export const EMBEDDED_CONTEXT = embeddedContext();

/**
 * mingo's compiled options (its ComputeOptions, not exported by mingo), captured once through a
 * probe query operator. mingo copies its whole operator table whenever it is given plain options;
 * reusing these makes compiling a filter ~3x cheaper and evaluating an expression per document cheap.
 */
function captureOptions(): unknown {
  let captured: unknown;
  const probe = (_selector: string, _value: unknown, options: unknown) => {
    captured = options;
    return () => true;
  };
  new BaseQuery({ x: { $embeddedProbe: 1 } }, { context: embeddedContext({ $embeddedProbe: probe }) });
  return captured;
}
export const COMPUTE_OPTIONS: unknown = captureOptions();
/** The same operators for mingo's update operators ($pull conditions, arrayFilters), which copy values. */
export const UPDATE_OPTIONS: unknown = (() => {
  const options = captureOptions() as { update?: (locals: unknown) => unknown } | undefined;
  return options?.update?.({ updateConfig: { cloneMode: 'copy' } });
})();
