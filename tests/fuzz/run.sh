#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cc) with clang into BUILD_DIR and runs each
# for SECONDS seconds on a copy of its seed corpus (tests/fuzz/corpus/<name without _fuzz>).
# Any crash, leak, sanitizer report or timeout fails the run.
# usage: run.sh BUILD_DIR [SECONDS]
set -euo pipefail

build_dir=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)

cxx=$(command -v clang++-14 || command -v clang++ || true)
cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  echo "fuzz: clang is not installed (scripts/setup.sh installs clang-14)" >&2
  exit 1
fi

cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" \
  > "$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j"${FUZZ_JOBS:-2}"

status=0
for target in "$here"/*_fuzz.cc; do
  name=$(basename "$target" .cc)
  seeds="$here/corpus/${name%_fuzz}"
  corpus="$build_dir/corpus/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  if [ -d "$seeds" ]; then cp "$seeds"/* "$corpus"/; fi
  echo "fuzz: $name for ${seconds}s on $(ls "$corpus" | wc -l) seeds"
  if ! (cd "$build_dir" && "./$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 "$corpus" > "$build_dir/$name.log" 2>&1); then
    echo "fuzz: $name FAILED" >&2
    tail -60 "$build_dir/$name.log" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$build_dir/$name.log" | tail -2
  fi
done
exit $status
