import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addBusinessDays,
  addDays,
  afterBusinessDays,
  businessDaysBetween,
  createCalendar,
  dayOfWeek,
  isBusinessDay,
  isHoliday,
  isIsoDate,
  localDate,
  startOfLocalDay,
  usFederalHolidayDates,
  usFederalHolidays,
  US_FEDERAL_CALENDAR,
  DEFAULT_TIME_ZONE,
} from '../../src/domain/business-days.ts';

const US = US_FEDERAL_CALENDAR;
const PLAIN = createCalendar({ usFederalHolidays: false });

test('the default calendar is US federal holidays in America/New_York', () => {
  assert.equal(US.timeZone, 'America/New_York');
  assert.equal(DEFAULT_TIME_ZONE, 'America/New_York');
  assert.equal(US.usFederalHolidays, true);
  assert.equal(US.holidays.size, 0);
});

test('ISO dates: only real calendar days in YYYY-MM-DD form', () => {
  for (const ok of ['2026-01-01', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) assert.ok(isIsoDate(ok), ok);
  for (const bad of [
    '2025-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-1-1',
    '20260101',
    '2026-01-01T00:00:00Z',
    ' 2026-01-01',
    '',
    20260101,
    null,
  ]) {
    assert.ok(!isIsoDate(bad), String(bad));
  }
});

test('calendar configuration: bad holidays and unknown time zones are refused by name', () => {
  assert.throws(() => createCalendar({ holidays: ['2026-02-30'] }), /holiday "2026-02-30" is not a date/);
  assert.throws(() => createCalendar({ holidays: ['24/12/2026'] }), /holiday "24\/12\/2026"/);
  assert.throws(() => createCalendar({ timeZone: 'Mars/Olympus_Mons' }), /unknown time zone "Mars\/Olympus_Mons"/);
  assert.throws(() => createCalendar({ timeZone: '' }), /unknown time zone/);
  const c = createCalendar({ holidays: [' 2026-12-24 ', '2026-12-31'], timeZone: 'Europe/Berlin', usFederalHolidays: false });
  assert.deepEqual([...c.holidays].sort(), ['2026-12-24', '2026-12-31']);
  assert.equal(c.timeZone, 'Europe/Berlin');
  assert.ok(Object.isFrozen(c));
});

test('calendar arithmetic: addDays across month, leap day and year ends; day of week', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2025-02-28', 1), '2025-03-01');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2027-01-01', -1), '2026-12-31');
  assert.equal(addDays('2026-03-01', 365), '2027-03-01');
  assert.equal(dayOfWeek('2026-01-01'), 4); // Thursday
  assert.equal(dayOfWeek('0001-01-01'), 1); // Monday (proleptic Gregorian)
  assert.throws(() => addDays('2026-01-01', 1.5), RangeError);
  assert.throws(() => addDays('9999-12-31', 1), /out of range/);
});

// OPM's published federal holiday lists for these years.
const OPM: Record<number, string[]> = {
  2021: [
    '2021-01-01',
    '2021-01-18',
    '2021-02-15',
    '2021-05-31',
    '2021-06-18',
    '2021-07-05',
    '2021-09-06',
    '2021-10-11',
    '2021-11-11',
    '2021-11-25',
    '2021-12-24',
    '2021-12-31',
  ],
  2022: ['2022-01-17', '2022-02-21', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-10-10', '2022-11-11', '2022-11-24', '2022-12-26'],
  2023: [
    '2023-01-02',
    '2023-01-16',
    '2023-02-20',
    '2023-05-29',
    '2023-06-19',
    '2023-07-04',
    '2023-09-04',
    '2023-10-09',
    '2023-11-10',
    '2023-11-23',
    '2023-12-25',
  ],
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-10-14',
    '2024-11-11',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-20',
    '2025-02-17',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-10-13',
    '2025-11-11',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-10-12',
    '2026-11-11',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-10-11',
    '2027-11-11',
    '2027-11-25',
    '2027-12-24',
    '2027-12-31',
  ],
};

test('US federal holidays are computed to match the published lists, observed days included', () => {
  for (const [year, dates] of Object.entries(OPM)) {
    assert.deepEqual(
      usFederalHolidays(Number(year)).map((h) => h.date),
      dates,
      `year ${year}`,
    );
  }
});

