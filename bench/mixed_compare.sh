#!/bin/sh
# Before/after, side by side, on one database (issue 16 item 8, docs/decisions/0091):
# bench/load.py --mixed from a copy of main and from this tree, in turn, twice (ABAB), so
# that the noise of a shared machine shows in the figures.
#
#   BEFORE=/tmp/suar-speed2/main KEEP=/tmp/suar-speed2 \
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/suar_speed2 sh bench/mixed_compare.sh
#
# BEFORE is main unpacked (git archive main | tar -x -C "$BEFORE", translations compiled);
# KEEP a folder that bench/load.py seeded (its .seeded file). Extra arguments go to load.py.
set -e
AFTER=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$AFTER/.venv/bin/python}
for round in 1 2; do
    for side in before after; do
        tree=$([ "$side" = before ] && echo "$BEFORE" || echo "$AFTER")
        echo "== round $round, $side ($tree), $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
        (cd "$tree" && "$PYTHON" bench/load.py --keep "$KEEP" --mixed "$@")
    done
done
