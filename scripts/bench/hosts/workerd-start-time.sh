#!/bin/sh
# Stands in for workerd under Miniflare (MINIFLARE_WORKERD_PATH) to note, in epoch nanoseconds,
# when the workerd process starts: a node's cold start is timed from there, not from Node's.
date +%s%N > "$BENCH_WORKERD_STARTED_AT"
exec "$BENCH_WORKERD" "$@"
