/**
 * Business days: the unit of the §512(g)(2)(C) restore window ("not less than 10, nor more than
 * 14, business days following receipt of the counter notice") and of any other deadline the desk
 * counts in working days.
 *
 * Pure: no clock, no I/O. Instants are `Date`s passed in; calendar days are ISO dates
 * (`YYYY-MM-DD` strings), compared as strings and computed with UTC arithmetic so that no local
 * time zone of the machine running this can shift them.
 *
 * What "a day" is depends on a time zone: a counter notice received on Friday 23:30 in New York
 * is received on Saturday in UTC. The calendar carries its zone (default America/New_York,
 * because §512 deadlines are US deadlines); instants are turned into calendar days in that zone,
 * and calendar days back into instants at their local midnight (DST-aware).
 *
 * Counting rules, chosen so that "n business days after" never includes the day counted from:
 *
 * - `addBusinessDays(d, n)` is the n-th business day *after* d (d itself never counts, whatever
 *   time of day an instant on d was); n = 0 gives d back; negative n counts backwards.
 * - `businessDaysBetween(a, b)` counts the business days in (a, b] (negated, in [b, a), when b is
 *   before a), so `businessDaysBetween(d, addBusinessDays(d, n)) === n` for every d and n.
 * - `afterBusinessDays(instant, n)` is the first instant at which n whole business days have
 *   passed since `instant`: local midnight at the end of the n-th business day after it.
 */

/** A calendar day, `YYYY-MM-DD` (proleptic Gregorian, years 0001–9999). */
export type IsoDate = string;

/** §512 deadlines are counted in US business days; New York is where most of them are argued. */
export const DEFAULT_TIME_ZONE = 'America/New_York';

export interface BusinessCalendar {
  /** IANA time zone that decides on which calendar day an instant falls. */
  readonly timeZone: string;
  /** Extra days off (company holidays, state holidays, a closure): never business days. */
  readonly holidays: ReadonlySet<IsoDate>;
  /**
   * Whether the observed US federal holidays (5 U.S.C. §6103) are days off. They are computed
   * for any year on demand, so a deadline that runs into next year needs no configuration.
   */
  readonly usFederalHolidays: boolean;
}

export interface CalendarOptions {
  timeZone?: string;
  holidays?: Iterable<string>;
  usFederalHolidays?: boolean;
}

/**
 * A calendar from configuration. Throws `RangeError` naming the bad value (an unknown time zone,
 * a holiday that is not a real `YYYY-MM-DD` date): configuration errors should stop the start.
 * Defaults: America/New_York, US federal holidays on, no extra holidays.
 */
export function createCalendar(options: CalendarOptions = {}): BusinessCalendar {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const holidays = new Set<IsoDate>();
  for (const h of options.holidays ?? []) {
    const d = typeof h === 'string' ? h.trim() : h;
    if (!isIsoDate(d)) throw new RangeError(`holiday ${JSON.stringify(h)} is not a date in the form YYYY-MM-DD`);
    holidays.add(d);
  }
  return Object.freeze({ timeZone, holidays, usFederalHolidays: options.usFederalHolidays ?? true });
}

// ---------------------------------------------------------------------------------------------
// Calendar days

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar date written `YYYY-MM-DD` (so `2025-02-29` is not one). */
export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

