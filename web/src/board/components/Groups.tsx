import type { IssueCategory, IssueStatus } from "../../gql/graphql";
import type { Grouping } from "../view";
import { CATEGORIES, CATEGORY_LABELS, STATUSES, STATUS_LABELS, statusClass } from "../vocabulary";
import type { Card } from "../board";
import { IssueCard, shownStatus } from "./IssueCard";

type Props = {
  cards: readonly Card[];
  group: Grouping;
  day: string;
  timeTravel: boolean;
  fresh: ReadonlySet<string>;
  hrefOf: (slug: string) => string;
  onOpen: (slug: string) => void;
};

type Group = { key: string; title: string; status?: IssueStatus; cards: Card[] };

function groupsOf(cards: readonly Card[], group: Grouping, timeTravel: boolean): Group[] {
  if (group === "category") {
    return CATEGORIES.map((category: IssueCategory) => ({
      key: category,
      title: CATEGORY_LABELS[category],
      cards: cards.filter((card) => card.category === category),
    })).filter((g) => g.cards.length > 0);
  }
  return STATUSES.map((status) => ({
    key: status,
    title: STATUS_LABELS[status],
    status,
    cards: cards.filter((card) => shownStatus(card, timeTravel) === status),
  })).filter((g) => g.cards.length > 0);
}

/** The board itself: one section per status (or category), a grid of cards in each. */
export function Groups({ cards, group, day, timeTravel, fresh, hrefOf, onOpen }: Props) {
  const groups = groupsOf(cards, group, timeTravel);
  if (groups.length === 0) {
    return <p class="empty">No issue matches these filters{timeTravel ? " on this day" : ""}.</p>;
  }
  return (
    <>
      {groups.map((g) => (
        <section class="group" key={g.key} aria-labelledby={`group-${g.key}`}>
          <h2 id={`group-${g.key}`} class="group-title">
            {g.status ? (
              <span class={statusClass(g.status)} aria-hidden="true">
                <span class="status-dot" />
              </span>
            ) : null}
            {g.title} <span class="group-count">{g.cards.length}</span>
          </h2>
          <div class="cards">
            {g.cards.map((card) => (
              <IssueCard
                key={card.id}
                card={card}
                href={hrefOf(card.slug)}
                day={day}
                timeTravel={timeTravel}
                fresh={fresh.has(card.id)}
                onOpen={onOpen}
              />
            ))}
          </div>
        </section>
      ))}
    </>
  );
}
