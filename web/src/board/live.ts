// The board's live feeds: graphql-ws subscriptions on one WebSocket, each
// resuming where it left off.
//
// graphql-ws can retry by itself, but it would resend each subscription's first
// `after`; this feed reconnects on its own instead, each time asking every stream
// to replay everything since the last event it delivered, so a dropped connection
// misses nothing.
import { createClient, type Client } from "graphql-ws";

export type LiveState = "connecting" | "live" | "reconnecting";

const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 10_000;
// graphql-ws closes with this code when the service refuses the token.
const TOKEN_REFUSED = 4403;

/** One subscription: its document, how to read an event, and where it stands. */
export type Stream<TData, TEvent> = {
  query: string;
  variables: (after: string | null) => Record<string, unknown>;
  eventOf: (data: TData) => TEvent;
  idOf: (event: TEvent) => string;
  after: string | null;
  onEvent: (event: TEvent) => void;
};

export type LiveOptions = {
  token: () => string | null;
  onState: (state: LiveState) => void;
  /** The service cannot replay from a stream's `after` (it names nothing): reload. */
  onResync: () => void;
  onTokenRefused: () => void;
};

function socketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/graphql`;
}

// Streams of different event types live side by side; each is used only
// through its own functions, so its types never meet another's.
type AnyStream = Stream<any, any>;

export class LiveFeed {
  private client: Client | null = null;
  private timer: number | null = null;
  private delay = FIRST_DELAY_MS;
  private stopped = false;

  constructor(
    private readonly streams: readonly AnyStream[],
    private readonly options: LiveOptions,
  ) {}

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
    for (const stream of this.streams) this.subscribe(client, stream);
  }

  private subscribe(client: Client, stream: AnyStream): void {
    client.subscribe(
      { query: stream.query, variables: stream.variables(stream.after) },
      {
        next: (result) => {
          if (!result.data || client !== this.client) return;
          const event = stream.eventOf(result.data);
          stream.after = stream.idOf(event);
          stream.onEvent(event);
        },
        error: (error) => {
          // A list of GraphQL errors is a refusal of this `after`; a close is a drop.
          if (Array.isArray(error)) {
            stream.after = null;
            this.options.onResync();
          }
          this.retryLater(client);
        },
        complete: () => this.retryLater(client),
      },
    );
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    if (client !== null) void client.dispose();
  }

  /** Start over, once per lost connection however many streams report it. */
  private retryLater(client: Client): void {
    if (client !== this.client) return;
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
