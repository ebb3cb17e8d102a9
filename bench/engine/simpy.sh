#!/bin/sh
# Compare sim/engine with SimPy 3 on the same M/M/1 model; installs
# python3-simpy3 via apt-get if needed. Extra flags go to simpyratio,
# e.g. ./bench/engine/simpy.sh -n 500000
set -eu
cd "$(dirname "$0")/../.."
exec go run ./bench/engine/cmd/simpyratio "$@"
