#!/usr/bin/env bash
# Posts the report (the Markdown file $1) as one sticky pull-request comment, or updates the
# comment an earlier run posted: the one whose body starts with a hidden marker made from $2
# (the use's inputs), so that each use of the action keeps a comment of its own. Uses the REST
# API at GITHUB_API_URL, for the pull request of the event in GITHUB_EVENT_PATH, with
# GITHUB_TOKEN (the job's token unless the `github-token` input says otherwise; it needs
# `pull-requests: write`). What goes wrong here is a warning and exit status 0: the comment is
# a convenience; the job summary, the outputs and the status of the step stand without it.
set -euo pipefail

warn() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  echo "::warning title=netpol-intent comment::${s//$'\n'/%0A}"
  exit 0
}

number=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:-/dev/null}" 2>/dev/null || true)
[[ "$number" =~ ^[1-9][0-9]{0,9}$ ]] ||
  warn "comment: true, but this run is not for a pull request (event ${GITHUB_EVENT_NAME:-unknown}): no comment"
[ -n "${GITHUB_TOKEN:-}" ] || warn "comment: true, but the github-token input is empty: no comment"
[[ "${GITHUB_REPOSITORY:-}" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
  warn "GITHUB_REPOSITORY is not owner/name: no comment"

if command -v sha256sum >/dev/null; then sum=(sha256sum); else sum=(shasum -a 256); fi
marker="<!-- netpol-intent report $(printf '%s' "$2" | "${sum[@]}" | cut -c 1-16) -->"
api="${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The token goes to curl in a file, never on its command line.
(
  umask 077
  printf 'Authorization: Bearer %s\nAccept: application/vnd.github+json\nX-GitHub-Api-Version: 2022-11-28\n' \
    "$GITHUB_TOKEN" >"$dir/headers"
)

# request METHOD URL [JSON_FILE]: the response's body in $dir/response; a warning unless 2xx.
request() {
  local args=(-sS -X "$1" -H @"$dir/headers" -H 'Expect:' -o "$dir/response" -w '%{http_code}')
  if [ $# -gt 2 ]; then args+=(-H 'Content-Type: application/json' --data-binary @"$3"); fi
  local status
  status=$(curl "${args[@]}" "$2") || warn "$1 $2: cannot reach the API"
  if ! [[ "$status" =~ ^2 ]]; then
    warn "$1 $2: HTTP $status: $(jq -r '.message? // empty' "$dir/response" 2>/dev/null | head -c 300)"
  fi
}

# The comment an earlier run posted, page by page (100 a page, the most the API gives).
id=''
for page in $(seq 1 100); do
  request GET "$api/issues/$number/comments?per_page=100&page=$page"
  id=$(jq -r --arg m "$marker" '[.[] | select(.body | startswith($m)) | .id][0] // empty' "$dir/response")
  if [ -n "$id" ] || [ "$(jq length "$dir/response")" -lt 100 ]; then break; fi
done

# A comment holds at most 65,536 characters: a longer report is left to the job summary.
{
  printf '%s\n' "$marker"
  if [ "$(wc -c <"$1")" -le 60000 ]; then
    cat "$1"
  else
    head -n 1 "$1"
    printf '\nThe full report is longer than a comment holds: see the job summary of this run.\n'
  fi
} >"$dir/body.md"
jq -n --rawfile body "$dir/body.md" '{body: $body}' >"$dir/request.json"

if [ -n "$id" ]; then
  [[ "$id" =~ ^[0-9]+$ ]] || warn "the API gave a comment id that is not a number"
  request PATCH "$api/issues/comments/$id" "$dir/request.json"
  echo "netpol-intent: updated the comment on pull request #$number"
else
  request POST "$api/issues/$number/comments" "$dir/request.json"
  echo "netpol-intent: commented on pull request #$number"
fi
