"""Status updates: the history node, the update feed, the mutations that post and
retract updates, and the live subscription."""
