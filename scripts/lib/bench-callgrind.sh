#!/usr/bin/env bash
# scripts/bench callgrind: instruction counts of the intake's and alerting's CPU paths (not a test),
# repeatable on a busy machine where seconds are not. Builds intake-bench (release, stripped of debug
# info), runs it under valgrind's callgrind and prints:
#   pipeline            intake-bench pipeline BODY 3: 3,000 events decoded, normalised, redacted and
#                       written as spool records, as POST /api/v1/logs does between body and spool
#   alerting            intake-bench alerting BODY 6: 60,000 spool records through alerting's evaluator
#                       path, per record after the start-up (ROUNDS 0)
#   alerting, peek      the same, the level and service peeked at in the document (format-1 records)
#   alerting, shedding  the same while shedding below error (far behind the spool, alerting.shed_below)
#   sinks               sink-bench BODY 3 STEP: per event after the start-up (ROUNDS 0), a batch of spool
#                       records decoded (decode), then written as BSON (mongodb) or as a _bulk body
#                       (elasticsearch body), and a _bulk answer read item by item (elasticsearch answer)
# BODY is var/bench/callgrind/body.ndjson: made once by the phase-1 body's generator and kept (every
# scripts/bench run rewrites var/bench/body.ndjson), so counts stay comparable between builds; delete
# it for a new one. INTAKE_BENCH=path and SINK_BENCH=path measure other builds. Installs valgrind if it is missing.
# Results: var/bench/callgrind.txt (the callgrind files beside it, for callgrind_annotate).
set -euo pipefail
SCRIPT_NAME=bench-callgrind
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
dir=$VAR/bench/callgrind
mkdir -p "$dir" "$VAR/log"
command -v valgrind >/dev/null || { say "installing valgrind"; as_root apt-get install -y -qq valgrind >/dev/null; }
[[ -x $VENV/bin/python ]] || "$ROOT/scripts/install-deps"
body=$dir/body.ndjson
[[ -s $body ]] || "$VENV/bin/python" "$ROOT/scripts/lib/bench_tools.py" gen "$body" 1000 >/dev/null

# bench_binary PRODUCT [GIVEN]: GIVEN when set (INTAKE_BENCH, SINK_BENCH: another build), else PRODUCT
# built in release, copied beside the counts and stripped of its debug info (valgrind 3.19 cannot read DWARF 5).
bench_binary() {
  local product=$1 given=${2:-}
  if [[ -n $given ]]; then
    [[ -x $given ]] || die "$given is not an executable"
    echo "$given"
    return
  fi
  say "building $product (release; log: var/log/build-$product.log)"
  swift build -c release --product "$product" >"$VAR/log/build-$product.log" 2>&1 \
    || { tail_log "$VAR/log/build-$product.log"; die "the build failed"; }
  cp "$(swift build -c release --show-bin-path)/$product" "$dir/$product"
  strip --strip-debug "$dir/$product"
  echo "$dir/$product"
}
bin=$(bench_binary intake-bench "${INTAKE_BENCH:-}")
sink_bin=$(bench_binary sink-bench "${SINK_BENCH:-}")

# count NAME ARGS...: the instructions callgrind collected for one run of intake-bench (BIN=sink-bench's path: of it).
count() {
  local name=$1; shift
  local program=${BIN:-$bin}
  valgrind --tool=callgrind --callgrind-out-file="$dir/$name.out" "$program" "$@" 2>"$dir/$name.log" >/dev/null \
    || { cat "$dir/$name.log" >&2; die "${program##*/} $* failed under callgrind"; }
  sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$dir/$name.log"
}
# sink_step STEP: sink-bench's instructions per event for STEP (3 batches of 1,000, less the start-up).
sink_step() {
  local zero three
  zero=$(BIN=$sink_bin count "sink-$1-start" "$body" 0 "$1")
  three=$(BIN=$sink_bin count "sink-$1" "$body" 3 "$1")
  echo $(((three - zero) / 3000))
}
pipeline=$(count pipeline pipeline "$body" 3)
start=$(count alerting-start alerting "$body" 0)
alerting=$(count alerting alerting "$body" 6)
peek=$(count alerting-peek alerting "$body" 6 peek)
shed=$(count alerting-shed alerting "$body" 6 shed)
sink_decode=$(sink_step decode) sink_mongo=$(sink_step mongo) sink_es=$(sink_step es) sink_answer=$(sink_step answer)
{
  echo "scripts/bench callgrind, $(date -u +%Y-%m-%dT%H:%MZ), $bin, body ${body#"$ROOT"/}"
  printf '  %-44s %15s\n' "pipeline (3,000 events), instructions" "$pipeline"
  printf '  %-44s %15s\n' "alerting, per record (60,000 records)" "$(( (alerting - start) / 60000 ))"
  printf '  %-44s %15s\n' "alerting with the peek, per record" "$(( (peek - start) / 60000 ))"
  printf '  %-44s %15s\n' "alerting while shedding, per record" "$(( (shed - start) / 60000 ))"
  printf '  %-44s %15s\n' "sinks: a record decoded, per event" "$sink_decode"
  printf '  %-44s %15s\n' "sinks: decoded + BSON (mongodb), per event" "$sink_mongo"
  printf '  %-44s %15s\n' "sinks: decoded + _bulk body, per event" "$sink_es"
  printf '  %-44s %15s\n' "sinks: _bulk answer read, per item" "$sink_answer"
} | tee "$VAR/bench/callgrind.txt"
