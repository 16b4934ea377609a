"""Parvis's planning rules: product choices, not published benchmarks.

Everything here is a default the team chose (study §2.5 "Parvis guidance, not Bpifrance's",
§5 "Parvis defaults", §7.3 draft ranking rules). None of these numbers is shown to the user as
a fact about other companies; they shape the plan, and ``docs/strategy.md`` lists them so they
can be argued with. Benchmarks live in ``figures.py`` only.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from parvis.core.vocabulary import ContentCategory, Network, Objective
from parvis.strategy.engine.choices import Sector

# --- Networks -------------------------------------------------------------------------------

# How well a network serves an objective, 0 (not at all) to 3 (its main use). From the study's
# per-network guidance (§2.5), extended to Bluesky and Mastodon (open, smaller, good for watch).
NETWORK_AFFINITY: Final = MappingProxyType(
    {
        Network.LINKEDIN: {
            Objective.PROSPECTING: 3,
            Objective.CUSTOMER_RELATION: 1,
            Objective.VISIBILITY: 2,
            Objective.WATCH: 3,
            Objective.RECRUITMENT: 3,
            Objective.COMMUNITY: 1,
        },
        Network.FACEBOOK: {
            Objective.PROSPECTING: 1,
            Objective.CUSTOMER_RELATION: 3,
            Objective.VISIBILITY: 2,
            Objective.WATCH: 1,
            Objective.RECRUITMENT: 1,
            Objective.COMMUNITY: 3,
        },
        Network.INSTAGRAM: {
            Objective.PROSPECTING: 1,
            Objective.CUSTOMER_RELATION: 2,
            Objective.VISIBILITY: 3,
            Objective.WATCH: 0,
            Objective.RECRUITMENT: 1,
            Objective.COMMUNITY: 2,
        },
        Network.YOUTUBE: {
            Objective.PROSPECTING: 1,
            Objective.CUSTOMER_RELATION: 1,
            Objective.VISIBILITY: 2,
            Objective.WATCH: 1,
            Objective.RECRUITMENT: 1,
            Objective.COMMUNITY: 1,
        },
        Network.X: {
            Objective.PROSPECTING: 0,
            Objective.CUSTOMER_RELATION: 1,
            Objective.VISIBILITY: 1,
            Objective.WATCH: 3,
            Objective.RECRUITMENT: 0,
            Objective.COMMUNITY: 1,
        },
        Network.BLUESKY: {
            Objective.PROSPECTING: 0,
            Objective.CUSTOMER_RELATION: 0,
            Objective.VISIBILITY: 1,
            Objective.WATCH: 2,
            Objective.RECRUITMENT: 0,
            Objective.COMMUNITY: 2,
        },
        Network.MASTODON: {
            Objective.PROSPECTING: 0,
            Objective.CUSTOMER_RELATION: 0,
            Objective.VISIBILITY: 1,
            Objective.WATCH: 2,
            Objective.RECRUITMENT: 0,
            Objective.COMMUNITY: 2,
        },
    }
)

# Audience fit as a function of the B2B share s in [0, 1]: (fit when s = 0, fit when s = 1),
# interpolated linearly. LinkedIn is where buyers are; Instagram and Facebook where consumers are.
AUDIENCE_FIT: Final = MappingProxyType(
    {
        Network.LINKEDIN: (0.4, 1.0),
        Network.FACEBOOK: (1.0, 0.4),
        Network.INSTAGRAM: (1.0, 0.3),
        Network.YOUTUBE: (0.7, 0.7),
        Network.X: (0.5, 0.7),
        Network.BLUESKY: (0.4, 0.4),
        Network.MASTODON: (0.4, 0.4),
    }
)

# Sector adjustments: visual and local trades do well on Instagram and Facebook; industry and
# services buyers are on LinkedIn; industry shows machines and know-how on video.
SECTOR_FIT: Final = MappingProxyType(
    {
        Sector.BUILDING_CRAFTS: {Network.INSTAGRAM: 1.3, Network.FACEBOOK: 1.2},
        Sector.INDUSTRY: {Network.LINKEDIN: 1.2, Network.YOUTUBE: 1.2},
        Sector.AGRIFOOD: {Network.INSTAGRAM: 1.2, Network.LINKEDIN: 1.1},
        Sector.RETAIL: {Network.INSTAGRAM: 1.3, Network.FACEBOOK: 1.2},
        Sector.HOSPITALITY: {Network.INSTAGRAM: 1.4, Network.FACEBOOK: 1.3},
        Sector.BUSINESS_SERVICES: {Network.LINKEDIN: 1.3},
        Sector.PERSONAL_SERVICES: {Network.FACEBOOK: 1.3, Network.INSTAGRAM: 1.1},
        Sector.HEALTH: {Network.FACEBOOK: 1.2, Network.INSTAGRAM: 1.1},
        Sector.OTHER: {},
    }
)

# An account that already publishes has an audience: keeping it is worth a little more.
ALIVE_ACCOUNT_BONUS: Final = 1.15
# A network is a candidate when it scores at least this share of the best network's score.
CANDIDATE_RATIO: Final = 0.45
MAX_NETWORKS: Final = 4
# Fewer minutes, fewer networks: under each bound, at most that many networks.
NETWORK_CAP_BY_MINUTES: Final = ((90, 1), (180, 2), (300, 3))

# Minimum sustainable cadence, posts per week (study §5 "Parvis defaults").
TARGET_POSTS_PER_WEEK: Final = MappingProxyType(
    {
        Network.FACEBOOK: 3,
        Network.INSTAGRAM: 3,
        Network.LINKEDIN: 2,
        Network.YOUTUBE: 1,
        Network.X: 2,
        Network.BLUESKY: 2,
        Network.MASTODON: 2,
    }
)
MIN_POSTS_PER_WEEK: Final = 1

# --- Time -----------------------------------------------------------------------------------

# Writing, choosing a picture and scheduling one post; a video takes much longer.
MINUTES_PER_POST: Final = MappingProxyType(
    {
        Network.FACEBOOK: 25,
        Network.INSTAGRAM: 30,
        Network.LINKEDIN: 25,
        Network.YOUTUBE: 90,
        Network.X: 15,
        Network.BLUESKY: 15,
        Network.MASTODON: 15,
    }
)
INBOX_MINUTES_PER_NETWORK: Final = 10
WATCH_DIGEST_MINUTES: Final = 15
REVIEW_MINUTES: Final = 10
# Shortest inbox session: a glance at the notifications is enough on a day with no message,
# and a daily glance is what a short response goal needs.
MIN_INBOX_SESSION_MINUTES: Final = 2

# --- Money ----------------------------------------------------------------------------------

# Used only when the diagnostic leaves the hourly cost empty; the user can change it.
DEFAULT_HOURLY_COST_EUR: Final = 35
WORKING_WEEKS_PER_YEAR: Final = 47

# --- Editorial line -------------------------------------------------------------------------

# The rule: at most a third of the posts about the company itself.
SELF_CENTRED_CAP: Final = 1 / 3

# Content mix that serves each objective best; each row sums to 1.
CATEGORY_MIX_BY_OBJECTIVE: Final = MappingProxyType(
    {
        Objective.PROSPECTING: {
            ContentCategory.CUSTOMER_STORY: 0.30,
            ContentCategory.EXPERTISE: 0.30,
            ContentCategory.OFFER: 0.25,
            ContentCategory.EVENT: 0.05,
            ContentCategory.INDUSTRY_NEWS: 0.10,
        },
        Objective.CUSTOMER_RELATION: {
            ContentCategory.EXPERTISE: 0.30,
            ContentCategory.CUSTOMER_STORY: 0.25,
            ContentCategory.BEHIND_THE_SCENES: 0.15,
            ContentCategory.OFFER: 0.10,
            ContentCategory.COMPANY_NEWS: 0.10,
            ContentCategory.EVENT: 0.10,
        },
        Objective.VISIBILITY: {
            ContentCategory.BEHIND_THE_SCENES: 0.25,
            ContentCategory.CUSTOMER_STORY: 0.20,
            ContentCategory.EXPERTISE: 0.20,
            ContentCategory.COMPANY_NEWS: 0.15,
            ContentCategory.EVENT: 0.10,
            ContentCategory.OFFER: 0.10,
        },
        Objective.WATCH: {
            ContentCategory.INDUSTRY_NEWS: 0.50,
            ContentCategory.EXPERTISE: 0.35,
            ContentCategory.EVENT: 0.15,
        },
        Objective.RECRUITMENT: {
            ContentCategory.JOB_OFFER: 0.40,
            ContentCategory.BEHIND_THE_SCENES: 0.35,
            ContentCategory.COMPANY_NEWS: 0.10,
            ContentCategory.EVENT: 0.15,
        },
        Objective.COMMUNITY: {
            ContentCategory.CUSTOMER_STORY: 0.25,
            ContentCategory.BEHIND_THE_SCENES: 0.20,
            ContentCategory.EVENT: 0.20,
            ContentCategory.EXPERTISE: 0.20,
            ContentCategory.INDUSTRY_NEWS: 0.15,
        },
    }
)

# Weight of the objectives the user ranked first, second and third.
RANK_WEIGHTS: Final = (1.0, 0.7, 0.5)

# Response-time goals in hours. The fast goal takes its value from the consumer expectation
# figure (``sprout_expect_2016``); the standard goal is the 24-hour horizon of ``hubspot_24h``.
STANDARD_RESPONSE_HOURS: Final = 24.0
# Share of messages needing a reply that should get one (study §7.3 rule 5).
TARGET_RESPONSE_RATE: Final = 0.9
