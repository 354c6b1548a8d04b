#!/usr/bin/env bash
# Runs `netpol-intent diff` for each intent in INTENTS (one per line) against AGAINST; writes
# the step outputs, the Markdown report to the job summary and the report in FORMAT to a file.
# Invalid intents and policies become annotations; the status follows FAIL_ON.
# shellcheck disable=SC2016 # backquotes in Markdown text
set -euo pipefail

case "$FORMAT" in
  markdown) ext=md ;;
  text) ext=txt ;;
  json) ext=json ;;
  *) echo "::error title=netpol-intent::input \`format\` must be markdown, text or json, not \`$FORMAT\`"; exit 2 ;;
esac
case "$FAIL_ON" in
  differences | dangers | never) ;;
  *) echo "::error title=netpol-intent::input \`fail-on\` must be never, dangers or differences, not \`$FAIL_ON\`"; exit 2 ;;
esac

out="$RUNNER_TEMP/netpol-intent"
rm -rf "$out"
mkdir -p "$out"
jsons=() markdowns=() texts=() invalid=() failing=false n=0

while IFS= read -r intent; do
  intent="$(echo "$intent" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')"
  [ -n "$intent" ] || continue
  n=$((n + 1))
  status=0
  "$NETPOL_INTENT" --error-format github diff "$intent" --against "$AGAINST" --format json \
    --fail-on "$FAIL_ON" </dev/null >"$out/$n.json" 2>"$out/$n.err" || status=$?
  cat "$out/$n.err" # the annotations, on the step's output where the runner reads them
  case "$status" in
    0) ;;
    1) failing=true ;;
    *) invalid+=("$intent"); continue ;;
  esac
  jsons+=("$out/$n.json")
  "$NETPOL_INTENT" diff "$intent" --against "$AGAINST" --format markdown --fail-on never </dev/null >"$out/$n.md"
  markdowns+=("$out/$n.md")
  if [ "$FORMAT" = text ]; then
    "$NETPOL_INTENT" diff "$intent" --against "$AGAINST" --format text --color never --fail-on never \
      </dev/null >"$out/$n.txt"
    texts+=("$out/$n.txt")
  fi
done <<<"$INTENTS"

if [ "${#jsons[@]}" -eq 0 ] && [ "${#invalid[@]}" -eq 0 ]; then
  echo "::error title=netpol-intent::input \`intent\` names no file"
  exit 2
fi

# Sums over every intent that could be compared.
total() { if [ "${#jsons[@]}" -gt 0 ]; then jq -s "map(.summary.$1) | add" "${jsons[@]}"; else echo 0; fi; }
drift=false
if [ "${#jsons[@]}" -gt 0 ] && [ "$(jq -s 'any(.[]; .differences)' "${jsons[@]}")" = true ]; then drift=true; fi

report="$out/report.$ext"
case "$FORMAT" in
  markdown) cat ${markdowns[@]+"${markdowns[@]}"} /dev/null >"$report" ;;
  text) for t in ${texts[@]+"${texts[@]}"}; do cat "$t"; echo; done >"$report" ;;
  json) jq -s . ${jsons[@]+"${jsons[@]}"} /dev/null >"$report" ;;
esac

summary="$out/summary.md"
cat ${markdowns[@]+"${markdowns[@]}"} /dev/null >"$summary"
for intent in ${invalid[@]+"${invalid[@]}"}; do
  printf '### netpol-intent: `%s` could not be compared\n\nSee the errors annotated in the step log.\n\n' \
    "$intent" >>"$summary"
done
if [ "$(wc -c <"$summary")" -gt 1000000 ]; then
  printf '### netpol-intent\n\nThe report is larger than the 1 MiB a job summary holds: see the `report` output.\n' \
    >"$summary"
fi
cat "$summary" >>"$GITHUB_STEP_SUMMARY"

{
  echo "drift=$drift"
  for count in added changed removed dangerous widening; do echo "$count=$(total "$count")"; done
  echo "report=$report"
} >>"$GITHUB_OUTPUT"

if [ "${#invalid[@]}" -gt 0 ]; then
  exit 2
fi
if [ "$failing" = true ]; then
  echo "::error title=netpol-intent::$(total added) to add, $(total changed) to change, $(total removed) to remove, $(total dangerous) dangerous, $(total widening) widening (fail-on: $FAIL_ON)"
  exit 1
fi
