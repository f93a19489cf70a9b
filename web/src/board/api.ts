// Queries over HTTP, with the reader's token when the service asks for one.
import type { TypedDocumentString } from "../gql/graphql";

const TOKEN_KEY = "bilateral.token";

/** The token a reader pasted, kept for this browser tab only. */
export const tokenStore = {
  get(): string | null {
    return window.sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    window.sessionStorage.setItem(TOKEN_KEY, token.trim());
  },
  clear(): void {
    window.sessionStorage.removeItem(TOKEN_KEY);
  },
};

let serverNow = 0;

/** The server's clock as of its last answer (ms since the epoch; 0 before any).
 *  Events are judged old or new by it, not by this machine's clock. */
export function lastServerTime(): number {
  return serverNow;
}

/** The service wants a (valid) token before it answers. */
export class TokenRequiredError extends Error {}

/** The service answered with errors instead of data. */
export class QueryError extends Error {}

type GraphQLResponse<T> = {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

function headersFor(token: string | null): HeadersInit {
  const headers: Record<string, string> = {
    Accept: "application/graphql-response+json, application/json",
    "Content-Type": "application/json",
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** Run one query; a missing or refused token raises TokenRequiredError. */
export async function query<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: headersFor(tokenStore.get()),
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const date = Date.parse(response.headers.get("date") ?? "");
  if (!Number.isNaN(date)) serverNow = date;
  if (response.status === 401) throw new TokenRequiredError("The token was refused.");
  const body = (await response.json()) as GraphQLResponse<TResult>;
  const codes = (body.errors ?? []).map((error) => error.extensions?.code);
  if (codes.includes("UNAUTHENTICATED") || codes.includes("FORBIDDEN")) {
    throw new TokenRequiredError(body.errors?.[0]?.message ?? "A token is needed.");
  }
  if (!body.data || body.errors?.length) {
    throw new QueryError(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  }
  return body.data;
}
