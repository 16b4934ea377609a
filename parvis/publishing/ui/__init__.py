"""The publishing pages: composer, post detail, calendar, approvals, media library, queue."""
