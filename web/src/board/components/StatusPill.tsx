import type { IssueStatus } from "../../gql/graphql";
import { STATUS_LABELS, statusClass } from "../vocabulary";

/** A status in its colour and in words: the colour is never the only sign. */
export function StatusPill({ status }: { status: IssueStatus | null | undefined }) {
  return (
    <span class={statusClass(status)}>
      <span class="status-dot" aria-hidden="true" />
      {status ? STATUS_LABELS[status] : "No update yet"}
    </span>
  );
}
