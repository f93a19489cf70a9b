import type { LiveState } from "../live";

const WORDS: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
};

/** Whether new updates reach this page as they are posted. */
export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <span class={`live live-${state}`} role="status" data-live={state}>
      <span class="live-dot" aria-hidden="true" />
      {WORDS[state]}
    </span>
  );
}
