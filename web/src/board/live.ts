// The board's live feed: one graphql-ws subscription that resumes where it left off.
//
// graphql-ws can retry by itself, but it would resend the first `after`; this
// feed reconnects on its own instead, each time asking to replay everything
// since the last event it delivered, so a dropped connection misses nothing.
import { createClient, type Client } from "graphql-ws";

export type LiveState = "connecting" | "live" | "reconnecting";

const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 10_000;
// graphql-ws closes with this code when the service refuses the token.
const TOKEN_REFUSED = 4403;

export type LiveOptions<TData, TEvent> = {
  query: string;
  variables: (after: string | null) => Record<string, unknown>;
  eventOf: (data: TData) => TEvent;
  idOf: (event: TEvent) => string;
  after: string | null;
  token: () => string | null;
  onEvent: (event: TEvent) => void;
  onState: (state: LiveState) => void;
  /** The service cannot replay from `after` (say, it names nothing): reload. */
  onResync: () => void;
  onTokenRefused: () => void;
};

function socketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/graphql`;
}

export class LiveFeed<TData, TEvent> {
  private client: Client | null = null;
  private timer: number | null = null;
  private delay = FIRST_DELAY_MS;
  private after: string | null;
  private stopped = false;

  constructor(private readonly options: LiveOptions<TData, TEvent>) {
    this.after = options.after;
  }

  start(): void {
    this.stopped = false;
    window.addEventListener("online", this.reconnectNow);
    this.connect("connecting");
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.reconnectNow);
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.drop();
  }

  private readonly reconnectNow = (): void => {
    if (this.timer === null) return;
    window.clearTimeout(this.timer);
    this.timer = null;
    this.connect("reconnecting");
  };

  private connect(state: LiveState): void {
    this.options.onState(state);
    const token = this.options.token();
    const client = createClient({
      url: socketUrl(),
      retryAttempts: 0,
      keepAlive: 15_000,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      on: {
        connected: () => {
          this.delay = FIRST_DELAY_MS;
          this.options.onState("live");
        },
        closed: (event) => {
          if ((event as CloseEvent | undefined)?.code === TOKEN_REFUSED) {
            this.stopped = true;
            this.options.onTokenRefused();
          }
        },
      },
    });
    this.client = client;
    client.subscribe<TData>(
      { query: this.options.query, variables: this.options.variables(this.after) },
      {
        next: (result) => {
          if (!result.data) return;
          const event = this.options.eventOf(result.data);
          this.after = this.options.idOf(event);
          this.options.onEvent(event);
        },
        error: (error) => {
          // A list of GraphQL errors is a refusal of this `after`; a close is a drop.
          if (Array.isArray(error)) {
            this.after = null;
            this.options.onResync();
          }
          this.retryLater();
        },
        complete: () => this.retryLater(),
      },
    );
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    if (client !== null) void client.dispose();
  }

  private retryLater(): void {
    this.drop();
    if (this.stopped) return;
    this.options.onState("reconnecting");
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.connect("reconnecting");
    }, this.delay);
    this.delay = Math.min(this.delay * 2, LONGEST_DELAY_MS);
  }
}
