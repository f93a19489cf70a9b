import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";

import type { BoardQuery, LivePositionsSubscription, LiveUpdatesSubscription } from "../../gql/graphql";
import { TokenRequiredError, lastServerTime, query, tokenStore } from "../api";
import { today } from "../dates";
import { LiveFeed, type LiveState, type Stream } from "../live";
import { BOARD_QUERY, LIVE_POSITIONS, LIVE_UPDATES } from "../operations";
import { type View, issueUrl, urlOf, viewFromUrl } from "../view";
import { Controls } from "./Controls";
import { Groups } from "./Groups";
import type { Card } from "./IssueCard";
import { LiveIndicator } from "./LiveIndicator";
import { StatusCounts } from "./StatusCounts";
import { TimeSlider } from "./TimeSlider";
import { Timeline } from "./Timeline";
import { TokenForm } from "./TokenForm";

type Board = {
  relationship: NonNullable<BoardQuery["relationship"]> | null;
  cards: Card[];
  counts: BoardQuery["statusCounts"];
  newestUpdate: string | null;
  newestPosition: string | null;
  firstDay: string;
};

type LiveEvent = LiveUpdatesSubscription["statusUpdates"];
type PositionEvent = LivePositionsSubscription["positions"];

const TYPING_PAUSE_MS = 150;
const REFRESH_AFTER_EVENT_MS = 300;
const FRESH_FOR_MS = 6_000;
const PAGES = 10;
// The server's Date header counts whole seconds.
const CLOCK_GRAIN_MS = 1_000;

