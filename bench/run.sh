#!/usr/bin/env bash
# Builds the Release tree and runs the benchmarks (sfpe-bench), which write BENCHMARKS.md at the
# repository root and print it. The full run takes about 10 minutes; for a quick look:
#   bench/run.sh --records 20000 --capped-records 600 --rss-records 0 --probe-seconds 3
# Environment: SFPE_BENCH_BUILD_DIR (default <repo>/build-bench), SFPE_BENCH_JOBS (default 2).
# Options: bench/run.sh --help (those of sfpe-bench). bench/run.sh --parsers [ROUNDS] runs only
# sfpe-bench-parsers instead: the hand-written readers against simdjson and avro-c, in seconds.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SFPE_BENCH_BUILD_DIR:-$root/build-bench}

# Warnings are not errors here: GCC 12 at -O3 reports a false -Wrestrict inside std::string
# (GCC bug 105329); the CI build keeps -Werror.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSFPE_SANITIZE=OFF \
  -DSFPE_WERROR=OFF -DSFPE_BENCH=ON >/dev/null
if [ "${1:-}" = "--parsers" ]; then
  shift
  cmake --build "$build" -j "${SFPE_BENCH_JOBS:-2}" --target sfpe-bench-parsers
  exec "$build/bin/sfpe-bench-parsers" "$@"
fi
cmake --build "$build" -j "${SFPE_BENCH_JOBS:-2}" --target sfpe-sink sfpe-kafka-cluster \
  sfpe-schema-registry sfpe-salesforce-emulator sfpe-bench

exec "$build/bin/sfpe-bench" --output "$root/BENCHMARKS.md" "$@"
