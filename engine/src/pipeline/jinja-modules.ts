import nunjucks from 'nunjucks';
import { callArgs } from './jinja-adapter.ts';

/*
 * dbt's `modules` in templates: `modules.datetime` (dates, datetimes and timedeltas, with Python's arithmetic on them)
 * and `modules.re` (Python's regular expressions, which JavaScript's read the same way for what templates write).
 * Times are the `rat` process's local time, as Python's `datetime.now()`.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Python's `timedelta`: a duration in whole days and seconds (`days`, `seconds`, `total_seconds()`). */
export class PyTimedelta {
  constructor(readonly ms: number) {}
  get days(): number {
    return Math.floor(this.ms / DAY_MS);
  }
  get seconds(): number {
    return Math.floor((this.ms - this.days * DAY_MS) / 1000);
  }
  total_seconds(): number {
    return this.ms / 1000;
  }
  toString(): string {
    const s = Math.floor((this.ms - this.days * DAY_MS) / 1000);
    const time = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${time}` : time;
  }
  get [Symbol.toStringTag](): string {
    return 'timedelta';
  }
}

/** Python's `datetime` (and `date`, `withTime` false): local time, to the millisecond. */
export class PyDateTime {
  constructor(
    readonly at: Date,
    readonly withTime: boolean,
  ) {}
  get year(): number {
    return this.at.getFullYear();
  }
  get month(): number {
    return this.at.getMonth() + 1;
  }
  get day(): number {
    return this.at.getDate();
  }
  get hour(): number {
    return this.at.getHours();
  }
  get minute(): number {
    return this.at.getMinutes();
  }
  get second(): number {
    return this.at.getSeconds();
  }
  /** Monday is 0, as Python's. */
  weekday(): number {
    return (this.at.getDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  date(): PyDateTime {
    return new PyDateTime(new Date(this.year, this.month - 1, this.day), false);
  }
  replace(...args: unknown[]): PyDateTime {
    const a = callArgs(args, ['year', 'month', 'day', 'hour', 'minute', 'second']);
    const n = (k: string, v: number) => (a[k] === undefined ? v : Number(a[k]));
    const d = new Date(n('year', this.year), n('month', this.month) - 1, n('day', this.day));
    if (this.withTime) d.setHours(n('hour', this.hour), n('minute', this.minute), n('second', this.second));
    return new PyDateTime(d, this.withTime);
  }
  isoformat(sep = 'T'): string {
    const date = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
    return this.withTime ? `${date}${sep}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}` : date;
  }
  /** Python's `strftime` for the directives templates use (%Y %m %d %H %M %S %y %j %A %a %B %b %%). */
  strftime(format: string): string {
    const start = new Date(this.year, 0, 1);
    const directives: Record<string, () => string> = {
      Y: () => pad(this.year, 4),
      y: () => pad(this.year % 100),
      m: () => pad(this.month),
      d: () => pad(this.day),
      H: () => pad(this.hour),
      M: () => pad(this.minute),
      S: () => pad(this.second),
      j: () => pad(Math.round((this.date().at.getTime() - start.getTime()) / DAY_MS) + 1, 3),
      A: () => WEEKDAYS[this.weekday()]!,
      a: () => WEEKDAYS[this.weekday()]!.slice(0, 3),
      B: () => MONTHS[this.month - 1]!,
      b: () => MONTHS[this.month - 1]!.slice(0, 3),
      '%': () => '%',
    };
    return String(format).replace(/%(.)/g, (all, d: string) => directives[d]?.() ?? all);
  }
  toString(): string {
    return this.isoformat(' ');
  }
  /** Ordered comparisons (`<`, `>=`) compare the instants. */
  valueOf(): number {
    return this.at.getTime();
  }
  get [Symbol.toStringTag](): string {
    return this.withTime ? 'datetime' : 'date';
  }
}

/**
 * Python's `+` and `-` where a date or a timedelta is an operand (a date plus a duration, the duration between two
 * dates); `undefined` for any other operands (the template's own `+` / `-` apply).
 *
 * @example dateArithmetic('-', today, new PyTimedelta(86_400_000)) // yesterday
 */
export function dateArithmetic(op: '+' | '-', a: unknown, b: unknown): unknown {
  const shift = (d: PyDateTime, ms: number) => {
    const at = new Date(d.at.getTime());
    // Whole days move the calendar day (as Python's, whatever the local clock's changes).
    const days = Math.trunc(ms / DAY_MS);
    at.setDate(at.getDate() + days);
    return new PyDateTime(new Date(at.getTime() + (ms - days * DAY_MS)), d.withTime);
  };
  if (a instanceof PyDateTime && b instanceof PyTimedelta) return shift(a, op === '+' ? b.ms : -b.ms);
  if (op === '+' && a instanceof PyTimedelta && b instanceof PyDateTime) return shift(b, a.ms);
  if (a instanceof PyTimedelta && b instanceof PyTimedelta)
    return new PyTimedelta(op === '+' ? a.ms + b.ms : a.ms - b.ms);
  if (op === '-' && a instanceof PyDateTime && b instanceof PyDateTime) {
    const days = Math.round((a.date().at.getTime() - b.date().at.getTime()) / DAY_MS);
    const within = a.at.getTime() - a.date().at.getTime() - (b.at.getTime() - b.date().at.getTime());
    return new PyTimedelta(days * DAY_MS + within);
  }
  return undefined;
}

/** A regular expression match, as Python's: `group(n)`, `groups()`, `start()`, `end()`. */
class PyMatch {
  constructor(private readonly m: RegExpExecArray) {}
  group(n = 0): string | null {
    return this.m[n] ?? null;
  }
  groups(): (string | null)[] {
    return this.m.slice(1).map((g) => g ?? null);
  }
  start(): number {
    return this.m.index;
  }
  end(): number {
    return this.m.index + this.m[0].length;
  }
  get [Symbol.toStringTag](): string {
    return 're.Match';
  }
}

const regex = (pattern: unknown, flags = '') => new RegExp(String(pattern), flags);
/** Python's replacement text (`\1`, `\g<1>`) as JavaScript's (`$1`). */
const replacement = (repl: unknown) =>
  String(repl)
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>|\\(\d+)/g, (_, a: string | undefined, b: string | undefined) => `$${a ?? b}`);

/** The `modules` object of dbt's templates. */
export const MODULES = {
  datetime: {
    datetime: Object.assign(
      (...args: unknown[]) => {
        const a = callArgs(args, ['year', 'month', 'day', 'hour', 'minute', 'second']);
        const n = (k: string) => Number(a[k] ?? 0);
        return new PyDateTime(new Date(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')), true);
      },
      {
        now: () => new PyDateTime(new Date(), true),
        utcnow: () => {
          const d = new Date();
          return new PyDateTime(new Date(d.getTime() + d.getTimezoneOffset() * 60_000), true);
        },
        fromisoformat: (s: unknown) => new PyDateTime(new Date(String(s).replace(' ', 'T')), true),
      },
    ),
    date: Object.assign(
      (year: unknown, month: unknown, day: unknown) =>
        new PyDateTime(new Date(Number(year), Number(month) - 1, Number(day)), false),
      {
        today: () => new PyDateTime(new Date(), true).date(),
        fromisoformat: (s: unknown) => {
          const [y, m, d] = String(s).split('-').map(Number);
          return new PyDateTime(new Date(y!, m! - 1, d!), false);
        },
      },
    ),
    timedelta: (...args: unknown[]) => {
      const a = callArgs(args, ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks']);
      const n = (k: string) => Number(a[k] ?? 0);
      const ms =
        (n('weeks') * 7 + n('days')) * DAY_MS +
        (n('hours') * 3600 + n('minutes') * 60 + n('seconds')) * 1000 +
        n('milliseconds') +
        n('microseconds') / 1000;
      return new PyTimedelta(ms);
    },
  },
  re: {
    match: (p: unknown, s: unknown) => {
      const m = regex(`^(?:${String(p)})`).exec(String(s));
      return m ? new PyMatch(m) : null;
    },
    search: (p: unknown, s: unknown) => {
      const m = regex(p).exec(String(s));
      return m ? new PyMatch(m) : null;
    },
    fullmatch: (p: unknown, s: unknown) => {
      const m = regex(`^(?:${String(p)})$`).exec(String(s));
      return m ? new PyMatch(m) : null;
    },
    findall: (p: unknown, s: unknown) =>
      [...String(s).matchAll(regex(p, 'g'))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0]))),
    sub: (...args: unknown[]) => {
      const a = callArgs(args, ['pattern', 'repl', 'string', 'count']);
      const count = Number(a.count ?? 0);
      let done = 0;
      const repl = replacement(a.repl);
      return String(a.string).replace(regex(a.pattern, 'g'), (...m: unknown[]) => {
        if (count > 0 && done >= count) return String(m[0]);
        done++;
        return String(m[0]).replace(regex(a.pattern), repl);
      });
    },
    split: (p: unknown, s: unknown) => String(s).split(regex(p)),
    escape: (s: unknown) => String(s).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'),
  },
};

type MemberLookup = ((obj: unknown, val: unknown, ...rest: unknown[]) => unknown) & { callableNamespaces?: true };

/**
 * Lets a template reach the members of a function that has them (`modules.datetime.date.today()`, where `date` is
 * also called): nunjucks hands a function member out as a bound copy without them (once per process).
 */
export function installCallableNamespaces(): void {
  const runtime = (nunjucks as unknown as { runtime: { memberLookup: MemberLookup } }).runtime;
  if (runtime.memberLookup.callableNamespaces) return;
  const inner = runtime.memberLookup;
  const lookup: MemberLookup = function (this: unknown, obj, val, ...rest) {
    const found = inner.call(this, obj, val, ...rest);
    const own = obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[val as string] : undefined;
    return typeof found === 'function' && typeof own === 'function' && Object.keys(own).length
      ? Object.assign(found, own)
      : found;
  };
  lookup.callableNamespaces = true;
  runtime.memberLookup = lookup;
}
