#!/usr/bin/env bash
# Runs the libFuzzer harnesses one after the other (2 cores are shared: one process each).
#   fuzz/run.sh <build dir> <seconds per harness> [harness ...]   search: make fuzz
#   fuzz/run.sh --runs=N <build dir> [harness ...]                 check: make test-fuzz
# First every saved input in fuzz/regressions/<harness>/ is replayed (each once found a bug).
# A search then fuzzes each harness for the given time from its corpus, <build dir>/corpus/<h>
# (grows from run to run), seeded from fuzz/corpus/<harness>/ and the test data. A check runs N
# inputs with a fixed seed from the seeds alone, in a fresh directory: the same binary makes the
# same inputs on every machine, so a check that passed here passes in CI (new findings are the
# search's job, not a test's). A finding is saved under <build dir>/artifacts/<harness>/ and
# fails the run.
set -euo pipefail

runs=""
seconds=""
if [[ "${1:-}" == --runs=* ]]; then
  runs=${1#--runs=}
  shift
  build=${1:?usage: $0 --runs=N <build dir> [harness ...]}
  shift
else
  build=${1:?usage: $0 <build dir> <seconds> [harness ...]}
  seconds=${2:?usage: $0 <build dir> <seconds> [harness ...]}
  shift 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
all=(zone_parser directadmin_form sdk_json plugin_settings swim_wire swim_digest http_request http_routing config rndc_message)
harnesses=("${@:-${all[@]}}")

# Seeds beyond fuzz/corpus/<harness>.
seeds() {
  case "$1" in
    zone_parser) echo "$root/tests/data/zones/valid $root/tests/data/zones/invalid" ;;
    config) echo "$root/tests/data/config $root/etc" ;;
  esac
}

# libFuzzer options beyond the common ones.
options() {
  case "$1" in
    http_request) echo "-max_len=16384" ;; # room for head and chunk-line limits (4 KiB and more)
    zone_parser) echo "-max_len=8192" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

failed=()
summary=()
for h in "${harnesses[@]}"; do
  bin="$build/bin/fuzz_$h"
  [ -x "$bin" ] || { echo "no harness $bin (build with make fuzz-build)" >&2; exit 2; }
  corpus="$build/corpus/$h"
  artifacts="$build/artifacts/$h"
  log="$build/logs/$h.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"

  regressions=("$root/fuzz/regressions/$h"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "== $h: replaying ${#regressions[@]} regression input(s)"
    if ! "$bin" -runs=1 "${regressions[@]}" > "$log.regressions" 2>&1; then
      echo "FAILED: $h regression input(s); see $log.regressions" >&2
      tail -30 "$log.regressions" >&2
      failed+=("$h (regressions)")
      continue
    fi
  fi

  if [ -n "$runs" ]; then
    echo "== $h: $runs inputs, seed 1"
    corpus="$build/corpus-check/$h"
    rm -rf "$corpus" && mkdir -p "$corpus"
    budget=(-runs="$runs" -seed=1)
  else
    echo "== $h: fuzzing for ${seconds}s"
    budget=(-max_total_time="$seconds")
  fi
  status=0
  # shellcheck disable=SC2046 # seed directories are words
  "$bin" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $(options "$h") \
    -artifact_prefix="$artifacts/" "$corpus" "$root/fuzz/corpus/$h" $(seeds "$h") > "$log" 2>&1 || status=$?
  line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  summary+=("$h: ${line:-no progress line} (${execs:-?} runs; corpus $(find "$corpus" -type f | wc -l) files)")
  if [ "$status" -ne 0 ]; then
    echo "FAILED: $h (exit $status); see $log and $artifacts" >&2
    grep -E 'ERROR|violated|SUMMARY|Test unit written' "$log" >&2 || tail -30 "$log" >&2
    failed+=("$h")
  fi
done

echo "== summary (${runs:+$runs inputs}${seconds:+${seconds}s} each)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