/** Every issue of the view, page after page (at most PAGES × 100). */
async function loadBoard(view: View, stale: () => boolean): Promise<Board> {
  const day = view.asOf ?? today();
  const filter = {
    relationship: view.relationship,
    status: view.statuses.length ? view.statuses : null,
    category: view.categories.length ? view.categories : null,
    raisedBy: view.raisedBy || null,
    search: view.search.trim() || null,
    asOf: view.asOf,
  };
  const variables = { relationship: view.relationship, filter, day, asOf: view.asOf, timeTravel: view.asOf !== null };
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

function setFeedLink(relationship: string, slug: string | null): void {
  document.querySelector("link[data-issue-feed]")?.remove();
  if (!slug) return;
  const link = document.createElement("link");
  link.rel = "alternate";
  link.type = "application/atom+xml";
  link.title = `Status updates and positions: ${slug}`;
  link.href = `/feeds/${relationship}/${slug}.atom`;
  link.dataset.issueFeed = "";
  document.head.append(link);
}

export function App({ publicRead }: { publicRead: boolean }) {
  const [view, setView] = useState<View>(() => viewFromUrl(window.location.search));
  const [board, setBoard] = useState<Board | null>(null);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  const [tokenAsk, setTokenAsk] = useState<string | null | false>(
    !publicRead && !tokenStore.get() ? null : false,
  );
  const [tokenVersion, setTokenVersion] = useState(0);
  const [live, setLive] = useState<LiveState>("connecting");
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [revision, setRevision] = useState(0);
  const [missed, setMissed] = useState(0);
  const viewRef = useRef(view);
  viewRef.current = view;

  const change = useCallback((next: Partial<View>, push = false) => {
    setView((current) => {
      const updated = { ...current, ...next };
      const url = urlOf(updated);
      if (push) window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
      return updated;
    });
  }, []);

  useEffect(() => {
    const onPop = () => setView(viewFromUrl(window.location.search));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const askForToken = useCallback((message: string | null) => {
    tokenStore.clear();
    setTokenAsk(message);
  }, []);

  const filterKey = JSON.stringify([view.relationship, view.statuses, view.categories, view.raisedBy, view.search, view.asOf]);
  useEffect(() => {
    if (tokenAsk !== false) return;
    // A load the view has moved past is left to finish and then ignored: an
    // aborted request would count as a failed one for no gain on a small answer.
    let stale = false;
    setLoading(true);
    const timer = window.setTimeout(() => {
      loadBoard(viewRef.current, () => stale)
        .then((loaded) => {
          if (stale) return;
          setBoard(loaded);
          setFailure(null);
          setLoading(false);
        })
        .catch((error: Error) => {
          if (stale) return;
          if (error instanceof TokenRequiredError) askForToken(error.message);
          else setFailure(error.message);
          setLoading(false);
        });
    }, revision === 0 && board === null ? 0 : TYPING_PAUSE_MS);
    return () => {
      window.clearTimeout(timer);
      stale = true;
    };
  }, [filterKey, revision, tokenVersion, tokenAsk]);

  const relationshipName = board?.relationship?.name;
  useEffect(() => {
    document.title = relationshipName ? `${relationshipName} issues · bilateral` : "bilateral";
  }, [relationshipName]);
  useEffect(() => setFeedLink(view.relationship, view.issue), [view.relationship, view.issue]);

  // The live feed starts once the board knows the newest update, and replays from it.
  const liveStart = board !== null;
  const startAfter = useRef<{ update: string | null; position: string | null } | null>(null);
  if (board && startAfter.current === null) {
    startAfter.current = { update: board.newestUpdate, position: board.newestPosition };
  }
  useEffect(() => {
    if (!liveStart || tokenAsk !== false) return;
    let refresh: number | null = null;
    const loadedAt = lastServerTime();
    // News lights its card up for a while and reloads the board (and an open
    // timeline) once a burst of events is over.
    const light = (issueId: string) => {
      setFresh((current) => new Set([...current, issueId]));
      window.setTimeout(() => {
        setFresh((current) => new Set([...current].filter((id) => id !== issueId)));
      }, FRESH_FOR_MS);
      if (refresh !== null) window.clearTimeout(refresh);
      refresh = window.setTimeout(() => setRevision((r) => r + 1), REFRESH_AFTER_EVENT_MS);
    };
    const updates: Stream<LiveUpdatesSubscription, LiveEvent> = {
      query: LIVE_UPDATES.toString(),
      variables: (after) => ({ relationship: viewRef.current.relationship, after }),
      eventOf: (data) => data.statusUpdates,
      idOf: (event) => event.id,
      after: startAfter.current?.update ?? null,
      onEvent: (event) => {
        // A replay after `after` brings back news the board already shows: it is
        // applied quietly; only what happened since the page loaded is news.
        const at = Date.parse(event.retractedAt ?? event.recordedAt);
        const news = at >= loadedAt - CLOCK_GRAIN_MS;
        if (viewRef.current.asOf) {
          if (news) setMissed((count) => count + 1);
          return;
        }
        const issue = event.issue;
        setBoard((current) =>
          current && {
            ...current,
            cards: current.cards.map((card) => (card.id === issue.id ? { ...card, ...issue } : card)),
          },
        );
        if (news) light(issue.id);
      },
    };
    // A new position changes no status: the card lights up, the lists reload.
    const positions: Stream<LivePositionsSubscription, PositionEvent> = {
      query: LIVE_POSITIONS.toString(),
      variables: (after) => ({ relationship: viewRef.current.relationship, after }),
      eventOf: (data) => data.positions,
      idOf: (event) => event.id,
      after: startAfter.current?.position ?? null,
      onEvent: (event) => {
        const at = Date.parse(event.retractedAt ?? event.recordedAt);
        if (at < loadedAt - CLOCK_GRAIN_MS) return;
        if (viewRef.current.asOf) setMissed((count) => count + 1);
        else light(event.issue.id);
      },
    };
    const feed = new LiveFeed([updates, positions], {
      token: () => tokenStore.get(),
      onState: setLive,
      onResync: () => setRevision((r) => r + 1),
      onTokenRefused: () => askForToken("The token was refused; paste another."),
    });
    feed.start();
    return () => {
      if (refresh !== null) window.clearTimeout(refresh);
      feed.stop();
    };
  }, [liveStart, view.relationship, tokenVersion, tokenAsk]);

  const day = view.asOf ?? today();
  const hrefOf = useCallback((slug: string) => issueUrl(view, slug), [view]);
  const countries = useMemo(() => board?.relationship?.countries ?? [], [board]);

  if (tokenAsk !== false) {
    return (
      <Shell live={null} relationship={view.relationship} name={relationshipName}>
        <TokenForm
          message={tokenAsk}
          onToken={(token) => {
            tokenStore.set(token);
            setTokenAsk(false);
            setTokenVersion((v) => v + 1);
          }}
        />
      </Shell>
    );
  }

  return (
    <Shell live={live} relationship={view.relationship} name={relationshipName}>
      <div class="toolbar">
        <Controls view={view} countries={countries} onChange={(next) => change(next)} />
        <TimeSlider
          first={board?.firstDay ?? "2020-01-01"}
          last={today()}
          asOf={view.asOf}
          onChange={(asOf) => {
            setMissed(0);
            change({ asOf });
          }}
        />
      </div>
      {view.asOf && missed > 0 ? (
        <p class="notice" role="status">
          {missed} new update{missed === 1 ? "" : "s"} since you went back in time.{" "}
          <button type="button" class="button-link" onClick={() => change({ asOf: null })}>
            Back to today
          </button>
        </p>
      ) : null}
      <StatusCounts counts={board?.counts ?? null} />
      {failure ? <p class="error" role="alert">The board could not be loaded: {failure}</p> : null}
      <div class={`board${loading ? " board-loading" : ""}`} aria-busy={loading} aria-live="polite">
        {board ? (
          <Groups
            cards={board.cards}
            group={view.group}
            day={day}
            timeTravel={view.asOf !== null}
            fresh={fresh}
            hrefOf={hrefOf}
            onOpen={(slug) => change({ issue: slug }, true)}
          />
        ) : (
          <Placeholder />
        )}
      </div>
      {view.issue ? (
        <Timeline
          key={view.issue}
          relationship={view.relationship}
          slug={view.issue}
          asOf={view.asOf}
          revision={revision}
          onClose={() => change({ issue: null }, true)}
        />
      ) : null}
    </Shell>
  );
}

function Placeholder() {
  return (
    <section class="group" aria-label="Loading the issues">
      <h2 class="group-title placeholder-text">Loading…</h2>
      <div class="cards">
        {Array.from({ length: 6 }, (_, i) => (
          <div class="card card-placeholder" key={i} aria-hidden="true" />
        ))}
      </div>
    </section>
  );
}

type ShellProps = {
  live: LiveState | null;
  relationship: string;
  name: string | undefined;
  children: ComponentChildren;
};

function Shell({ live, relationship, name, children }: ShellProps) {
  return (
    <>
      <a class="skip-link" href="#board">
        Skip to the issues
      </a>
      <header class="site-head">
        <div class="site-title">
          <h1>{name ?? "India–China"} tracker</h1>
          <p class="tagline">Where each open question between the two countries stands, with its dated, sourced history.</p>
        </div>
        <nav class="site-nav" aria-label="Elsewhere">
          <a href={`/feeds/${relationship}.atom`} class="feed-link">
            Atom feed
          </a>
          <a href="/graphql">GraphQL playground</a>
          {/* Last, so that its changing word moves nothing else. */}
          {live ? <LiveIndicator state={live} /> : null}
        </nav>
      </header>
      <main id="board">{children}</main>
      <footer class="site-foot">
        <p>
          Every update cites its source. Data and API: <a href="/graphql">GraphQL</a> · feeds:{" "}
          <a href={`/feeds/${relationship}.atom`}>Atom</a>.
        </p>
      </footer>
    </>
  );
}
