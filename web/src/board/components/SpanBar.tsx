import type { IssueStatus } from "../../gql/graphql";
import { dayNumber, duration, isoDate, longDate, partialDate } from "../dates";
import type { SpanFieldsFragment as Span } from "../../gql/graphql";
import { STATUS_LABELS, statusClass } from "../vocabulary";

type Mark = { day: string; label: string };

type Props = {
  spans: readonly Span[];
  updates: readonly (Mark & { status: IssueStatus })[];
  meetings: readonly Mark[];
  end: string;
};

const WIDTH = 1000;

/** An issue's statuses drawn over time: one coloured band per span, a tick per
 *  update above it and a diamond per meeting below, years along the bottom. */
export function SpanBar({ spans, updates, meetings, end }: Props) {
  if (spans.length === 0) return <p class="muted">No status yet.</p>;
  const start = dayNumber(spans[0].from);
  const last = Math.max(dayNumber(end), start + 1);
  const x = (day: string) => ((dayNumber(day) - start) / (last - start)) * WIDTH;
  const years = yearsBetween(start, last);
  const summary = spans
    .map((s) => `${STATUS_LABELS[s.status]} from ${longDate(s.from)} for ${duration(s.days)}`)
    .join("; ");
  return (
    <figure class="span-bar">
      <svg viewBox={`0 0 ${WIDTH} 64`} preserveAspectRatio="none" role="img" aria-label={summary}>
        {spans.map((span) => (
          <rect
            key={span.from}
            class={`band ${statusClass(span.status)}`}
            x={x(span.from)}
            y={16}
            width={Math.max(x(span.until ?? end) - x(span.from), 2)}
            height={28}
          >
            <title>
              {STATUS_LABELS[span.status]}: {longDate(span.from)} –{" "}
              {span.until ? longDate(span.until) : "now"} ({duration(span.days)})
            </title>
          </rect>
        ))}
        {updates.map((u, index) => (
          <rect key={`u${index}`} class="tick" x={x(u.day) - 1} y={4} width={2} height={10}>
            <title>{`${partialDate(u.label)}: ${STATUS_LABELS[u.status]}`}</title>
          </rect>
        ))}
        {meetings.map((m, index) => (
          <rect key={`m${index}`} class="meeting-mark" x={x(m.day) - 3} y={50} width={6} height={10}>
            <title>{`Meeting, ${partialDate(m.label)}`}</title>
          </rect>
        ))}
      </svg>
      <div class="span-axis" aria-hidden="true">
        {years.map((year) => (
          <span key={year} style={{ left: `${(x(`${year}-01-01`) / WIDTH) * 100}%` }}>
            {year}
          </span>
        ))}
      </div>
      <figcaption class="span-legend">
        {spans.map((span) => (
          <span key={span.from} class="legend-item">
            <span class={statusClass(span.status)}>
              <span class="status-dot" aria-hidden="true" />
              {STATUS_LABELS[span.status]}
            </span>{" "}
            {partialYear(span.from)}–{span.until ? partialYear(span.until) : "now"} · {duration(span.days)}
          </span>
        ))}
        <span class="legend-item muted">Ticks above the bar: updates; below it: meetings.</span>
      </figcaption>
    </figure>
  );
}

function partialYear(day: string): string {
  return day.slice(0, 7);
}

/** The years whose first day falls inside the bar, thinned to at most eight labels. */
function yearsBetween(start: number, last: number): number[] {
  const first = Number(isoDate(start).slice(0, 4)) + 1;
  const final = Number(isoDate(last).slice(0, 4));
  const all = Array.from({ length: Math.max(final - first + 1, 0) }, (_, i) => first + i);
  const step = Math.ceil(all.length / 8) || 1;
  return all.filter((_, i) => i % step === 0);
}