test('holidays on weekends move: Saturday to the Friday before, Sunday to the Monday after', () => {
  const h2021 = usFederalHolidays(2021);
  const find = (list: readonly { date: string; actual: string; name: string }[], name: string) => list.filter((h) => h.name === name);
  assert.deepEqual(find(h2021, 'Juneteenth National Independence Day'), [
    { date: '2021-06-18', actual: '2021-06-19', name: 'Juneteenth National Independence Day' },
  ]);
  assert.deepEqual(find(h2021, 'Independence Day'), [{ date: '2021-07-05', actual: '2021-07-04', name: 'Independence Day' }]);
  assert.deepEqual(find(h2021, 'Christmas Day'), [{ date: '2021-12-24', actual: '2021-12-25', name: 'Christmas Day' }]);
  // New Year's Day 2022 was a Saturday: observed on Friday 2021-12-31, listed under 2021 …
  assert.deepEqual(
    find(h2021, "New Year's Day").map((h) => [h.date, h.actual]),
    [
      ['2021-01-01', '2021-01-01'],
      ['2021-12-31', '2022-01-01'],
    ],
  );
  // … and 2022 has no New Year's day off of its own.
  assert.deepEqual(find(usFederalHolidays(2022), "New Year's Day"), []);
  // Sunday → Monday across the year boundary's other side: 2023-01-01 was a Sunday.
  assert.deepEqual(
    find(usFederalHolidays(2023), "New Year's Day").map((h) => [h.date, h.actual]),
    [['2023-01-02', '2023-01-01']],
  );
  // Veterans Day on a Saturday (2023-11-11) → Friday 10th.
  assert.equal(find(usFederalHolidays(2023), 'Veterans Day')[0]!.date, '2023-11-10');
});

test('holiday rules across history and the far future: Juneteenth from 2021, MLK from 1986, Veterans Day 1971–1977 in October', () => {
  assert.ok(!usFederalHolidays(2020).some((h) => h.name.startsWith('Juneteenth')));
  assert.ok(usFederalHolidays(2021).some((h) => h.name.startsWith('Juneteenth')));
  assert.ok(!usFederalHolidays(1985).some((h) => h.name.includes('King')));
  assert.equal(usFederalHolidays(1986).find((h) => h.name.includes('King'))!.date, '1986-01-20');
  assert.equal(usFederalHolidays(1975).find((h) => h.name === 'Veterans Day')!.date, '1975-10-27');
  const v1978 = usFederalHolidays(1978).find((h) => h.name === 'Veterans Day')!;
  assert.deepEqual([v1978.actual, v1978.date], ['1978-11-11', '1978-11-10']); // a Saturday, observed Friday
  // Every year: 11 holidays (10 before 2021, 9 before 1986) give or take a New Year's moved into December.
  for (let y = 1990; y <= 2200; y++) {
    const n = usFederalHolidays(y).length;
    const base = y >= 2021 ? 11 : 10;
    assert.ok(n === base || n === base - 1 || n === base + 1, `${y}: ${n}`);
    for (const h of usFederalHolidays(y)) {
      assert.ok(h.date.startsWith(String(y)), `${y}: ${h.date}`);
      assert.ok(![0, 6].includes(dayOfWeek(h.date)), `${y}: ${h.name} observed on a weekend`);
    }
    // Thanksgiving is the fourth Thursday: between the 22nd and the 28th.
    const t = usFederalHolidays(y).find((h) => h.name === 'Thanksgiving Day')!.date;
    assert.equal(dayOfWeek(t), 4);
    assert.ok(Number(t.slice(8)) >= 22 && Number(t.slice(8)) <= 28);
    // Memorial Day is the last Monday of May.
    const m = usFederalHolidays(y).find((h) => h.name === 'Memorial Day')!.date;
    assert.equal(dayOfWeek(m), 1);
    assert.ok(Number(m.slice(8)) >= 25);
  }
  assert.throws(() => usFederalHolidays(1970), /1971–9999/);
  assert.throws(() => usFederalHolidays(2026.5), RangeError);
  assert.deepEqual(usFederalHolidayDates(2026, 2027), [...OPM[2026]!, ...OPM[2027]!]);
});

test('business days: weekends, federal holidays, configured holidays', () => {
  assert.ok(isBusinessDay('2026-01-02', US)); // Friday after New Year's Day
  assert.ok(!isBusinessDay('2026-01-01', US)); // New Year's Day
  assert.ok(!isBusinessDay('2026-01-03', US)); // Saturday
  assert.ok(!isBusinessDay('2026-07-03', US)); // observed Independence Day
  assert.ok(isBusinessDay('2026-07-03', PLAIN));
  assert.ok(isHoliday('2026-07-03', US));
  assert.ok(!isHoliday('2026-07-04', US), 'the Saturday itself is a weekend day, not the day off');
  const company = createCalendar({ holidays: ['2026-12-24', '2026-12-26'] });
  assert.ok(!isBusinessDay('2026-12-24', company));
  assert.ok(isBusinessDay('2026-12-24', US));
  assert.ok(isHoliday('2026-12-26', company)); // a configured holiday on a Saturday is still a holiday
  assert.throws(() => isBusinessDay('2026-02-30', US), /not a date/);
});

