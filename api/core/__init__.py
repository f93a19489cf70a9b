"""Building blocks of the schema that know no noun and no request: top-level and
user errors, enums, value types, relay connections and ids, filters, loaders."""
