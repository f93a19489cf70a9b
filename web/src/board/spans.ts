// An issue's history as spans of one status each: what the timeline draws and
// what "standing for" counts from.
import type { IssueStatus } from "../gql/graphql";
import { dayNumber } from "./dates";

export type Span = {
  status: IssueStatus;
  from: string;
  until: string | null;
  days: number;
};

type Dated = {
  status: IssueStatus;
  occurredOn: { date: string };
  retractedAt?: string | null;
};

/** Spans from updates in history order (retracted ones skipped), up to `lastDay`. */
export function spansOf(updates: readonly Dated[], lastDay: string): Span[] {
  const spans: Span[] = [];
  for (const update of updates) {
    if (update.retractedAt) continue;
    const current = spans.at(-1);
    if (current?.status === update.status) continue;
    if (current) current.until = update.occurredOn.date;
    spans.push({ status: update.status, from: update.occurredOn.date, until: null, days: 0 });
  }
  for (const span of spans) {
    span.days = dayNumber(span.until ?? lastDay) - dayNumber(span.from);
  }
  return spans;
}