test('addBusinessDays counts from the day after the start, skips weekends and holidays', () => {
  // Monday 2026-03-02: business day 1 is Tuesday.
  assert.equal(addBusinessDays('2026-03-02', 1, US), '2026-03-03');
  assert.equal(addBusinessDays('2026-03-02', 4, US), '2026-03-06');
  assert.equal(addBusinessDays('2026-03-02', 5, US), '2026-03-09');
  assert.equal(addBusinessDays('2026-03-02', 10, US), '2026-03-16');
  assert.equal(addBusinessDays('2026-03-02', 14, US), '2026-03-20');
  // From a weekend day, Monday is business day 1.
  assert.equal(addBusinessDays('2026-03-07', 1, US), '2026-03-09');
  assert.equal(addBusinessDays('2026-03-08', 1, US), '2026-03-09');
  // Zero: the start day itself, even when it is not a business day.
  assert.equal(addBusinessDays('2026-03-07', 0, US), '2026-03-07');
  // Backwards.
  assert.equal(addBusinessDays('2026-03-09', -1, US), '2026-03-06');
  assert.equal(addBusinessDays('2026-03-07', -1, US), '2026-03-06');
  assert.equal(addBusinessDays('2026-01-05', -1, US), '2026-01-02'); // over a weekend
  assert.equal(addBusinessDays('2026-01-02', -1, US), '2025-12-31'); // over New Year's Day
  // Memorial Day (2026-05-25) is skipped.
  assert.equal(addBusinessDays('2026-05-22', 1, US), '2026-05-26');
  assert.equal(addBusinessDays('2026-05-22', 1, PLAIN), '2026-05-25');
  assert.throws(() => addBusinessDays('2026-01-01', 1.5, US), /integer/);
  assert.throws(() => addBusinessDays('2026-01-01', 1e9, US), /integer between/);
});

test('deadlines across the year end: Christmas and New Year, including next year holidays without configuration', () => {
  // Friday 2026-12-18 + 10: Dec 21–24 (4), 25 off, 28–31 (8), Jan 1 off, Jan 4 (9), Jan 5 (10).
  assert.equal(addBusinessDays('2026-12-18', 10, US), '2027-01-05');
  assert.equal(addBusinessDays('2026-12-18', 10, PLAIN), '2027-01-01');
  // 2027: Christmas (Sat) observed Fri 24th, New Year 2028 (Sat) observed Fri 31st.
  assert.equal(addBusinessDays('2027-12-23', 1, US), '2027-12-27');
  assert.equal(addBusinessDays('2027-12-30', 1, US), '2028-01-03');
  assert.equal(businessDaysBetween('2027-12-23', '2028-01-03', US), 5); // 27, 28, 29, 30, Jan 3
  // A configured holiday in another year is honoured too.
  const c = createCalendar({ holidays: ['2027-01-04'] });
  assert.equal(addBusinessDays('2026-12-18', 10, c), '2027-01-06');
});

test('businessDaysBetween: (start, end], negative backwards, and the inverse of addBusinessDays', () => {
  assert.equal(businessDaysBetween('2026-03-02', '2026-03-02', US), 0);
  assert.equal(businessDaysBetween('2026-03-02', '2026-03-03', US), 1);
  assert.equal(businessDaysBetween('2026-03-06', '2026-03-09', US), 1); // Fri → Mon
  assert.equal(businessDaysBetween('2026-03-06', '2026-03-08', US), 0); // Fri → Sun
  assert.equal(businessDaysBetween('2026-03-09', '2026-03-06', US), -1);
  // The year 2026 has 261 weekdays, 11 of them federal holidays: 250 business days.
  assert.equal(businessDaysBetween('2025-12-31', '2026-12-31', US), 250);
  assert.equal(businessDaysBetween('2025-12-31', '2026-12-31', PLAIN), 261);
  // Inverse, exhaustively over two years of starts (weekends, holidays, year end) and counts.
  const starts: string[] = [];
  for (let d = '2026-11-20'; d <= '2027-01-20'; d = addDays(d, 1)) starts.push(d);
  for (const s of starts) {
    for (const n of [-15, -10, -3, -1, 0, 1, 2, 5, 10, 14, 30]) {
      const e = addBusinessDays(s, n, US);
      assert.equal(businessDaysBetween(s, e, US), n, `${s} ${n} → ${e}`);
      if (n !== 0) assert.ok(isBusinessDay(e, US), `${s} ${n} → ${e} must be a business day`);
    }
  }
  // Long spans agree with a day-by-day count.
  let slow = 0;
  for (let d = addDays('2024-01-01', 1); d <= '2031-06-30'; d = addDays(d, 1)) if (isBusinessDay(d, US)) slow++;
  assert.equal(businessDaysBetween('2024-01-01', '2031-06-30', US), slow);
  // Backwards the span is [2024-01-01, 2031-06-30): the start day out, the first day in.
  const bd = (d: string) => (isBusinessDay(d, US) ? 1 : 0);
  assert.equal(businessDaysBetween('2031-06-30', '2024-01-01', US), -(slow + bd('2024-01-01') - bd('2031-06-30')));
});