/** Date.UTC without its "years 0–99 mean 1900–1999" quirk. */
function utcMs(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

function parseIso(date: IsoDate): { y: number; m: number; d: number } {
  if (!isIsoDate(date)) throw new RangeError(`${JSON.stringify(date)} is not a date in the form YYYY-MM-DD`);
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

function isoFromUtcMs(ms: number): IsoDate {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) throw new RangeError('date out of range (years 0001–9999)');
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

function isoToUtcMs(date: IsoDate): number {
  const { y, m, d } = parseIso(date);
  return utcMs(y, m, d);
}

/** `date` plus n calendar days. */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`day count must be an integer (got ${n})`);
  return isoFromUtcMs(isoToUtcMs(date) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(isoToUtcMs(date)).getUTCDay();
}

export function isWeekend(date: IsoDate): boolean {
  const w = dayOfWeek(date);
  return w === 0 || w === 6;
}

// ---------------------------------------------------------------------------------------------
// Time zones: instants ↔ calendar days

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws `RangeError` for a time zone the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    if (typeof timeZone !== 'string' || timeZone === '') throw new RangeError();
    formatter(timeZone);
  } catch {
    throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as "America/New_York")`);
  }
}

function wallClock(instant: number, timeZone: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  let y = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') y = 1 - y;
  return { y, m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), mi: Number(parts.minute), s: Number(parts.second) };
}

function assertInstant(instant: Date): number {
  const t = instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError('invalid date (an instant is required)');
  return t;
}

/** The calendar day on which `instant` falls in `timeZone`. */
export function localDate(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): IsoDate {
  const w = wallClock(assertInstant(instant), timeZone);
  if (w.y < 1 || w.y > 9999) throw new RangeError('date out of range (years 0001–9999)');
  return `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/**
 * The first instant of `date` in `timeZone`: local midnight, or — in the few zones that move
 * their clocks at midnight — the first instant that exists on that day.
 */
export function startOfLocalDay(date: IsoDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const naive = isoToUtcMs(date); // the wall clock 00:00 read as if it were UTC
  const offset = (t: number) => {
    const w = wallClock(t, timeZone);
    return utcMs(w.y, w.m, w.d) + ((w.h * 60 + w.mi) * 60 + w.s) * 1000 - t;
  };
  // Usual case: the offset in force at local midnight, found in two steps.
  const o1 = offset(naive);
  let t = naive - o1;
  const o2 = offset(t);
  if (o2 !== o1) t = naive - o2;
  if (localDate(new Date(t), timeZone) === date && localDate(new Date(t - 1), timeZone) < date) return new Date(t);
  // Midnight does not exist (the clock jumped over it): the day starts at the first instant whose
  // local date is `date`. Offsets lie within ±18 h, so search that window to the millisecond.
  let lo = naive - 18 * 3_600_000;
  let hi = naive + 18 * 3_600_000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(new Date(mid), timeZone) >= date) hi = mid;
    else lo = mid + 1;
  }
  return new Date(lo);
}

// ---------------------------------------------------------------------------------------------
// US federal holidays

export interface Holiday {
  /** The day off (the observed day). */
  date: IsoDate;
  /** The legal public holiday itself; differs from `date` when it falls on a weekend. */
  actual: IsoDate;
  name: string;
}

/** The first year of the Monday-holiday rules (Uniform Monday Holiday Act, in force 1971). */
export const FIRST_HOLIDAY_YEAR = 1971;

function nthWeekday(year: number, month: number, weekday: number, n: number): IsoDate {
  const first = new Date(utcMs(year, month, 1)).getUTCDay();
  const day = 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  return isoFromUtcMs(utcMs(year, month, day));
}

function lastWeekday(year: number, month: number, weekday: number): IsoDate {
  const lastDay = daysInMonth(year, month);
  const last = new Date(utcMs(year, month, lastDay)).getUTCDay();
  return isoFromUtcMs(utcMs(year, month, lastDay - ((last - weekday + 7) % 7)));
}

function fixed(year: number, month: number, day: number): IsoDate {
  return isoFromUtcMs(utcMs(year, month, day));
}

/** 5 U.S.C. §6103(b): a holiday on a Saturday is observed the Friday before, on a Sunday the Monday after. */
function observed(actual: IsoDate): IsoDate {
  const w = dayOfWeek(actual);
  return w === 6 ? addDays(actual, -1) : w === 0 ? addDays(actual, 1) : actual;
}

