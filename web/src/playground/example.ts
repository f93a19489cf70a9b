// The query a new visitor finds in the editor: this tracker's board, by name.
export const EXAMPLE_QUERY = `# Welcome to the bilateral tracker's GraphQL playground.
#
# Press the run button (or Ctrl-Enter) to see every India–China issue with its
# current status and latest update. The Docs pane lists every type and field.
#
# Reads are public by default. To write, or where reads need a token, paste
#   {"Authorization": "Bearer <your token>"}
# into the Headers pane below.

query IndiaChinaBoard {
  issues(first: 25, filter: { relationship: "india-china" }) {
    totalCount
    nodes {
      id
      slug
      title
      category
      status
      latestUpdate {
        id
        occurredOn { text }
        note
        source { url publisher }
      }
    }
  }
}
`;
