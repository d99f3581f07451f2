#!/bin/sh
# .ci/perf/header.sh BINARY HOME: hyperfine median of 20 of
# "tokenscope header prov0500" unlocked from TOKENSCOPE_IDENTITY against
# the store in HOME (HOME.id its identity file), beside --version alone.
set -eu
export TOKENSCOPE_HOME="$2" TOKENSCOPE_IDENTITY="$(cat "$2.id")"
out=$(mktemp)
hyperfine -N -w 5 -r 20 --export-json "$out" "$1 header prov0500" "$1 --version" >/dev/null 2>&1
python3 -c "
import json, sys
for r in json.load(open(sys.argv[1]))['results']: print('%-40s median %.2f ms'%(r['command'], r['median']*1000))" "$out"
rm -f "$out"
