// What the board does with each live event: the two subscriptions it follows.
import type { LivePositionsSubscription, LiveUpdatesSubscription } from "../gql/graphql";
import type { Stream } from "./live";
import { LIVE_POSITIONS, LIVE_UPDATES } from "./operations";

export type UpdateEvent = LiveUpdatesSubscription["statusUpdates"];
export type PositionEvent = LivePositionsSubscription["positions"];

// The server's Date header counts whole seconds.
const CLOCK_GRAIN_MS = 1_000;

export type Handlers = {
  relationship: () => string;
  /** The server's time when the board was loaded: what came before is not news. */
  loadedAt: number;
  onUpdate: (event: UpdateEvent, news: boolean) => void;
  onPosition: (event: PositionEvent) => void;
};

/** A replay after `after` brings back what the board already shows; only what
 *  happened since it loaded is news. */
function isNews(event: { recordedAt: string; retractedAt?: string | null }, loadedAt: number): boolean {
  return Date.parse(event.retractedAt ?? event.recordedAt) >= loadedAt - CLOCK_GRAIN_MS;
}

export function updateStream(
  after: string | null,
  on: Handlers,
): Stream<LiveUpdatesSubscription, UpdateEvent> {
  return {
    query: LIVE_UPDATES.toString(),
    variables: (from) => ({ relationship: on.relationship(), after: from }),
    eventOf: (data) => data.statusUpdates,
    idOf: (event) => event.id,
    after,
    onEvent: (event) => on.onUpdate(event, isNews(event, on.loadedAt)),
  };
}

/** A new position changes no status: only news of one matters to the board. */
export function positionStream(
  after: string | null,
  on: Handlers,
): Stream<LivePositionsSubscription, PositionEvent> {
  return {
    query: LIVE_POSITIONS.toString(),
    variables: (from) => ({ relationship: on.relationship(), after: from }),
    eventOf: (data) => data.positions,
    idOf: (event) => event.id,
    after,
    onEvent: (event) => {
      if (isNews(event, on.loadedAt)) on.onPosition(event);
    },
  };
}
