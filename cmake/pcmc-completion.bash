# bash completion for pcmc (installed as share/bash-completion/completions/pcmc): subcommands,
# options and their fixed values, and after -D/--define/--patch the switches declared by the
# scenario on the command line (`pcmc list switches SCENARIO.pcm`). The option names come from
# `pcmc --help` of the pcmc being completed, so they follow the binary.

# "--name 1" (takes a value) or "--name 0" per option of `PCMC --help`, short names too.
_pcmc_option_table() {
  "$1" --help 2>/dev/null | awk '/^  -/ {
    short = ""; long = ""; arg = 0
    n = split($0, f, " ")
    for (i = 1; i <= n; i++) {
      if (f[i] ~ /^--[a-z]/) long = f[i]
      else if (f[i] ~ /^-[a-zA-Z]$/) short = f[i]
      else if (f[i] == "[" || f[i] == "]") continue
      else { if (f[i] == "arg") arg = 1; break }
    }
    if (long != "") print long, arg
    if (short != "") print short, arg
  }'
}

_pcmc() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=
  [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local pcmc=${COMP_WORDS[0]}
  COMPREPLY=()
  case $prev in
    -D|--define|--patch)
      local w scenario=
      for w in "${COMP_WORDS[@]}"; do
        [[ $w == *.pcm && -f $w ]] && scenario=$w
      done
      [ -n "$scenario" ] &&
        COMPREPLY=($(compgen -W "$("$pcmc" list switches "$scenario" 2>/dev/null |
                                   awk '{print $1}')" -- "$cur"))
      return ;;
    --search) COMPREPLY=($(compgen -W "bfs dfs" -- "$cur")); return ;;
    --liveness|--por-locks|--symmetry) COMPREPLY=($(compgen -W "on off" -- "$cur")); return ;;
    --por) COMPREPLY=($(compgen -W "on off persistent sleep" -- "$cur")); return ;;
    --store) COMPREPLY=($(compgen -W "exact hashcompact" -- "$cur")); return ;;
    --engine) COMPREPLY=($(compgen -W "auto interp native" -- "$cur")); return ;;
    --progress) COMPREPLY=($(compgen -W "auto json off" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text columns md json" -- "$cur")); return ;;
    --rows) COMPREPLY=($(compgen -W "all violated" -- "$cur")); return ;;
    --debug-vm-mode) COMPREPLY=($(compgen -W "on off both" -- "$cur")); return ;;
    -I|--include|--trace-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --json|--html|-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  local table
  table=$(_pcmc_option_table "$pcmc")
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(awk '{print $1}' <<<"$table")" -- "$cur"))
    return
  fi
  # The words before the cursor that are not options nor option values: command, arguments.
  local -a args=()
  local i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      [[ $w != *=* ]] && grep -qx -- "$w 1" <<<"$table" && ((i++))
    else
      args+=("$w")
    fi
  done
  case ${#args[@]} in
    0) COMPREPLY=($(compgen -W "check list graph matrix replay explain" -- "$cur")) ;;
    1) if [ "${args[0]}" = list ]; then
         COMPREPLY=($(compgen -W "properties switches" -- "$cur"))
       else
         COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.pcm' -- "$cur"))
       fi ;;
    2) if [ "${args[0]}" = list ]; then
         COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.pcm' -- "$cur"))
       else
         COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
       fi ;;
  esac
}
complete -o filenames -F _pcmc pcmc
