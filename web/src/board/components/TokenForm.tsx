import { useState } from "preact/hooks";

type Props = { message: string | null; onToken: (token: string) => void };

/** Where reads need a token: asked for once, kept in this tab's session storage. */
export function TokenForm({ message, onToken }: Props) {
  const [token, setToken] = useState("");
  return (
    <form
      class="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (token.trim()) onToken(token.trim());
      }}
    >
      <h2>This tracker needs a token to read</h2>
      <p>
        Paste an API token (any role). It stays in this browser tab only and is forgotten when the tab closes.
      </p>
      {message ? (
        <p class="error" role="alert">
          {message}
        </p>
      ) : null}
      <label>
        <span>API token</span>
        <input
          type="password"
          autoComplete="off"
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="button">
        Show the board
      </button>
    </form>
  );
}
