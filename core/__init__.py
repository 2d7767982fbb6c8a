"""Site-wide pieces that know no domain: the public cache, JSON paging, text and link helpers.

`institutions` and `events` import from here; nothing here imports them (README, "Layout").
"""
