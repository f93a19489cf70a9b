// The words the board shows for the schema's enums, in the order it shows them.
import type { IssueCategory, IssueStatus } from "../gql/graphql";

export const STATUSES: readonly IssueStatus[] = [
  "PROPOSED",
  "UNDER_DISCUSSION",
  "AGREED_IN_PRINCIPLE",
  "IN_PROGRESS",
  "RESOLVED",
  "SUSPENDED",
  "STALLED",
];

export const STATUS_LABELS: Record<IssueStatus, string> = {
  PROPOSED: "Proposed",
  UNDER_DISCUSSION: "Under discussion",
  AGREED_IN_PRINCIPLE: "Agreed in principle",
  IN_PROGRESS: "In progress",
  RESOLVED: "Resolved",
  SUSPENDED: "Suspended",
  STALLED: "Stalled",
};

export const CATEGORIES: readonly IssueCategory[] = [
  "BORDER",
  "CONNECTIVITY",
  "VISAS",
  "TECHNOLOGY",
  "PILGRIMAGE",
  "WATER",
  "TRADE",
  "CULTURE",
  "MEDIA",
];

export const CATEGORY_LABELS: Record<IssueCategory, string> = {
  BORDER: "Border",
  CONNECTIVITY: "Connectivity",
  VISAS: "Visas",
  TECHNOLOGY: "Technology",
  PILGRIMAGE: "Pilgrimage",
  WATER: "Water",
  TRADE: "Trade",
  CULTURE: "Culture",
  MEDIA: "Media",
};

const COUNTRY_NAMES: Record<string, string> = { IN: "India", CN: "China" };

export function countryName(code: string): string {
  return COUNTRY_NAMES[code] ?? code;
}

/** The CSS class that colours a status (see style.css; every pair passes WCAG AA). */
export function statusClass(status: IssueStatus | null | undefined): string {
  return `status status-${(status ?? "none").toLowerCase().replaceAll("_", "-")}`;
}
