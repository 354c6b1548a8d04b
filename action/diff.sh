#!/usr/bin/env bash
# Runs `netpol-intent diff` for each intent in INTENTS (one per line) against AGAINST, among the
# workloads at WORKLOADS when it is set (else the intent's own); writes
# the step outputs, the Markdown report to the job summary (a one-line verdict, then a section
# per intent headed by its file, with the errors of one that could not be compared), the report
# in FORMAT to a file of this use's own, and with COMMENT=true the same report as a sticky
# pull-request comment (action/comment.sh). Invalid intents and policies become annotations;
# the status follows FAIL_ON.
#
# Every input is checked before it is used. Text from an input reaches the step's log only
# through `escape` (so a newline cannot start a workflow command) and the Markdown only through
# `code` (so a backtick cannot end a code span).
# shellcheck disable=SC2016 # backquotes in Markdown text
set -euo pipefail

# The text of a workflow command's message: `%`, CR and LF escaped, as the runner reads them.
escape() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}
error() { echo "::error title=netpol-intent::$(escape "$1")"; }

# A Markdown code span holding $1 literally: fenced by one backtick more than its longest run
# of backticks, padded with a space where it starts or ends with a backtick or a space.
code() {
  local longest fence pad=''
  longest=$(printf '%s' "$1" | { grep -o '`*' || true; } | awk '{ if (length > m) m = length } END { print m + 0 }')
  fence=$(printf '%*s' $((longest + 1)) '' | tr ' ' '`')
  case "$1" in '`'* | *'`' | ' '* | *' ') pad=' ' ;; esac
  printf '%s%s%s%s%s' "$fence" "$pad" "$1" "$pad" "$fence"
}

# A fenced code block holding the lines of file $1, fenced so that no line of it ends it.
block() {
  local longest fence
  longest=$({ grep -o '`*' "$1" || true; } | awk '{ if (length > m) m = length } END { print m + 0 }')
  fence=$(printf '%*s' $((longest < 2 ? 3 : longest + 1)) '' | tr ' ' '`')
  printf '%stext\n' "$fence"
  cat "$1"
  printf '%s\n' "$fence"
}

# A path as the command line reads it: `-` alone would be standard input.
as_path() { if [ "$1" = - ]; then printf './-'; else printf '%s' "$1"; fi; }

# The report of intent file $1 in the format the options after it ask for, on standard output.
# The intent comes after `--`, so that a path starting with `-` is a path, not an option.
report_of() {
  local path=$1
  shift
  "$NETPOL_INTENT" diff --against="$against" ${among[@]+"${among[@]}"} --fail-on never "$@" -- "$path" </dev/null
}

# --- The inputs, all checked before any is used ---------------------------------------------
problems=()
case "$FORMAT" in
  markdown) ext=md ;;
  text) ext=txt ;;
  json) ext=json ;;
  *) problems+=("input \`format\` must be markdown, text or json, not \`$FORMAT\`") ;;
esac
case "$FAIL_ON" in
  differences | dangers | never) ;;
  *) problems+=("input \`fail-on\` must be never, dangers or differences, not \`$FAIL_ON\`") ;;
esac
case "${COMMENT:-false}" in
  true | false) ;;
  *) problems+=("input \`comment\` must be true or false, not \`$COMMENT\`") ;;
esac
if [ -z "$AGAINST" ] || [[ "$AGAINST" =~ [[:cntrl:]] ]]; then
  problems+=("input \`against\` must be one path, not \`$AGAINST\`")
elif [ ! -e "$AGAINST" ]; then
  problems+=("input \`against\`: no file or directory \`$AGAINST\`")
fi
among=()
if [ -n "${WORKLOADS:-}" ]; then
  if [[ "$WORKLOADS" =~ [[:cntrl:]] ]]; then
    problems+=("input \`workloads\` must be one path, not \`$WORKLOADS\`")
  elif [ ! -e "$WORKLOADS" ]; then
    problems+=("input \`workloads\`: no file or directory \`$WORKLOADS\`")
  else
    among=(--workloads="$(as_path "$WORKLOADS")")
  fi
