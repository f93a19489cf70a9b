import { dayNumber, isoDate, longDate } from "../dates";

type Props = {
  first: string;
  last: string;
  asOf: string | null;
  onChange: (asOf: string | null) => void;
};

/** Time travel: the board as it stood on any day since the first update. */
export function TimeSlider({ first, last, asOf, onChange }: Props) {
  const min = dayNumber(first);
  const max = dayNumber(last);
  const value = asOf ? Math.min(Math.max(dayNumber(asOf), min), max) : max;
  const shown = asOf ?? last;
  const label = asOf ? `As of ${longDate(shown)}` : `Today, ${longDate(last)}`;
  const pick = (day: number) => onChange(day >= max ? null : isoDate(day));
  return (
    <div class={`time-travel${asOf ? " time-travel-on" : ""}`}>
      <label for="as-of" class="time-label">
        <span class="as-of-label" aria-live="polite">
          {label}
        </span>
      </label>
      <div class="time-row">
        <span class="time-end" aria-hidden="true">
          {first.slice(0, 4)}
        </span>
        <input
          id="as-of"
          class="time-slider"
          type="range"
          min={min}
          max={max}
          step={1}
          value={value}
          aria-valuetext={asOf ? longDate(shown) : "today"}
          onInput={(event) => pick(Number((event.target as HTMLInputElement).value))}
        />
        <span class="time-end" aria-hidden="true">
          now
        </span>
      </div>
      <div class="time-actions">
        <input
          type="date"
          aria-label="Go to a day"
          min={first}
          max={last}
          value={shown}
          onChange={(event) => {
            const day = (event.target as HTMLInputElement).value;
            if (day) pick(dayNumber(day));
          }}
        />
        <button type="button" class="button-quiet" disabled={!asOf} onClick={() => onChange(null)}>
          Back to today
        </button>
      </div>
    </div>
  );
}
