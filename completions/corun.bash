# bash completion for corun: subcommands, each subcommand's options, the
# values of --clock, and scenario files (*.yaml, *.yml) and directories where
# a scenario or a path is expected. Installed as
# share/bash-completion/completions/corun (bash-completion loads it the first
# time `corun <TAB>` is pressed); without bash-completion, `source` it from
# ~/.bashrc. Plain bash only (complete, compgen, compopt): it needs none of
# bash-completion's helpers.
#
# Invariant: the lists below are corun's own options, exactly: the test
# tests/cli/completion.py compares them with `corun --help` and
# `corun COMMAND --help`, so a new option or subcommand fails it until it is
# added here (a new subcommand: its name in _corun_commands and its options
# in _corun_<name>_options; its other words complete as scenario paths).

_corun_commands="run test export check schema help"
_corun_top_options="-h --help -V --version"
_corun_run_options="-h --help --clock --speed --allow-network --debug --max-steps --max-depth --max-busy --max-memory
  --max-file-size --max-spin --trace --trace-file --timeline --width --trace-json --timeline-svg --block"
_corun_test_options="-h --help -j --jobs -u --update --timeout -k --list --shard --junit -v --verbose --ci --golden --md"
_corun_export_options="-h --help -o --output --max-file-size"
_corun_check_options="-h --help --format --max-file-size"
_corun_schema_options="-h --help"

# Scenario files and directories matching the word being completed.
_corun_scenarios() {
  local cur=$1
  compopt -o filenames 2>/dev/null
  COMPREPLY+=($(compgen -d -- "$cur"))
  COMPREPLY+=($(compgen -f -X '!*.yaml' -- "$cur"))
  COMPREPLY+=($(compgen -f -X '!*.yml' -- "$cur"))
  COMPREPLY+=($(compgen -f -X '!*.md' -- "$cur"))
}

_corun() {
  COMPREPLY=()
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

  # The subcommand: the first word after `corun` that is one; none means
  # `run` (corun FILE.yaml is corun run FILE.yaml).
  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " $_corun_commands " in
      *" ${COMP_WORDS[i]} "*) command=${COMP_WORDS[i]}; break ;;
    esac
  done

  # The value of an option that takes one.
  case $prev in
    --clock)
      COMPREPLY=($(compgen -W "virtual real" -- "$cur"))
      return ;;
    --trace-file | --trace-json | --timeline-svg | -o | --output)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --format)
      COMPREPLY=($(compgen -W "text json" -- "$cur"))
      return ;;
    --golden)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -d -- "$cur"))
      return ;;
    --speed | --max-steps | --max-depth | --max-busy | --max-memory | --max-file-size | --max-spin | --width | \
      -j | --jobs | --timeout)
      return ;;  # a number: nothing to offer
  esac

  case $command in
    "")
      if ((COMP_CWORD == 1)) && [[ $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$_corun_commands" -- "$cur"))
        _corun_scenarios "$cur"
      elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_corun_top_options $_corun_run_options" -- "$cur"))
      else
        _corun_scenarios "$cur"
      fi ;;
    help)
      COMPREPLY=($(compgen -W "$_corun_commands" -- "$cur")) ;;
    *)  # run, test, export, ...: _corun_<command>_options, then paths
      if [[ $cur == -* ]]; then
        local options_var="_corun_${command}_options"
        COMPREPLY=($(compgen -W "${!options_var}" -- "$cur"))
      else
        _corun_scenarios "$cur"
      fi ;;
  esac
}

complete -F _corun corun
