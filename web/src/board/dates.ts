// Days as whole numbers (days since 1970-01-01, UTC), so the slider, the spans and
// the durations never meet a time zone.
const DAY_MS = 86_400_000;

export function dayNumber(isoDate: string): number {
  const [year, month, day] = isoDate.split("-").map(Number);
  return Math.round(Date.UTC(year, (month ?? 1) - 1, day ?? 1) / DAY_MS);
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Today in the reader's own calendar. */
export function today(): string {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

export function isIsoDate(text: string | null): text is string {
  return text !== null && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(dayNumber(text));
}

const LONG = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});
const MONTH = new Intl.DateTimeFormat("en-GB", {
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** "27 January 2025" for a day. */
export function longDate(iso: string): string {
  return LONG.format(new Date(dayNumber(iso) * DAY_MS));
}

/** A partial date as precisely as it is known: "27 Jan 2025", "November 2024", "2021". */
export function partialDate(text: string): string {
  if (/^\d{4}$/.test(text)) return text;
  if (/^\d{4}-\d{2}$/.test(text)) return MONTH.format(new Date(dayNumber(`${text}-01`) * DAY_MS));
  return longDate(text);
}

/** "3 years 2 months", "5 months", "12 days": how long something has stood. */
export function duration(days: number): string {
  if (days < 1) return "less than a day";
  if (days < 60) return plural(days, "day");
  const months = Math.floor(days / 30.4375);
  if (months < 24) return plural(months, "month");
  const years = Math.floor(months / 12);
  const rest = months % 12;
  return rest ? `${plural(years, "year")} ${plural(rest, "month")}` : plural(years, "year");
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}
