#!/usr/bin/env bash
# Argo CD Config Management Plugin `generate`: prints the NetworkPolicies of every NetworkIntent
# file under the working directory (the application's path), and nothing else. Fails, with the
# reason on standard error, rather than print nothing: Argo CD would take empty output for "no
# resources" and, with auto-sync and prune, delete every policy of the application.
set -euo pipefail

pattern='^kind:[[:space:]]*NetworkIntent[[:space:]]*$'
mapfile -t intents < <(grep -rlE --include='*.yaml' --include='*.yml' "$pattern" . | LC_ALL=C sort)
if [ "${#intents[@]}" -eq 0 ]; then
  echo "netpol-intent: no NetworkIntent (a .yaml file with \`kind: NetworkIntent\`) in the application's directory; failing rather than rendering nothing" >&2
  exit 1
fi

output=""
for intent in "${intents[@]}"; do
  # An invalid intent fails here, its errors on standard error.
  policies="$(netpol-intent generate "$intent")"
  if [ -n "$output" ]; then output+=$'---\n'; fi
  output+="$policies"$'\n'
done

if ! grep -q '^kind: NetworkPolicy$' <<<"$output"; then
  echo "netpol-intent: ${intents[*]} generated no NetworkPolicy; failing rather than rendering nothing" >&2
  exit 1
fi
printf '%s' "$output"