test('instants fall on the calendar day of the calendar time zone', () => {
  // Friday 23:30 in New York is Saturday in UTC: the day is Friday.
  const fridayNight = new Date('2026-03-07T04:30:00Z');
  assert.equal(localDate(fridayNight), '2026-03-06');
  assert.equal(localDate(fridayNight, 'UTC'), '2026-03-07');
  assert.equal(addBusinessDays(fridayNight, 1, US), '2026-03-09');
  const utcCal = createCalendar({ timeZone: 'UTC' });
  assert.equal(addBusinessDays(fridayNight, 1, utcCal), '2026-03-09'); // Saturday in UTC → Monday too
  // Thursday 23:30 New York: Thursday in New York, Friday in UTC.
  const thursdayNight = new Date('2026-03-06T04:30:00Z');
  assert.equal(addBusinessDays(thursdayNight, 1, US), '2026-03-06');
  assert.equal(addBusinessDays(thursdayNight, 1, utcCal), '2026-03-09');
  assert.equal(businessDaysBetween(thursdayNight, new Date('2026-03-09T15:00:00Z'), US), 2);
  assert.throws(() => localDate(new Date(NaN)), /invalid date/);
});

test('local midnight across DST changes (America/New_York) and where midnight does not exist', () => {
  // DST starts Sunday 2026-03-08 at 02:00: that day starts at 05:00Z (EST), the next at 04:00Z (EDT).
  assert.equal(startOfLocalDay('2026-03-08').toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-09').toISOString(), '2026-03-09T04:00:00.000Z');
  // DST ends Sunday 2026-11-01: that day starts in EDT, the next in EST.
  assert.equal(startOfLocalDay('2026-11-01').toISOString(), '2026-11-01T04:00:00.000Z');
  assert.equal(startOfLocalDay('2026-11-02').toISOString(), '2026-11-02T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-06-01', 'UTC').toISOString(), '2026-06-01T00:00:00.000Z');
  assert.equal(startOfLocalDay('2026-06-01', 'Asia/Kolkata').toISOString(), '2026-05-31T18:30:00.000Z');
  // Chile moved its clocks at midnight: 2022-09-11 00:00 did not exist, the day began at 01:00 (-03).
  const santiago = startOfLocalDay('2022-09-11', 'America/Santiago');
  assert.equal(santiago.toISOString(), '2022-09-11T04:00:00.000Z');
  assert.equal(localDate(new Date(santiago.getTime() - 1), 'America/Santiago'), '2022-09-10');
  // Every day of 2026 in several zones: the start is on the day and the millisecond before is not.
  for (const tz of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago']) {
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      const t = startOfLocalDay(d, tz);
      assert.equal(localDate(t, tz), d, `${tz} ${d}`);
      assert.equal(localDate(new Date(t.getTime() - 1), tz), addDays(d, -1), `${tz} ${d}`);
    }
  }
});

test('afterBusinessDays: local midnight at the end of the n-th business day, DST-aware', () => {
  // Received Monday 2026-02-23 10:00 EST; 10th business day is Monday 2026-03-09 (DST began
  // on the 8th), so the period is over at local midnight of Tuesday the 10th = 04:00Z.
  const received = new Date('2026-02-23T15:00:00Z');
  assert.equal(afterBusinessDays(received, 10, US).toISOString(), '2026-03-10T04:00:00.000Z');
  // Received Friday 2026-10-23 in EDT; 10th business day is Friday 2026-11-06 (after DST ended).
  assert.equal(afterBusinessDays(new Date('2026-10-23T14:00:00Z'), 10, US).toISOString(), '2026-11-07T05:00:00.000Z');
  // The time of day of receipt does not matter: 00:01 and 23:59 give the same end.
  const early = afterBusinessDays(new Date('2026-03-02T05:01:00Z'), 10, US);
  const late = afterBusinessDays(new Date('2026-03-03T04:59:00Z'), 10, US);
  assert.deepEqual(early, late);
  assert.throws(() => afterBusinessDays(received, -1, US), /negative/);
});
