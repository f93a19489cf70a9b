import type { IssueStatus } from "../../gql/graphql";
import type { Card } from "../board";
import { duration, longDate, partialDate } from "../dates";
import { CATEGORY_LABELS, countryName } from "../vocabulary";
import { SourceLink } from "./Source";
import { StatusPill } from "./StatusPill";

type Props = {
  card: Card;
  href: string;
  day: string;
  timeTravel: boolean;
  fresh: boolean;
  onOpen: (slug: string) => void;
};

/** The status an issue shows on the board: as of the slider's day, or now. */
export function shownStatus(card: Card, timeTravel: boolean): IssueStatus | null | undefined {
  return timeTravel ? card.statusAsOf : card.status;
}

export function IssueCard({ card, href, day, timeTravel, fresh, onOpen }: Props) {
  const status = shownStatus(card, timeTravel);
  const latest = card.latestUpdate;
  // In time travel the board hands in the latest update by that day, if it has it.
  const shownUpdate = latest && latest.occurredOn.date <= day ? latest : null;
  const standing = card.statusSpans?.at(-1);
  return (
    <article class={`card${fresh ? " card-fresh" : ""}`} data-slug={card.slug} data-status={status ?? ""}>
      <header class="card-head">
        <StatusPill status={status} />
        <span class="card-category">{CATEGORY_LABELS[card.category]}</span>
      </header>
      <h3 class="card-title">
        <a
          href={href}
          class="card-link"
          onClick={(event) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
            event.preventDefault();
            onOpen(card.slug);
          }}
        >
          {card.title}
        </a>
      </h3>
      <p class="card-meta">
        {standing && standing.status === status ? (
          <>
            At this status for <strong>{duration(standing.days)}</strong>
            <span class="visually-hidden">, since {longDate(standing.from)}</span>
          </>
        ) : (
          <>Raised by {card.raisedBy.map(countryName).join(" and ") || "—"}</>
        )}
      </p>
      {shownUpdate ? (
        <div class="card-update">
          <p class="card-note">{shownUpdate.note}</p>
          <p class="card-source">
            <time dateTime={shownUpdate.occurredOn.date}>{partialDate(shownUpdate.occurredOn.text)}</time>
            {" · "}
            <SourceLink source={shownUpdate.source} />
          </p>
        </div>
      ) : (
        <div class="card-update">
          <p class="card-note muted">
            {timeTravel ? "Its last update by this day is older than the board shows." : "No update yet."}
          </p>
        </div>
      )}
    </article>
  );
}