/** The legal public holidays of `year` (5 U.S.C. §6103(a)), on their actual dates. */
function legalHolidays(year: number): { actual: IsoDate; name: string }[] {
  const MON = 1;
  const THU = 4;
  const out: { actual: IsoDate; name: string }[] = [{ actual: fixed(year, 1, 1), name: "New Year's Day" }];
  if (year >= 1986) out.push({ actual: nthWeekday(year, 1, MON, 3), name: 'Birthday of Martin Luther King, Jr.' });
  out.push({ actual: nthWeekday(year, 2, MON, 3), name: "Washington's Birthday" });
  out.push({ actual: lastWeekday(year, 5, MON), name: 'Memorial Day' });
  if (year >= 2021) out.push({ actual: fixed(year, 6, 19), name: 'Juneteenth National Independence Day' });
  out.push({ actual: fixed(year, 7, 4), name: 'Independence Day' });
  out.push({ actual: nthWeekday(year, 9, MON, 1), name: 'Labor Day' });
  out.push({ actual: nthWeekday(year, 10, MON, 2), name: 'Columbus Day' });
  // 1971–1977 Veterans Day was the fourth Monday of October; November 11 again since 1978.
  out.push({ actual: year <= 1977 ? nthWeekday(year, 10, MON, 4) : fixed(year, 11, 11), name: 'Veterans Day' });
  out.push({ actual: nthWeekday(year, 11, THU, 4), name: 'Thanksgiving Day' });
  out.push({ actual: fixed(year, 12, 25), name: 'Christmas Day' });
  return out;
}

const federalCache = new Map<number, readonly Holiday[]>();

/**
 * The US federal holidays *observed* in `year` (1971–9999), sorted by day off. Computed from
 * the statutory rules, never a per-year table. The observed day can lie in another year: when
 * January 1 is a Saturday, New Year's Day is observed on December 31 of the year before, so it
 * is listed under that year (2021 lists 2021-12-31 for New Year's Day 2022, and 2022 has no New
 * Year's entry) — the list answers "which days of this year are days off".
 */
export function usFederalHolidays(year: number): readonly Holiday[] {
  if (!Number.isInteger(year) || year < FIRST_HOLIDAY_YEAR || year > 9999) {
    throw new RangeError(`US federal holidays are computed for the years ${FIRST_HOLIDAY_YEAR}–9999 (got ${year})`);
  }
  const cached = federalCache.get(year);
  if (cached) return cached;
  const candidates = [...legalHolidays(year)];
  if (year < 9999) candidates.push({ actual: fixed(year + 1, 1, 1), name: "New Year's Day" });
  const list = candidates
    .map((h) => ({ date: observed(h.actual), actual: h.actual, name: h.name }))
    .filter((h) => h.date.startsWith(`${String(year).padStart(4, '0')}-`))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const frozen = Object.freeze(list.map((h) => Object.freeze(h)));
  federalCache.set(year, frozen);
  return frozen;
}

/** Observed US federal holiday dates for every year from `fromYear` to `toYear`, inclusive. */
export function usFederalHolidayDates(fromYear: number, toYear: number = fromYear): IsoDate[] {
  const out: IsoDate[] = [];
  for (let y = fromYear; y <= toYear; y++) for (const h of usFederalHolidays(y)) out.push(h.date);
  return out;
}

function isUsFederalHoliday(date: IsoDate): boolean {
  const year = Number(date.slice(0, 4));
  if (year < FIRST_HOLIDAY_YEAR) return false;
  return usFederalHolidays(year).some((h) => h.date === date);
}

// ---------------------------------------------------------------------------------------------
// Business days

/** A day off under the calendar other than a weekend (for display: "closed for …"). */
export function isHoliday(date: IsoDate, calendar: BusinessCalendar): boolean {
  parseIso(date);
  return calendar.holidays.has(date) || (calendar.usFederalHolidays && isUsFederalHoliday(date));
}

/** Monday to Friday and not a holiday of the calendar. */
export function isBusinessDay(date: IsoDate, calendar: BusinessCalendar): boolean {
  return !isWeekend(date) && !isHoliday(date, calendar);
}

