#!/usr/bin/env bash
# Installs every build, test and demo dependency of sfpe-sink from Debian 12 packages; with
# --fuzz also clang for tests/fuzz/run.sh.
# Idempotent and non-interactive; nothing is fetched from anywhere but the Debian archive.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librdkafka-dev          # Kafka client, and the mock cluster behind testing/kafka
  libcurl4-openssl-dev    # HTTP client towards Salesforce and the Schema Registry
  libssl-dev
  nlohmann-json3-dev
  libspdlog-dev libfmt-dev
  libcli11-dev
  libcpp-httplib-dev      # HTTP servers of the test fixtures (testing/)
  libavro-dev             # Apache Avro C: the independent Avro encoder used by tests and the demo
  libprotobuf-dev libprotoc-dev protobuf-compiler  # ProtobufConverter parses registry schemas
                          # at run time (libprotoc: the .proto parser)
  libgrpc++-dev protobuf-compiler-grpc  # the Pub/Sub API publisher and its emulator
  python3-confluent-kafka python3-requests python3-jsonschema python3-protobuf python3-avro
                          # Confluent's own serializers for the conformance tests
  libsimdjson-dev         # bench/parsers.cc: the SaveResults scanner against simdjson
  libgtest-dev libgmock-dev
  openssl ca-certificates
  tinyproxy               # a real forward proxy for the http.proxy integration tests, which
                          # start their own instance (its system service plays no part)
)

# The long libFuzzer runs (tests/fuzz/run.sh) need clang; the test suite does not.
if [ "${1:-}" = "--fuzz" ]; then packages+=(clang-14 libclang-rt-14-dev); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# tinyproxy's package starts a system service; the tests start their own instances instead.
if [[ " ${missing[*]} " == *" tinyproxy "* ]]; then
  $SUDO systemctl disable --now tinyproxy 2>/dev/null || true
fi
