#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cc) with clang into BUILD_DIR and runs each
# for SECONDS seconds on a copy of its checked-in corpus (tests/fuzz/corpus/<name without _fuzz>).
# Any crash, leak, sanitizer report or timeout fails the run, and leaves the input that caused
# it as BUILD_DIR/crash-* (copy it into the corpus once fixed: the test suite replays it).
# With FUZZ_MERGE=1 the inputs that reached new code are merged back into the checked-in corpus
# (libFuzzer -merge=1 keeps only those; -use_counters=0 counts an edge once, not its hit counts,
# which keeps the corpus small), which is how the corpus grows.
# The test suite does not run this: it replays the corpora without clang (fuzz_<target> tests).
# usage: run.sh BUILD_DIR [SECONDS] [TARGET...]   (TARGET: avro, save_results, jks, ...)
set -euo pipefail

build_dir=${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}
seconds=${2:-20}
shift $(( $# < 2 ? $# : 2 ))
here=$(cd "$(dirname "$0")" && pwd)

cxx=$(command -v clang++-14 || command -v clang++ || true)
cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  echo "fuzz: clang is not installed (scripts/setup.sh --fuzz installs clang-14)" >&2
  exit 1
fi

mkdir -p "$build_dir"
build_dir=$(cd "$build_dir" && pwd)
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
  > "$build_dir/configure.log" 2>&1 || { cat "$build_dir/configure.log"; exit 1; }

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for source in "$here"/*_fuzz.cc; do targets+=("$(basename "$source" _fuzz.cc)"); done
fi
cmake --build "$build_dir" -j"${FUZZ_JOBS:-2}" --target "${targets[@]/%/_fuzz}"

status=0
for target in "${targets[@]}"; do
  name=${target}_fuzz
  seeds="$here/corpus/$target"
  corpus="$build_dir/corpus/$target"
  rm -rf "$corpus"
  mkdir -p "$corpus" "$seeds"
  cp "$seeds"/* "$corpus"/ 2>/dev/null || true
  dict=()
  if [ -f "$here/$target.dict" ]; then dict=(-dict="$here/$target.dict"); fi
  echo "fuzz: $target for ${seconds}s on $(ls "$corpus" | wc -l) inputs"
  if ! (cd "$build_dir" && "./$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 "${dict[@]}" "$corpus" \
        > "$build_dir/$name.log" 2>&1); then
    echo "fuzz: $target FAILED" >&2
    tail -60 "$build_dir/$name.log" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$build_dir/$name.log" | tail -2
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
      before=$(ls "$seeds" | wc -l)
      "$build_dir/$name" -merge=1 -use_counters=0 -max_len=4096 "$seeds" "$corpus" \
        > "$build_dir/$name.merge.log" 2>&1
      echo "fuzz: $target corpus $before -> $(ls "$seeds" | wc -l) inputs"
    fi
  fi
done
exit $status
