"""Publishing workflows, one module per job; callers import from the module that does it.

* ``rules``: who may change a post (:func:`~rules.post_refusal`) and the lock every change takes.
* ``errors``: :class:`~errors.PublishingError`, a problem the person can fix now.
* ``editing``: write a post (create, autosave), its revisions and suggested category.
* ``publishable``: what each network receives (:func:`~publishable.target_draft`) and whether a
  post may leave.
* ``scheduling``: schedule, cancel and retry; local times resolved in the organisation's zone.
* ``queue``: weekly queue slots, the next free one, the best time to post.
* ``approvals``: approve, send back, comment.
* ``media``: the media library (upload, alt text, renditions, deletion).
* ``notifications`` and ``calendar_feed``: personal bookkeeping and the secret iCal address.

Pages and the REST API call these functions with an :class:`~parvis.accounts.actor.Actor` (a
member, or an API key with its role). Each checks who may do it, keeps a revision of what was
typed, writes the audit log and notifies the people concerned. Saving a draft never validates
anything, so nothing typed is lost; scheduling validates everything and says in French what to
fix, keeping the draft.
"""
