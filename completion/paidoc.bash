# bash completion for paidoc(1).  Installed as
# share/bash-completion/completions/paidoc by make install; or source it.
# tests/prop/manpage.sh checks that it knows every option of --help.

_paidoc() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local formats="txt md html docx json tree"
    local modes="keep preview full only"
    local opts="-f --from -t --to -o --output -s --standalone --css --style
        --reference-doc -M --metadata --encoding --unsafe --strict
        --paid --paywall-text --paywall-url --paid-style --free-ratio
        --free-paragraphs --free-until-heading -d --output-dir -j --jobs
        -r --recursive --manifest --lint --stats --stats=json --max-input
        --max-depth --max-part --max-total --time-limit --list-formats
        -h --help -v --version"
    COMPREPLY=()

    case $prev in
    -f|--from)
        COMPREPLY=($(compgen -W "$formats markdown commonmark" -- "$cur"))
        return ;;
    -t|--to)
        # A comma-separated list of FMT or FMT:MODE: complete the last one.
        local head="" f m words=""
        case $cur in *,*) head=${cur%,*}, ;; esac
        for f in $formats; do
            words="$words $head$f"
            for m in $modes; do words="$words $head$f:$m"; done
        done
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return ;;
    --paid)
        COMPREPLY=($(compgen -W "$modes" -- "$cur")); return ;;
    --paid-style)
        COMPREPLY=($(compgen -W "fastadmin ghost wordpress html-comment" -- "$cur"))
        return ;;
    --style)
        COMPREPLY=($(compgen -W "gongwen plain" -- "$cur")); return ;;
    --encoding)
        COMPREPLY=($(compgen -W "UTF-8 UTF-16 GB18030 GBK GB2312 BIG5" -- "$cur"))
        return ;;
    -M|--metadata)
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "title= author= date= lang=" -- "$cur"))
        return ;;
    -d|--output-dir)
        COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --reference-doc)
        COMPREPLY=($(compgen -f -X '!*.docx' -- "$cur")); return ;;
    -o|--output|--manifest)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -j|--jobs|--css|--paywall-text|--paywall-url|--free-ratio|\
    --free-paragraphs|--free-until-heading|--max-input|--max-depth|\
    --max-part|--max-total|--time-limit)
        return ;;   # a value of the user's own
    esac

    case $cur in
    -*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
    *)  COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -o filenames -F _paidoc paidoc
