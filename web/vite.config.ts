// Two pages, built into the Python package so the service needs no Node at run
// time: the status board (/) and the GraphQL playground (/graphql in a browser).
// File names carry content hashes and nothing else, so a build is reproducible.
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  // The playground's React code is plain createElement calls; JSX here is Preact's.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // `npm run dev`: the pages from source, the API from a service on :8000.
  server: {
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8000", ws: true },
      "/feeds": "http://127.0.0.1:8000",
    },
  },
  build: {
    outDir: resolve(import.meta.dirname, "../api/web/dist"),
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    // Monaco (the playground's editor) is large; the board never loads it.
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      // React libraries mark themselves "use client"; a plain bundle has no use for it.
      onLog(level, log, handler) {
        if (log.code === "MODULE_LEVEL_DIRECTIVE") return;
        handler(level, log);
      },
      input: {
        board: resolve(import.meta.dirname, "index.html"),
        playground: resolve(import.meta.dirname, "graphiql.html"),
      },
    },
  },
});
