import type { IssueStatus } from "../../gql/graphql";
import { STATUSES, STATUS_LABELS, statusClass } from "../vocabulary";

type Count = { status: IssueStatus; count: number };

/** How many issues stand at each status; always seven slots, so nothing moves. */
export function StatusCounts({ counts }: { counts: readonly Count[] | null }) {
  const byStatus = new Map((counts ?? []).map((c) => [c.status, c.count]));
  return (
    <ul class="counts" aria-label="Issues by status">
      {STATUSES.map((status) => (
        <li key={status} class="count">
          <span class={statusClass(status)}>
            <span class="status-dot" aria-hidden="true" />
            {STATUS_LABELS[status]}
          </span>
          <strong class="count-number">{counts ? (byStatus.get(status) ?? 0) : "–"}</strong>
        </li>
      ))}
    </ul>
  );
}
