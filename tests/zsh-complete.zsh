# zsh-complete.zsh DIR WORDS: what zsh's completion (compinit, with the
# completion functions of DIR first in fpath) makes of the command line WORDS
# after one TAB, printed as the new command line.  An interactive zsh runs
# in a pseudo-terminal (zsh/zpty); a key bound to a widget prints the
# buffer between markers that the typed text itself does not contain.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; sgplan () { :; }"
zpty -w z "show-buffer () { print -r -- \"\"; print -r -- \"<\"\"<\$BUFFER>\"\">\"; }; zle -N show-buffer; bindkey '^X' show-buffer"
zpty -w -n z $2$'\t'
sleep 0.5
zpty -w -n z $'\x18'
out=""
for i in {1..50}; do
  if zpty -r -t z chunk; then out+=$chunk; [[ $out == *'>>'* ]] && break; else sleep 0.1; fi
done
print -r -- ${${out##*<<}%%>>*}
zpty -d z
