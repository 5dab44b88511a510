"""The data generation: a counter of writes to public data, and what each write changed (tags).

The page cache (app/pagecache) and the memo of figures (app/memo.py) both decide from it what
they may keep; it sits below every feature and imports none (docs/decisions/0091).
"""
