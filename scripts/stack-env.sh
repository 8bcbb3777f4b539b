#!/bin/sh
# Entrypoint of the compose services that need secrets: exports the NAME=value lines that the
# one-shot `secrets` service wrote for this service (scripts/stack-secrets.mjs), then runs the
# service's own command. Secrets so never appear in docker-compose.yml or `docker inspect`.
# Usage: stack-env.sh <service> <command> [args...]
set -eu
if [ "$#" -lt 2 ]; then
  echo "usage: stack-env.sh <service> <command> [args...]" >&2
  exit 2
fi
service="$1"
shift
file="${PRIVATECLOUD_SECRETS_DIR:-/run/privatecloud-secrets}/$service.env"
if [ ! -r "$file" ]; then
  echo "stack-env: cannot read $file (the compose service \"secrets\" writes it on start)" >&2
  exit 1
fi
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    '' | '#'*) continue ;;
  esac
  name="${line%%=*}"
  case "$name" in
    '' | *[!A-Z0-9_]*)
      echo "stack-env: $file has a line that is not NAME=value" >&2
      exit 1
      ;;
  esac
  export "$name=${line#*=}"
done <"$file"
exec "$@"