/** Longest count we walk (about 400 years of business days): guards against a runaway loop. */
export const MAX_BUSINESS_DAYS = 100_000;

function toDate(d: IsoDate | Date, calendar: BusinessCalendar): IsoDate {
  if (d instanceof Date) return localDate(d, calendar.timeZone);
  parseIso(d);
  return d;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_BUSINESS_DAYS) {
    throw new RangeError(`business day count must be an integer between -${MAX_BUSINESS_DAYS} and ${MAX_BUSINESS_DAYS} (got ${n})`);
  }
}

/**
 * The n-th business day after `start` (before it, for negative n). `start` itself never counts,
 * so a counter notice received on a Monday at 9:00 makes Tuesday business day 1 — "following
 * receipt". An instant is first placed on its calendar day in the calendar's time zone.
 * n = 0 returns the start day unchanged, business day or not.
 */
export function addBusinessDays(start: IsoDate | Date, n: number, calendar: BusinessCalendar): IsoDate {
  checkCount(n);
  let day = toDate(start, calendar);
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(n);
  while (left > 0) {
    day = addDays(day, step);
    if (isBusinessDay(day, calendar)) left--;
  }
  return day;
}

/**
 * Business days from `start` to `end`: those in (start, end] — so a deadline day counts and the
 * starting day does not — or minus those in [end, start) when `end` is before `start`.
 */
export function businessDaysBetween(start: IsoDate | Date, end: IsoDate | Date, calendar: BusinessCalendar): number {
  const a = toDate(start, calendar);
  const b = toDate(end, calendar);
  if (a === b) return 0;
  const [from, to, sign] = a < b ? [a, b, 1] : [b, a, -1];
  // Walk whole weeks arithmetically (5 weekdays each), then the remainder day by day; holidays
  // are subtracted one by one. Exact and fast for spans of years.
  const span = Math.round((isoToUtcMs(to) - isoToUtcMs(from)) / DAY_MS);
  const weeks = Math.floor(span / 7);
  let count = weeks * 5;
  // The days counted are (from, to] for a forward span and [from, to) for a backward one.
  const first = sign > 0 ? addDays(from, 1) : from;
  for (let i = weeks * 7; i < span; i++) if (!isWeekend(addDays(first, i))) count++;
  count -= holidaysOnWeekdays(first, addDays(first, span - 1), calendar);
  return sign * count;
}

/** Holidays of the calendar in [from, to] that fall on a weekday (weekends are off anyway). */
function holidaysOnWeekdays(from: IsoDate, to: IsoDate, calendar: BusinessCalendar): number {
  const days = new Set<IsoDate>();
  for (const h of calendar.holidays) if (h >= from && h <= to && !isWeekend(h)) days.add(h);
  if (calendar.usFederalHolidays) {
    const y0 = Math.max(Number(from.slice(0, 4)), FIRST_HOLIDAY_YEAR);
    const y1 = Number(to.slice(0, 4));
    for (let y = y0; y <= y1; y++) {
      for (const h of usFederalHolidays(y)) if (h.date >= from && h.date <= to && !isWeekend(h.date)) days.add(h.date);
    }
  }
  return days.size;
}

/**
 * The first instant at which n whole business days have passed since `instant`: local midnight
 * at the end of `addBusinessDays(instant, n)`. The conservative reading of "not less than n
 * business days following receipt": restoring any earlier would leave the n-th day unfinished.
 */
export function afterBusinessDays(instant: Date, n: number, calendar: BusinessCalendar): Date {
  if (n < 0) throw new RangeError(`business day count must not be negative (got ${n})`);
  const last = addBusinessDays(instant, n, calendar);
  return startOfLocalDay(addDays(last, 1), calendar.timeZone);
}

/** The default calendar: US federal holidays, weekends, America/New_York. */
export const US_FEDERAL_CALENDAR: BusinessCalendar = createCalendar();
