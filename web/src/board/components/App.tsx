import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";

import { TokenRequiredError, lastServerTime, tokenStore } from "../api";
import { type Board, loadBoard } from "../board";
import { today } from "../dates";
import { LiveFeed, type LiveState } from "../live";
import { type Handlers, positionStream, updateStream } from "../streams";
import { type View, issueUrl, urlOf, viewFromUrl } from "../view";
import { Controls } from "./Controls";
import { Groups } from "./Groups";
import { Placeholder, Shell } from "./Shell";
import { StatusCounts } from "./StatusCounts";
import { TimeSlider } from "./TimeSlider";
import { Timeline } from "./Timeline";
import { TokenForm } from "./TokenForm";

const TYPING_PAUSE_MS = 150;
const REFRESH_AFTER_EVENT_MS = 300;
const FRESH_FOR_MS = 6_000;

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

  const filterKey = JSON.stringify([
    view.relationship,
    view.statuses,
    view.categories,
    view.raisedBy,
    view.search,
    view.asOf,
  ]);
  useEffect(() => {
    if (tokenAsk !== false) return;
    // A load the view has moved past is left to finish and then ignored: an
    // aborted request would count as a failed one for no gain on a small answer.
    let stale = false;
    setLoading(true);
    const timer = window.setTimeout(
      () => {
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
      },
      revision === 0 && board === null ? 0 : TYPING_PAUSE_MS,
    );
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

  // The live feed starts once the board knows the newest recorded update, and
  // replays what was recorded after it.
  const liveStart = board !== null;
  const startAfter = useRef<{ update: string | null; position: string | null } | null>(null);
  if (board && startAfter.current === null) {
    startAfter.current = { update: board.newestUpdate, position: board.newestPosition };
  }
  useEffect(() => {
    if (!liveStart || tokenAsk !== false) return;
    let refresh: number | null = null;
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
    const handlers: Handlers = {
      relationship: () => viewRef.current.relationship,
      loadedAt: lastServerTime(),
      onUpdate: (event, news) => {
        if (viewRef.current.asOf) {
          if (news) setMissed((count) => count + 1);
          return;
        }
        const issue = event.issue;
        setBoard(
          (current) =>
            current && {
              ...current,
              cards: current.cards.map((card) => (card.id === issue.id ? { ...card, ...issue } : card)),
            },
        );
        if (news) light(issue.id);
      },
      onPosition: (event) => {
        if (viewRef.current.asOf) setMissed((count) => count + 1);
        else light(event.issue.id);
      },
    };
    const after = startAfter.current;
    const streams = [
      updateStream(after?.update ?? null, handlers),
      positionStream(after?.position ?? null, handlers),
    ];
    const feed = new LiveFeed(streams, {
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
      {failure ? (
        <p class="error" role="alert">
          The board could not be loaded: {failure}
        </p>
      ) : null}
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
