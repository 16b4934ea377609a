"""Link tagging with UTM parameters. Pure."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def tag_link(
    url: str, *, source: str = "", medium: str = "", campaign: str = "", content: str = ""
) -> str:
    """``url`` with ``utm_*`` parameters set (existing ones replaced, others kept in order).

    Empty values are left out; a link without a scheme or host is returned unchanged.
    """
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    wanted = {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "utm_content": content,
    }
    wanted = {key: value for key, value in wanted.items() if value}
    if not wanted:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in wanted]
    query = urlencode([*kept, *wanted.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
