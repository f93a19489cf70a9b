type SourceFields = { url: string; title?: string | null; publisher?: string | null };

/** A link to where a fact was reported, named by its publisher when known. */
export function SourceLink({ source }: { source: SourceFields | null | undefined }) {
  if (!source) return <span class="muted">No source given</span>;
  const host = hostOf(source.url);
  return (
    <a
      class="source"
      href={source.url}
      rel="noopener noreferrer"
      target="_blank"
      title={source.title ?? undefined}
    >
      {source.publisher || host}
      <span class="visually-hidden"> (source, opens in a new tab)</span>
    </a>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return url;
  }
}
