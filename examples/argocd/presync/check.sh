#!/usr/bin/env bash
# Argo CD PreSync check: compares the live cluster's NetworkPolicies with the intent next to
# this script and fails the sync on dangerous drift only (`netpol-intent diff --fail-on
# dangers`): a change the sync would make that leaves pods non-isolated, or a policy in a
# managed namespace that the intent does not manage and that widens access. Any other drift
# (a policy missing or edited by hand) is printed, and left to the sync to repair.
set -euo pipefail

intent="$(dirname "$0")/network-intent.yaml"
live="$(kubectl get networkpolicies --all-namespaces -o yaml)" || {
  echo "netpol-intent: cannot read the live NetworkPolicies: failing the sync" >&2
  exit 2
}
status=0
netpol-intent diff "$intent" --against - --fail-on dangers --color never <<<"$live" || status=$?
case "$status" in
  0) echo "netpol-intent: no dangerous drift in the live cluster; the sync goes on" ;;
  1) echo "netpol-intent: dangerous drift in the live cluster (above): failing the sync" >&2 ;;
  *) echo "netpol-intent: the live policies could not be checked: failing the sync" >&2 ;;
esac
exit "$status"
