/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), checked field by field
 * so that "0 25 * * *" is caught by content:check rather than by the scheduler at night.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

const NAMES: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
};

function value(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : (NAMES[text.toLowerCase()] ?? NaN);
}

/** Why a cron expression is wrong, or undefined when every field is in range. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return `cron "${expression}" must have five fields (minute hour day month weekday)`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i]!;
    for (const item of part.split(',')) {
      const [range, step] = item.split('/') as [string, string | undefined];
      if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `cron "${expression}": bad step "${step}" in the ${field.name} field`;
      if (range === '*') continue;
      const [from, to] = range.split('-') as [string, string | undefined];
      for (const bound of to === undefined ? [from] : [from, to]) {
        const n = value(bound);
        if (!Number.isInteger(n) || n < field.min || n > field.max) {
          return `cron "${expression}": ${field.name} "${bound}" is outside ${field.min}-${field.max}`;
        }
      }
    }
  }
  return undefined;
}

/** The fixed time of day of a cron ("0 8 * * *" → 08:00), or undefined when it runs at several times. */
export function cronFixedTime(expression: string): string | undefined {
  const [minute, hour] = expression.trim().split(/\s+/);
  if (!minute || !hour || !/^\d+$/.test(minute) || !/^\d+$/.test(hour)) return undefined;
  return `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
}

/** True when `hhmm` falls inside a quiet-hours range like "21:00-07:00" (which may wrap past midnight). */
export function inQuietHours(hhmm: string, range: string): boolean {
  const [start, end] = range.split('-') as [string, string];
  return start <= end ? hhmm >= start && hhmm < end : hhmm >= start || hhmm < end;
}
