import type { ComponentChildren } from "preact";

import type { LiveState } from "../live";
import { LiveIndicator } from "./LiveIndicator";

/** Empty cards where the cards will be, so the page keeps its shape while it loads. */
export function Placeholder() {
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

export type ShellProps = {
  live: LiveState | null;
  relationship: string;
  name: string | undefined;
  children: ComponentChildren;
};

/** The page around the board: its title, the way elsewhere, and the footer. */
export function Shell({ live, relationship, name, children }: ShellProps) {
  return (
    <>
      <a class="skip-link" href="#board">
        Skip to the issues
      </a>
      <header class="site-head">
        <div class="site-title">
          <h1>{name ?? "India–China"} tracker</h1>
          <p class="tagline">
            Where each open question between the two countries stands, with its dated, sourced history.
          </p>
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
