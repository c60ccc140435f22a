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
# BODY is var/bench/callgrind/body.ndjson: made once by the phase-1 body's generator and kept (every
# scripts/bench run rewrites var/bench/body.ndjson), so counts stay comparable between builds; delete
# it for a new one. INTAKE_BENCH=path measures another build. Installs valgrind if it is missing.
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

bin=${INTAKE_BENCH:-}
if [[ -z $bin ]]; then
  say "building intake-bench (release; log: var/log/build-intake-bench.log)"
  swift build -c release --product intake-bench >"$VAR/log/build-intake-bench.log" 2>&1 \
    || { tail_log "$VAR/log/build-intake-bench.log"; die "the build failed"; }
  bin=$dir/intake-bench
  cp "$(swift build -c release --show-bin-path)/intake-bench" "$bin"
  strip --strip-debug "$bin"
fi
[[ -x $bin ]] || die "INTAKE_BENCH=$bin is not an executable"

# count NAME ARGS...: the instructions callgrind collected for one run of intake-bench.
count() {
  local name=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$dir/$name.out" "$bin" "$@" 2>"$dir/$name.log" >/dev/null \
    || { cat "$dir/$name.log" >&2; die "intake-bench $* failed under callgrind"; }
  sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$dir/$name.log"
}
pipeline=$(count pipeline pipeline "$body" 3)
start=$(count alerting-start alerting "$body" 0)
alerting=$(count alerting alerting "$body" 6)
peek=$(count alerting-peek alerting "$body" 6 peek)
shed=$(count alerting-shed alerting "$body" 6 shed)
{
  echo "scripts/bench callgrind, $(date -u +%Y-%m-%dT%H:%MZ), $bin, body ${body#"$ROOT"/}"
  printf '  %-44s %15s\n' "pipeline (3,000 events), instructions" "$pipeline"
  printf '  %-44s %15s\n' "alerting, per record (60,000 records)" "$(( (alerting - start) / 60000 ))"
  printf '  %-44s %15s\n' "alerting with the peek, per record" "$(( (peek - start) / 60000 ))"
  printf '  %-44s %15s\n' "alerting while shedding, per record" "$(( (shed - start) / 60000 ))"
} | tee "$VAR/bench/callgrind.txt"
