#!/usr/bin/env bash
# Checks of the installed application (tests/install/CMakeLists.txt registers one CTest test per
# check):  install_checks.sh CHECK PREFIX [BUILD_DIR]
#   tree              install BUILD_DIR into PREFIX (fresh) and check every file is there
#   cli_info          the installed latentlab-cli describes the installed default model, run from
#                     an unrelated folder; --version names every library
#   gui_first_image   the installed latentlab, with no argument, opens the installed faces-vae and
#                     shows its first image (offscreen; the LATENTLAB_SCREENSHOT hook)
#   desktop_entry     desktop-file-validate, and the entry's Exec/Icon/MimeType point at what is installed
#   metainfo          appstreamcli validate --no-net on the metainfo, validate-tree on the prefix
#   mime_association  the MIME database types a .llckpt (by name and by content), the desktop entry
#                     is its default application, and `gio open` on a checkpoint starts the GUI on it
#   man_pages         every verb of latentlab-cli --help has its section with all its options;
#                     man renders both pages without a warning (lintian's command)
#   bash_completion   the completions complete verbs, options and option values
#   lintian           cpack -G DEB into PREFIX (here a package folder), then lintian: no error
# Needs LATENTLAB_APP_ID in the environment.
set -euo pipefail
check=$1 prefix=$2 build=${3:-}
app=${LATENTLAB_APP_ID:?}
share=$prefix/share
model=$share/latentlab/models/faces-vae.llckpt
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# A folder of its own, away from the source and build trees, removed at the end.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The comma-separated latent the GUI's screenshot hook stored in the PNG: its number of values.
screenshot_latent_size() {
  /usr/bin/python3 - "$1" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos = 8
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    key, _, text = body.partition(b"\0")
    if kind == b"zTXt":
        text = zlib.decompress(text[1:])
    elif kind == b"iTXt":  # flag, method, language\0, translated keyword\0, text
        flag, text = text[0], text[2:].split(b"\0", 2)[2]
        text = zlib.decompress(text) if flag else text
    if key == b"latentlab.latent":
        print(len(text.split(b",")))
        sys.exit(0)
    pos += 12 + length
sys.exit("no latentlab.latent text in " + sys.argv[1])
EOF
}

# Environment of a GUI run that touches nothing of the user's and quits after its first image.
gui_environment() {
  export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
  export LATENTLAB_AUTOSAVE_DIR=$work/autosave LATENTLAB_SCREENSHOT=$work/shot.png
  export LATENTLAB_QUIT_AFTER_MS=90000
  mkdir -p "$HOME"
}

latent_dim_of() {
  "$prefix/bin/latentlab-cli" info --json "$1" | sed -n 's/^ *"latent_dim": *\([0-9]*\).*/\1/p'
}

