# Sourced by bench/reproduce and bench/crosscheck: whether a run folder is finished, and its line in --list.
finished() {  # a run is finished when summary.json exists and metrics.jsonl holds its last epoch
  local dir=$1
  [ -f "$dir/summary.json" ] || return 1
  local epochs; epochs=$(grep -o '"epochs": *[0-9]*' "$dir/summary.json" | grep -o '[0-9]*$')
  [ "$(grep -c . "$dir/metrics.jsonl")" -ge "$epochs" ]
}
list_line() {  # DIR NAME: "done", "partial" (a folder without every epoch) or "todo", then the name
  if finished "$1"; then echo "done     $2"; elif [ -d "$1" ]; then echo "partial  $2"; else echo "todo     $2"; fi
}
