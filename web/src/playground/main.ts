// GraphiQL served by the service itself, so it works where only the server is
// reachable: its editor's workers and styles are bundled next to it.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

import { EXAMPLE_QUERY } from "./example";

function endpoint(protocol: "http" | "ws"): string {
  const secure = window.location.protocol === "https:";
  const scheme = protocol === "ws" ? (secure ? "wss:" : "ws:") : window.location.protocol;
  return `${scheme}//${window.location.host}/graphql`;
}

// Headers typed into the headers pane (e.g. {"Authorization": "Bearer …"}) go with
// every HTTP request; GraphiQL hands them to the fetcher itself.
const fetcher = createGraphiQLFetcher({
  url: endpoint("http"),
  subscriptionUrl: endpoint("ws"),
});

const root = document.getElementById("graphiql");
if (root !== null) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultQuery: EXAMPLE_QUERY,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
    }),
  );
}