case $check in
tree)
  [ -n "$build" ] || fail "tree needs the build folder"
  rm -rf "$prefix"
  "${CMAKE:-cmake}" --install "$build" --prefix "$prefix" > /dev/null
  for file in bin/latentlab bin/latentlab-cli \
    share/latentlab/models/{faces-vae,fashion-vae,faces-dcgan}.{llckpt,md} \
    "share/applications/$app.desktop" "share/metainfo/$app.metainfo.xml" \
    "share/mime/packages/$app.xml" "share/icons/hicolor/scalable/apps/$app.svg" \
    "share/icons/hicolor/256x256/apps/$app.png" share/man/man1/latentlab{,-cli}.1.gz \
    share/bash-completion/completions/latentlab{,-cli} share/doc/latentlab/{copyright,changelog.gz}; do
    [ -s "$prefix/$file" ] || fail "not installed: $file"
  done
  # Every image a model card shows is installed beside it.
  for card in "$share"/latentlab/models/*.md; do
    for image in $(grep -o '([a-z0-9-]*\.png)' "$card" | tr -d '()'); do
      [ -f "$share/latentlab/models/$image" ] || fail "$card shows $image, not installed"
    done
  done
  size=$(od -An -tx1 -j16 -N8 "$share/icons/hicolor/256x256/apps/$app.png" | tr -d ' \n')
  [ "$size" = 0000010000000100 ] || fail "the PNG icon is not 256x256 (IHDR $size)"
  ;;

cli_info)
  out=$("$prefix/bin/latentlab-cli" info "$model")
  echo "$out"
  grep -q '^kind: *vae$' <<< "$out" || fail "info does not say kind vae"
  grep -q '^latent size: *128$' <<< "$out" || fail "info does not say latent size 128"
  version=$("$prefix/bin/latentlab-cli" --version)
  echo "$version"
  for line in '^latentlab-cli [0-9]' '^Qt 6\.' '^LibTorch [0-9].*(' '^OpenCV [0-9]' \
    '^QCustomPlot [0-9]' '^BLAS: .' '^Device: cpu ([0-9]* threads*)$'; do
    grep -q "$line" <<< "$version" || fail "--version has no line matching $line"
  done
  # The BLAS it names is the libblas.so.3 the dynamic linker gives it (Debian's alternative).
  blas=$(readlink -f "$(ldd "$prefix/bin/latentlab-cli" | sed -n 's/^\s*libblas\.so\.3 => \(\S*\).*/\1/p')")
  grep -q "^BLAS: .*$blas" <<< "$version" || fail "--version does not name $blas"
  if [[ $blas == */openblas-openmp/* ]]; then
    grep -q '^BLAS: OpenBLAS .*, OpenMP (' <<< "$version" || fail "OpenBLAS OpenMP not named"
  fi
  ;;

gui_first_image)
  gui_environment
  # No argument: the GUI finds the default model relative to its own binary.
  "$prefix/bin/latentlab" --device cpu > gui.log 2>&1 || {
    cat gui.log
    fail "latentlab exited with $?"
  }
  cat gui.log
  grep -q "first image shown" gui.log || fail "no first image"
  [ "$(screenshot_latent_size shot.png)" = "$(latent_dim_of "$model")" ] ||
    fail "the window does not show faces-vae (latent size $(screenshot_latent_size shot.png))"
  ;;

desktop_entry)
  entry=$share/applications/$app.desktop
  out=$(desktop-file-validate "$entry" 2>&1) || fail "desktop-file-validate: $out"
  [ -z "$out" ] || fail "desktop-file-validate: $out"
  exec_line=$(sed -n 's/^Exec=//p' "$entry")
  [ -x "$prefix/bin/${exec_line%% *}" ] || fail "Exec=$exec_line: not an installed program"
  grep -qx "Icon=$app" "$entry" || fail "Icon is not $app"
  grep -qx 'MimeType=application/x-latentlab-checkpoint;' "$entry" || fail "no MimeType"
  ;;

metainfo)
  appstreamcli validate --no-net "$share/metainfo/$app.metainfo.xml"
  # Across the tree: the launchable desktop entry and the icon are there.
  appstreamcli validate-tree --no-net "$prefix"
  ;;

mime_association)
  # A copy of the MIME and desktop files, indexed as dpkg's triggers would do.
  mkdir -p data/mime/packages data/applications empty
  cp "$share/mime/packages/$app.xml" data/mime/packages/
  cp "$share/applications/$app.desktop" data/applications/
  export XDG_DATA_DIRS=$work/data:/usr/share XDG_DATA_HOME=$work/empty XDG_CONFIG_HOME=$work/empty
  export XDG_CONFIG_DIRS=$work/empty
  export PATH=$prefix/bin:$PATH  # GIO lists only applications whose Exec program it finds
  update-mime-database data/mime
  update-desktop-database data/applications
  fashion=$share/latentlab/models/fashion-vae.llckpt
  cp "$fashion" double-clicked.llckpt
  cp "$fashion" no-extension
  for file in double-clicked.llckpt no-extension; do
    type=$(gio info -a standard::content-type "$file" | sed -n 's/^ *standard::content-type: //p')
    [ "$type" = application/x-latentlab-checkpoint ] || fail "$file is typed '$type'"
  done
  default=$(gio mime application/x-latentlab-checkpoint)
  default=${default%%$'\n'*}  # the first line
  echo "$default"
  [[ $default == *"$app.desktop"* ]] || fail "not the default application: $default"
  # What a double click does: the default application's Exec line, %f replaced by the file.
  gui_environment
  gio open double-clicked.llckpt
  for ((i = 0; i < 180; i++)); do
    [ -f shot.png ] && break
    sleep 0.5
  done
  [ -f shot.png ] || fail "gio open: no window showed the checkpoint"
  [ "$(screenshot_latent_size shot.png)" = "$(latent_dim_of "$fashion")" ] ||
    fail "gio open: the window does not show the opened fashion-vae"
  ;;

man_pages)
  for page in latentlab latentlab-cli; do
    # lintian's check (groff-message): man prints nothing on stderr.
    warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
      man --warnings -E UTF-8 -l -Tutf8 -Z "$prefix/share/man/man1/$page.1.gz" 2>&1 > /dev/null)
    [ -z "$warnings" ] || fail "$page.1: $warnings"
  done
  # Pages read into variables first: `man | grep -q` dies of SIGPIPE under pipefail when grep
  # stops at the first match before man has written everything.
  text=$(MANWIDTH=200 man -l "$prefix/share/man/man1/latentlab-cli.1.gz" 2>/dev/null | col -b)
  roff=$(zcat "$prefix/share/man/man1/latentlab-cli.1.gz")
  gui_text=$(MANWIDTH=200 man -l "$prefix/share/man/man1/latentlab.1.gz" 2>/dev/null | col -b)
  verbs=$("$prefix/bin/latentlab-cli" --help | sed -n '/^Subcommands:/,$s/^  \([a-z-]*\) .*/\1/p')
  [ "$(wc -w <<< "$verbs")" -ge 10 ] || fail "latentlab-cli --help lists too few verbs: $verbs"
  for verb in $verbs; do
    grep -qxF ".SS ${verb//-/\\-}" <<< "$roff" ||
      fail "latentlab-cli.1 has no section for $verb"
    section=$(sed -n "/^   $verb\$/,/^   [a-z-]*\$/p" <<< "$text")
    for option in $("$prefix/bin/latentlab-cli" "$verb" --help | grep -o -- '--[a-z0-9-]*' | sort -u); do
      grep -q -- "$option" <<< "$section" || fail "latentlab-cli.1: $verb has no $option"
    done
  done
  gui_options=$(QT_QPA_PLATFORM=offscreen "$prefix/bin/latentlab" --help | grep -o -- '--[a-z0-9-]*')
  for option in $(sort -u <<< "$gui_options"); do
    grep -q -- "$option" <<< "$gui_text" || fail "latentlab.1 has no $option"
  done
  ;;

bash_completion)
  complete_line() {  # command line, completion file, function: the words offered at the end
    bash -c 'source /usr/share/bash-completion/bash_completion
      source "$1/$3"
      read -ra COMP_WORDS <<< "$2"
      [[ $2 == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$2 COMP_POINT=${#2}
      "$4"
      printf "%s\n" "${COMPREPLY[@]}"' _ "$share/bash-completion/completions" "$@"
  }
  expect() {  # command line, completion file, function, expected completion
    got=$(complete_line "${@:1:3}" | sort | tr '\n' ' ')
    [[ " $got" == *" $4 "* ]] || fail "completing '$1' gave '$got', not '$4'"
  }
  expect "latentlab-cli interp" latentlab-cli _latentlab_cli interpolate
  expect "latentlab-cli interpolate --ste" latentlab-cli _latentlab_cli --steps
  expect "latentlab-cli attributes x --method " latentlab-cli _latentlab_cli linear
  expect "latentlab --dev" latentlab _latentlab --device
  touch model.llckpt notes.txt
  expect "latentlab mod" latentlab _latentlab model.llckpt
  [ -z "$(complete_line "latentlab not" latentlab _latentlab)" ] || fail "latentlab offers notes.txt"
  ;;

lintian)
  [ -n "$build" ] || fail "lintian needs the build folder"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  "${CPACK:-cpack}" -G DEB --config "$build/CPackConfig.cmake" -B "$prefix" > "$prefix/cpack.log" ||
    { cat "$prefix/cpack.log"; fail "cpack"; }
  deb=$(ls "$prefix"/latentlab_*_amd64.deb)
  dpkg-deb --field "$deb" Package Version Depends Recommends
  lintian --fail-on error --display-info "$deb"
  ;;

*)
  fail "unknown check $check"
  ;;
esac
