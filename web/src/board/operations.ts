// Every operation the board sends; graphql-codegen types them from schema.graphql.
import { graphql } from "../gql";

export const UPDATE_FIELDS = graphql(`
  fragment UpdateFields on StatusUpdate {
    id
    status
    previousStatus
    occurredOn {
      text
      date
      precision
    }
    note
    verified
    recordedAt
    retractedAt
    retractionReason
    source {
      url
      title
      publisher
    }
  }
`);

export const CARD_FIELDS = graphql(`
  fragment CardFields on Issue {
    id
    slug
    title
    summary
    category
    raisedBy
    status
    latestUpdate {
      ...UpdateFields
    }
  }
`);

export const SPAN_FIELDS = graphql(`
  fragment SpanFields on StatusSpan {
    status
    from
    until
    days
  }
`);

export const POSITION_FIELDS = graphql(`
  fragment PositionFields on Position {
    id
    country
    statedOn {
      text
      date
    }
    speaker
    statement
    quote
    verified
    recordedAt
    retractedAt
    retractionReason
    source {
      url
      title
      publisher
    }
  }
`);

export const BOARD_QUERY = graphql(`
  query Board(
    $relationship: String!
    $filter: IssueFilter!
    $after: String
    $asOf: Date
    $day: Date!
    $timeTravel: Boolean!
  ) {
    relationship(slug: $relationship) {
      id
      slug
      name
      countries
    }
    relationships {
      slug
      name
    }
    issues(filter: $filter, first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...CardFields
        statusAsOf(date: $day) @include(if: $timeTravel)
        statusSpans(asOf: $asOf) {
          ...SpanFields
        }
      }
    }
    statusCounts(relationship: $relationship, asOf: $asOf) {
      status
      count
    }
    # In time travel, each card shows the latest update by that day: the newest
    # hundred before it cover every issue that moved lately.
    past: statusUpdates(first: 100, filter: { relationship: $relationship, occurredTo: $asOf })
      @include(if: $timeTravel) {
      nodes {
        ...UpdateFields
        issue {
          id
        }
      }
    }
    # The live feed starts after the newest recorded update and position, so it
    # replays only what was recorded or retracted after this read.
    newest: statusUpdates(
      first: 1
      orderBy: { field: RECORDED }
      filter: { relationship: $relationship, includeRetracted: true }
    ) {
      nodes {
        id
      }
    }
    newestPosition: positions(
      first: 1
      orderBy: { field: RECORDED }
      filter: { relationship: $relationship, includeRetracted: true }
    ) {
      nodes {
        id
      }
    }
    oldest: statusUpdates(
      first: 1
      orderBy: { field: OCCURRED_ON, direction: ASC }
      filter: { relationship: $relationship }
    ) {
      nodes {
        occurredOn {
          date
        }
      }
    }
  }
`);

export const ISSUE_QUERY = graphql(`
  query IssueTimeline($relationship: String!, $slug: String!, $asOf: Date) {
    relationship(slug: $relationship) {
      countries
      issue(slug: $slug) {
        ...CardFields
        createdAt
        statusSpans(asOf: $asOf) {
          ...SpanFields
        }
        positions(first: 100, includeRetracted: true) {
          nodes {
            ...PositionFields
            recordedBy
          }
        }
        updates(first: 100, includeRetracted: true) {
          nodes {
            ...UpdateFields
            recordedBy
          }
        }
        meetings(first: 50) {
          nodes {
            id
            heldOn {
              text
              date
            }
            title
            location
            summary
            source {
              url
              publisher
            }
          }
        }
      }
    }
  }
`);

export const LIVE_UPDATES = graphql(`
  subscription LiveUpdates($relationship: String!, $after: ID) {
    statusUpdates(relationship: $relationship, after: $after) {
      ...UpdateFields
      issue {
        ...CardFields
        statusSpans {
          ...SpanFields
        }
      }
    }
  }
`);

export const LIVE_POSITIONS = graphql(`
  subscription LivePositions($relationship: String!, $after: ID) {
    positions(relationship: $relationship, after: $after) {
      ...PositionFields
      issue {
        id
        slug
      }
    }
  }
`);

export const VIEWER_QUERY = graphql(`
  query Viewer {
    viewer {
      name
      role
    }
  }
`);
