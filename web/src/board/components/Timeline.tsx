import { useEffect, useRef, useState } from "preact/hooks";

import type { IssueTimelineQuery, UpdateFieldsFragment } from "../../gql/graphql";
import { query } from "../api";
import { longDate, partialDate, today } from "../dates";
import { ISSUE_QUERY } from "../operations";
import { CATEGORY_LABELS, STATUS_LABELS, countryName } from "../vocabulary";
import { SpanBar } from "./SpanBar";
import { SourceLink } from "./Source";
import { StatusPill } from "./StatusPill";

type Issue = NonNullable<NonNullable<IssueTimelineQuery["relationship"]>["issue"]>;

type Props = {
  relationship: string;
  slug: string;
  asOf: string | null;
  /** Moves on with every live event, so an open timeline shows it too. */
  revision: number;
  onClose: () => void;
};

/** One issue's history in a modal dialog: the picture, then every fact behind it. */
export function Timeline({ relationship, slug, asOf, revision, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [issue, setIssue] = useState<Issue | null | undefined>(undefined);
  const [countries, setCountries] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  useEffect(() => {
    let stale = false;
    query(ISSUE_QUERY, { relationship, slug, asOf })
      .then((data) => {
        if (stale) return;
        setIssue(data.relationship?.issue ?? null);
        setCountries(data.relationship?.countries ?? []);
      })
      .catch((error: Error) => {
        if (!stale) setFailure(error.message);
      });
    return () => {
      stale = true;
    };
  }, [relationship, slug, asOf, revision]);

  return (
    <dialog
      ref={dialog}
      class="timeline"
      aria-labelledby="timeline-title"
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialog.current) dialog.current?.close();
      }}
    >
      <div class="timeline-inner">
        <header class="timeline-head">
          <h2 id="timeline-title">{issue?.title ?? (issue === null ? "No such issue" : "Loading…")}</h2>
          <button type="button" class="button-quiet close" onClick={() => dialog.current?.close()}>
            Close<span class="visually-hidden"> the timeline</span>
          </button>
        </header>
        {failure ? (
          <p class="error" role="alert">
            {failure}
          </p>
        ) : null}
        {issue ? (
          <IssueHistory issue={issue} countries={countries} asOf={asOf} relationship={relationship} />
        ) : null}
      </div>
    </dialog>
  );
}

function IssueHistory({
  issue,
  countries,
  asOf,
  relationship,
}: {
  issue: Issue;
  countries: string[];
  asOf: string | null;
  relationship: string;
}) {
  const end = asOf ?? today();
  const updates = issue.updates.nodes;
  const live = updates.filter((u) => !u.retractedAt && u.occurredOn.date <= end);
  const spans = issue.statusSpans;
  const meetings = issue.meetings.nodes;
  return (
    <>
      <p class="timeline-meta">
        <StatusPill status={issue.status} /> <span>{CATEGORY_LABELS[issue.category]}</span>
        <span>Raised by {issue.raisedBy.map(countryName).join(" and ") || "—"}</span>
        <a href={`/feeds/${relationship}/${issue.slug}.atom`} class="feed-link">
          Atom feed<span class="visually-hidden"> of this issue</span>
        </a>
      </p>
      {issue.summary ? <p class="timeline-summary">{issue.summary}</p> : null}
      <SpanBar
        spans={spans}
        end={end}
        updates={live.map((u) => ({ day: u.occurredOn.date, label: u.occurredOn.text, status: u.status }))}
        meetings={meetings
          .filter((m) => m.heldOn.date <= end)
          .map((m) => ({ day: m.heldOn.date, label: m.heldOn.text }))}
      />
      {asOf ? <p class="notice">Drawn as of {longDate(asOf)}; the lists below hold everything.</p> : null}
      <div class="timeline-columns">
        <section aria-labelledby="updates-title">
          <h3 id="updates-title">Updates</h3>
          <ol class="updates" reversed>
            {[...updates].reverse().map((update) => (
              <UpdateItem key={update.id} update={update} />
            ))}
          </ol>
        </section>
        <div>
          <Positions countries={countries} positions={issue.positions.nodes} />
          <section aria-labelledby="meetings-title">
            <h3 id="meetings-title">Meetings that discussed it</h3>
            {meetings.length === 0 ? <p class="muted">None recorded.</p> : null}
            <ul class="meetings">
              {[...meetings].reverse().map((meeting) => (
                <li key={meeting.id}>
                  <time dateTime={meeting.heldOn.date}>{partialDate(meeting.heldOn.text)}</time>
                  <strong>{meeting.title}</strong>
                  {meeting.location ? <span class="muted"> · {meeting.location}</span> : null}
                  {meeting.summary ? <p>{meeting.summary}</p> : null}
                  {meeting.source ? <SourceLink source={meeting.source} /> : null}
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </>
  );
}

function UpdateItem({ update }: { update: UpdateFieldsFragment & { recordedBy: string } }) {
  const retracted = Boolean(update.retractedAt);
  return (
    <li class={`update${retracted ? " update-retracted" : ""}`} data-update={update.id}>
      <p class="update-head">
        <time dateTime={update.occurredOn.date}>{partialDate(update.occurredOn.text)}</time>
        <span>
          {update.previousStatus && update.previousStatus !== update.status
            ? `${STATUS_LABELS[update.previousStatus]} → `
            : ""}
          <strong>{STATUS_LABELS[update.status]}</strong>
        </span>
        <span class={update.verified ? "badge badge-verified" : "badge badge-unverified"}>
          {update.verified ? "Verified" : "Unverified"}
        </span>
      </p>
      <p class="update-note">{update.note}</p>
      <p class="update-source">
        <SourceLink source={update.source} />
        <span class="muted"> · recorded by {update.recordedBy}</span>
      </p>
      {retracted ? (
        <p class="retraction">Retracted{update.retractionReason ? `: ${update.retractionReason}` : ""}</p>
      ) : null}
    </li>
  );
}

type PositionItem = Issue["positions"]["nodes"][number];

/** What each side has said it wants, side by side, newest first. */
function Positions({ countries, positions }: { countries: string[]; positions: PositionItem[] }) {
  return (
    <section aria-labelledby="positions-title">
      <h3 id="positions-title">Stated positions</h3>
      {positions.length === 0 ? <p class="muted">None recorded for this issue yet.</p> : null}
      <div class="sides">
        {countries.map((country) => {
          const said = positions.filter((p) => p.country === country).reverse();
          if (said.length === 0) return null;
          return (
            <div class="side" key={country}>
              <h4>{countryName(country)}</h4>
              <ul class="positions">
                {said.map((position) => (
                  <PositionEntry key={position.id} position={position} />
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function PositionEntry({ position }: { position: PositionItem }) {
  const retracted = Boolean(position.retractedAt);
  return (
    <li class={`position${retracted ? " update-retracted" : ""}`} data-position={position.id}>
      <time dateTime={position.statedOn.date}>{partialDate(position.statedOn.text)}</time>
      <p class="update-note">
        <strong>{position.speaker}</strong>: {position.statement}
      </p>
      {position.quote ? <blockquote>“{position.quote}”</blockquote> : null}
      <p class="update-source">
        <SourceLink source={position.source} />{" "}
        <span class={position.verified ? "badge badge-verified" : "badge badge-unverified"}>
          {position.verified ? "Verified" : "Unverified"}
        </span>
      </p>
      {retracted ? (
        <p class="retraction">Retracted{position.retractionReason ? `: ${position.retractionReason}` : ""}</p>
      ) : null}
    </li>
  );
}
