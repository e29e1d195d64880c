#!/bin/sh
# Writes shardlab's man page from its own help texts (help2man): the overview from
# `shardlab --help`, the version from `shardlab --version`, and each command's --help as
# a subsection of COMMANDS. Usage: run/man.sh path/to/shardlab out/shardlab.1
set -eu
bin=$1
out=$2
include=$(mktemp)
trap 'rm -f "$include"' EXIT
{
  echo "[COMMANDS]"
  for command in run validate list repro; do
    echo ".SS shardlab $command"
    echo ".nf"
    # roff: a line starting with '.' or "'" is a request; a backslash escapes.
    "$bin" "$command" --help | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
    echo ".fi"
  done
  echo "[SEE ALSO]"
  echo "README.md, scenarios/README.md and scenarios/CLAIMS.md in the shardlab repository."
} > "$include"
mkdir -p "$(dirname "$out")"
help2man --no-info --no-discard-stderr --section=1 \
  --name="measure and fault-test sharding data over many SQLite files" \
  --include="$include" --output="$out" "$bin"
