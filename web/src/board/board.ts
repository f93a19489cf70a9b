// The board's data: every issue of a view with the figures around it.
import type { BoardQuery, CardFieldsFragment, IssueStatus, SpanFieldsFragment } from "../gql/graphql";
import { query } from "./api";
import { today } from "./dates";
import { BOARD_QUERY } from "./operations";
import type { View } from "./view";

const PAGES = 10;

/** One issue as a card shows it. */
export type Card = CardFieldsFragment & {
  statusAsOf?: IssueStatus | null;
  /** Its time in each status (as of the board's day); the last is where it stands. */
  statusSpans?: SpanFieldsFragment[];
};

export type Board = {
  relationship: NonNullable<BoardQuery["relationship"]> | null;
  cards: Card[];
  counts: BoardQuery["statusCounts"];
  newestUpdate: string | null;
  newestPosition: string | null;
  firstDay: string;
};

/** Every issue of the view, page after page (at most PAGES × 100). */
export async function loadBoard(view: View, stale: () => boolean): Promise<Board> {
  const day = view.asOf ?? today();
  const filter = {
    relationship: view.relationship,
    status: view.statuses.length ? view.statuses : null,
    category: view.categories.length ? view.categories : null,
    raisedBy: view.raisedBy || null,
    search: view.search.trim() || null,
    asOf: view.asOf,
  };
  const variables = {
    relationship: view.relationship,
    filter,
    day,
    asOf: view.asOf,
    timeTravel: view.asOf !== null,
  };
  let data = await query(BOARD_QUERY, { ...variables, after: null });
  const cards: Card[] = [...data.issues.nodes];
  const first = data;
  for (let page = 1; page < PAGES && data.issues.pageInfo.hasNextPage && !stale(); page += 1) {
    data = await query(BOARD_QUERY, { ...variables, after: data.issues.pageInfo.endCursor });
    cards.push(...data.issues.nodes);
  }
  return {
    relationship: first.relationship ?? null,
    cards: first.past ? asOfDay(cards, first.past.nodes) : cards,
    counts: first.statusCounts,
    newestUpdate: first.newest.nodes[0]?.id ?? null,
    newestPosition: first.newestPosition.nodes[0]?.id ?? null,
    firstDay: first.oldest.nodes[0]?.occurredOn.date ?? today(),
  };
}

/** Cards whose latest update is the latest by the day looked at (newest first in
 *  `past`), or none when it lies further back than the list reaches. */
function asOfDay(cards: Card[], past: NonNullable<BoardQuery["past"]>["nodes"]): Card[] {
  const latest = new Map<string, (typeof past)[number]>();
  for (const update of past) if (!latest.has(update.issue.id)) latest.set(update.issue.id, update);
  return cards.map((card) => ({ ...card, latestUpdate: latest.get(card.id) ?? null }));
}
