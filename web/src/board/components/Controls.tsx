import type { IssueCategory, IssueStatus } from "../../gql/graphql";
import type { Grouping, View } from "../view";
import { CATEGORIES, CATEGORY_LABELS, STATUSES, STATUS_LABELS, countryName } from "../vocabulary";

type Props = {
  view: View;
  countries: readonly string[];
  onChange: (change: Partial<View>) => void;
};

function toggled<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}

/** On a phone the chips would fill the first screen: they fold away there,
 *  unless the shared view already uses them. */
function openAtFirst(view: View): boolean {
  const wide = window.matchMedia("(min-width: 48rem)").matches;
  return wide || view.statuses.length > 0 || view.categories.length > 0;
}

/** Search, filters and grouping; each choice lands in the URL at once. */
export function Controls({ view, countries, onChange }: Props) {
  const filtered =
    view.statuses.length > 0 || view.categories.length > 0 || view.raisedBy !== "" || view.search !== "";
  return (
    <form class="controls" role="search" onSubmit={(event) => event.preventDefault()}>
      <div class="control-row">
        <label class="search">
          <span class="visually-hidden">Search issues</span>
          <input
            type="search"
            placeholder="Search titles and summaries"
            value={view.search}
            maxLength={200}
            onInput={(event) => onChange({ search: (event.target as HTMLInputElement).value })}
          />
        </label>
        <label class="select">
          <span>Raised by</span>
          <select
            value={view.raisedBy}
            onChange={(event) => onChange({ raisedBy: (event.target as HTMLSelectElement).value })}
          >
            <option value="">Either side</option>
            {countries.map((code) => (
              <option value={code} key={code}>
                {countryName(code)}
              </option>
            ))}
          </select>
        </label>
        <label class="select">
          <span>Group by</span>
          <select
            value={view.group}
            onChange={(event) => onChange({ group: (event.target as HTMLSelectElement).value as Grouping })}
          >
            <option value="status">Status</option>
            <option value="category">Category</option>
          </select>
        </label>
        <button
          type="button"
          class="button-quiet"
          disabled={!filtered}
          onClick={() => onChange({ statuses: [], categories: [], raisedBy: "", search: "" })}
        >
          Clear filters
        </button>
      </div>
      <details class="more-filters" open={openAtFirst(view)}>
        <summary>
          Status and category
          {view.statuses.length + view.categories.length > 0
            ? ` (${view.statuses.length + view.categories.length} chosen)`
            : ""}
        </summary>
        <Chips
          legend="Status"
          values={STATUSES}
          labels={STATUS_LABELS}
          chosen={view.statuses}
          onToggle={(status: IssueStatus) => onChange({ statuses: toggled(view.statuses, status) })}
        />
        <Chips
          legend="Category"
          values={CATEGORIES}
          labels={CATEGORY_LABELS}
          chosen={view.categories}
          onToggle={(category: IssueCategory) => onChange({ categories: toggled(view.categories, category) })}
        />
      </details>
    </form>
  );
}

type ChipsProps<T extends string> = {
  legend: string;
  values: readonly T[];
  labels: Record<T, string>;
  chosen: readonly T[];
  onToggle: (value: T) => void;
};

function Chips<T extends string>({ legend, values, labels, chosen, onToggle }: ChipsProps<T>) {
  return (
    <fieldset class="chips">
      <legend>{legend}</legend>
      {values.map((value) => (
        <label class="chip" key={value}>
          <input type="checkbox" checked={chosen.includes(value)} onChange={() => onToggle(value)} />
          <span>{labels[value]}</span>
        </label>
      ))}
    </fieldset>
  );
}