fi
listed=()
while IFS= read -r line || [ -n "$line" ]; do
  line=${line#"${line%%[![:space:]]*}"}
  line=${line%"${line##*[![:space:]]}"}
  [ -n "$line" ] || continue
  if [[ "$line" =~ [[:cntrl:]] ]]; then
    problems+=("input \`intent\`: a path holds a control character: \`$line\`")
  elif [ ! -f "$line" ]; then
    problems+=("input \`intent\`: no file \`$line\`")
  else
    listed+=("$line")
  fi
done <<<"$INTENTS"
if [ "${#listed[@]}" -eq 0 ] && [ "${#problems[@]}" -eq 0 ]; then
  problems+=("input \`intent\` names no file")
fi
if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do error "$p"; done
  exit 2
fi
against=$(as_path "$AGAINST")

# --- One diff per intent ----------------------------------------------------------------------
# A directory of this use's own: two uses in one job never share a report.
out=$(mktemp -d "$RUNNER_TEMP/netpol-intent-report-XXXXXXXX")
jsons=() sections=() texts=() invalid=() failing=false n=0
for intent in "${listed[@]}"; do
  n=$((n + 1))
  path=$(as_path "$intent")
  status=0
  "$NETPOL_INTENT" --error-format github diff --against="$against" ${among[@]+"${among[@]}"} \
    --format json --fail-on "$FAIL_ON" -- "$path" </dev/null >"$out/$n.json" 2>"$out/$n.err" || status=$?
  cat "$out/$n.err" # the annotations, on the step's output where the runner reads them
  section="$out/$n.section.md"
  case "$status" in
    0 | 1)
      [ "$status" = 0 ] || failing=true
      jsons+=("$out/$n.json")
      report_of "$path" --format markdown >"$out/$n.md"
      name=$(jq -r .intent "$out/$n.json")
      # The report's own heading, replaced by one that names the file too.
      {
        printf '### netpol-intent diff: intent %s in %s\n' "$(code "$name")" "$(code "$intent")"
        if head -n 1 "$out/$n.md" | grep -q '^### '; then tail -n +2 "$out/$n.md"; else cat "$out/$n.md"; fi
      } >"$section"
      if [ "$FORMAT" = text ]; then
        report_of "$path" --format text --color never >"$out/$n.txt"
        texts+=("$out/$n.txt")
      fi
      ;;
    *)
      report_of "$path" --format text >/dev/null 2>"$out/$n.errors.txt" || true
      errors=$(grep -c '^error' "$out/$n.errors.txt" || true)
      invalid+=("$(code "$intent") could not be compared ($errors error$([ "$errors" = 1 ] || echo s))")
      {
        printf '### netpol-intent: %s could not be compared\n\n' "$(code "$intent")"
        block "$out/$n.errors.txt"
        printf '\n'
      } >"$section"
      ;;
  esac
  sections+=("$section")
done

# --- Counts, verdict, summary, outputs ----------------------------------------------------------
# Sums over every intent that could be compared.
total() { if [ "${#jsons[@]}" -gt 0 ]; then jq -s "map(.summary.$1) | add" "${jsons[@]}"; else echo 0; fi; }
drift=false
if [ "${#jsons[@]}" -gt 0 ] && [ "$(jq -s 'any(.[]; .differences)' "${jsons[@]}")" = true ]; then drift=true; fi
opened=$(total opened)
connections="$opened connection$([ "$opened" = 1 ] || echo s) opened, $(total closed) closed"
counts="$(total added) to add, $(total changed) to change, $(total removed) to remove, $(total dangerous) dangerous, $(total widening) widening"
compared="${#jsons[@]} intent$([ "${#jsons[@]}" = 1 ] || echo s) compared with $(code "$AGAINST")"
if [ -n "${WORKLOADS:-}" ]; then compared="$compared, among the workloads of $(code "$WORKLOADS")"; fi

reasons=()
if [ "${#invalid[@]}" -gt 0 ]; then
  joined=$(printf '%s; ' "${invalid[@]}")
  reasons+=("${joined%; }")
fi
if [ "$failing" = true ]; then reasons+=("$connections; $counts, and \`fail-on\` is \`$FAIL_ON\`"); fi
if [ "${#reasons[@]}" -gt 0 ]; then
  joined=$(printf '%s; ' "${reasons[@]}")
  verdict="**netpol-intent: failed**: ${joined%; }."
elif [ "$drift" = true ]; then
  verdict="**netpol-intent: passed**, with drift that \`fail-on: $FAIL_ON\` allows: $connections; $counts ($compared)."
else
  verdict="**netpol-intent: passed**: no differences ($compared)."
fi

summary="$out/summary.md"
{
  printf '%s\n\n' "$verdict"
  cat "${sections[@]}"
} >"$summary"
if [ "$(wc -c <"$summary")" -gt 1000000 ]; then
  printf '%s\n\nThe report is larger than the 1 MiB a job summary holds: see the `report` output.\n' \
    "$verdict" >"$summary"
fi
cat "$summary" >>"$GITHUB_STEP_SUMMARY"

report="$out/report.$ext"
case "$FORMAT" in
  markdown) cp "$summary" "$report" ;;
  text) for t in ${texts[@]+"${texts[@]}"}; do cat "$t"; echo; done >"$report" ;;
  json) jq -s . ${jsons[@]+"${jsons[@]}"} /dev/null >"$report" ;;
esac

{
  echo "drift=$drift"
  for count in added changed removed dangerous widening opened closed; do echo "$count=$(total "$count")"; done
  echo "report=$report"
} >>"$GITHUB_OUTPUT"

if [ "${COMMENT:-false}" = true ]; then
  bash "$GITHUB_ACTION_PATH/action/comment.sh" "$summary" "$INTENTS"$'\n'"$AGAINST"
fi

if [ "${#invalid[@]}" -gt 0 ]; then
  exit 2
fi
if [ "$failing" = true ]; then
  error "$counts (fail-on: $FAIL_ON)"
  exit 1
fi
