// What the reader is looking at, kept in the URL so that a view can be shared.
import type { IssueCategory, IssueStatus } from "../gql/graphql";
import { isIsoDate } from "./dates";
import { CATEGORIES, STATUSES } from "./vocabulary";

export type Grouping = "status" | "category";

export type View = {
  relationship: string;
  group: Grouping;
  statuses: IssueStatus[];
  categories: IssueCategory[];
  raisedBy: string;
  search: string;
  asOf: string | null;
  issue: string | null;
};

export const DEFAULT_RELATIONSHIP = "india-china";

function listOf<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  const wanted = new Set((raw ?? "").split(",").map((part) => part.trim().toUpperCase()));
  return allowed.filter((value) => wanted.has(value));
}

export function viewFromUrl(search: string): View {
  const params = new URLSearchParams(search);
  const asOf = params.get("asOf");
  return {
    relationship: params.get("relationship") || DEFAULT_RELATIONSHIP,
    group: params.get("group") === "category" ? "category" : "status",
    statuses: listOf(params.get("status"), STATUSES),
    categories: listOf(params.get("category"), CATEGORIES),
    raisedBy: (params.get("raisedBy") ?? "").toUpperCase().slice(0, 2),
    search: (params.get("q") ?? "").slice(0, 200),
    asOf: isIsoDate(asOf) ? asOf : null,
    issue: params.get("issue"),
  };
}

export function urlOf(view: View): string {
  const params = new URLSearchParams();
  if (view.relationship !== DEFAULT_RELATIONSHIP) params.set("relationship", view.relationship);
  if (view.group !== "status") params.set("group", view.group);
  if (view.statuses.length) params.set("status", view.statuses.join(","));
  if (view.categories.length) params.set("category", view.categories.join(","));
  if (view.raisedBy) params.set("raisedBy", view.raisedBy);
  if (view.search) params.set("q", view.search);
  if (view.asOf) params.set("asOf", view.asOf);
  if (view.issue) params.set("issue", view.issue);
  const query = params.toString().replaceAll("%2C", ",");
  return query ? `/?${query}` : "/";
}

/** The link to one issue's timeline (what feeds and shared links point at). */
export function issueUrl(view: View, slug: string): string {
  return urlOf({ ...view, issue: slug });
}
