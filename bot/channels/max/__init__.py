"""The MAX adapter: updates to Events, Replies to MAX Bot API calls within MAX's limits."""
