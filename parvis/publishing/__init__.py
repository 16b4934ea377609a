"""Publishing: posts, approvals, the calendar, and the exactly-once dispatch pipeline."""
