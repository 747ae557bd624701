# The layout rules of the source tree, checked by CTest (layout_check) or by hand:
#   cmake -DSOURCE_DIR=/path/to/latentlab -P tests/check_layout.cmake
# Fails, listing every offence, when
#   - a file in a ui widget folder (every ui/ folder but render/ and analysis/) includes a LibTorch
#     header (torch/, c10/, ATen/, caffe2/), directly or through a header of ours: widgets never
#     compile LibTorch;
#   - a file in core's LibTorch-only folders (common, model, io, data, analysis, training) includes
#     OpenCV or Qt, directly or through a header of ours: they build on a machine with LibTorch
#     alone (LATENTLAB_CORE_ONLY);
#   - a source file in core/, ui/ or app/ is longer than MAX_LINES (400) lines: split it by
#     responsibility first.
cmake_minimum_required(VERSION 3.25)

if(NOT SOURCE_DIR)
  get_filename_component(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()
if(NOT MAX_LINES)
  set(MAX_LINES 400)
endif()
if(NOT UI_TENSOR_FOLDERS)
  set(UI_TENSOR_FOLDERS render analysis)
endif()
if(NOT CORE_TORCH_FOLDERS)
  set(CORE_TORCH_FOLDERS common model io data analysis training)
endif()

set(torch_header "^(torch|c10|ATen|caffe2)/")
# Qt: <QString>, <QtCore/...>, <qglobal.h>; also QCustomPlot's <qcustomplot.h>.
set(opencv_or_qt_header "^(opencv2/|Q[A-Za-z0-9_]*(\\.h)?$|Qt[A-Za-z]*/|q[a-z0-9_]*\\.h$)")

file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/core/*.hpp" "${SOURCE_DIR}/core/*.cpp"
     "${SOURCE_DIR}/ui/*.h" "${SOURCE_DIR}/ui/*.hpp" "${SOURCE_DIR}/ui/*.cpp"
     "${SOURCE_DIR}/app/*.h" "${SOURCE_DIR}/app/*.hpp" "${SOURCE_DIR}/app/*.cpp")
list(SORT sources)

set(problems "")

# Per file: its length, its own headers ("core/...", resolved from the root or its folder) and
# the first forbidden header of each kind it names itself.
foreach(source ${sources})
  file(READ "${SOURCE_DIR}/${source}" text)
  string(REGEX REPLACE "[^\n]" "" newlines "${text}")
  string(LENGTH "${newlines}" lines)
  if(lines GREATER MAX_LINES)
    list(APPEND problems "${source} has ${lines} lines (at most ${MAX_LINES}: split it)")
  endif()

  file(STRINGS "${SOURCE_DIR}/${source}" directives REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  get_filename_component(folder "${source}" DIRECTORY)
  set(ours "")
  set(torch "")
  set(opencv_or_qt "")
  foreach(directive ${directives})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*)[>\"].*" "\\1" header
           "${directive}")
    if(header MATCHES "${torch_header}" AND NOT torch)
      set(torch "<${header}>")
    elseif(header MATCHES "${opencv_or_qt_header}" AND NOT opencv_or_qt)
      set(opencv_or_qt "<${header}>")
    elseif(EXISTS "${SOURCE_DIR}/${header}" AND NOT IS_DIRECTORY "${SOURCE_DIR}/${header}")
      list(APPEND ours "${header}")
    elseif(EXISTS "${SOURCE_DIR}/${folder}/${header}")
      list(APPEND ours "${folder}/${header}")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY "ours:${source}" "${ours}")
  set_property(GLOBAL PROPERTY "direct:torch:${source}" "${torch}")
  set_property(GLOBAL PROPERTY "direct:opencv_or_qt:${source}" "${opencv_or_qt}")
endforeach()

# How source reaches a header of the kind: "a.h -> b.h -> <torch/types.h>", or empty. Memoised;
# a cycle of includes counts as not reaching it.
function(include_chain source kind out)
  get_property(known GLOBAL PROPERTY "chain:${kind}:${source}" SET)
  if(known)
    get_property(chain GLOBAL PROPERTY "chain:${kind}:${source}")
    set(${out} "${chain}" PARENT_SCOPE)
    return()
  endif()
  set_property(GLOBAL PROPERTY "chain:${kind}:${source}" "")
  get_property(chain GLOBAL PROPERTY "direct:${kind}:${source}")
  if(NOT chain)
    get_property(ours GLOBAL PROPERTY "ours:${source}")
    foreach(header ${ours})
      include_chain("${header}" "${kind}" through)
      if(through)
        set(chain "${header} -> ${through}")
        break()
      endif()
    endforeach()
  endif()
  set_property(GLOBAL PROPERTY "chain:${kind}:${source}" "${chain}")
  set(${out} "${chain}" PARENT_SCOPE)
endfunction()

string(JOIN "|" ui_tensor_folders ${UI_TENSOR_FOLDERS})
string(JOIN "|" core_torch_folders ${CORE_TORCH_FOLDERS})
foreach(source ${sources})
  if(source MATCHES "^ui/[^/]+/" AND NOT source MATCHES "^ui/(${ui_tensor_folders})/")
    include_chain("${source}" torch chain)
    if(chain)
      list(APPEND problems "${source} includes LibTorch (${chain}): ui widget folders never do")
    endif()
  elseif(source MATCHES "^core/(${core_torch_folders})/")
    include_chain("${source}" opencv_or_qt chain)
    if(chain)
      list(APPEND problems "${source} includes OpenCV or Qt (${chain}): LibTorch-only folder")
    endif()
  endif()
endforeach()

list(LENGTH sources scanned)
list(LENGTH problems count)
if(count GREATER 0)
  string(REPLACE ";" "\n  " listed "${problems}")
  message(FATAL_ERROR "layout_check: ${count} problem(s) in ${scanned} files:\n  ${listed}")
endif()
message(STATUS "layout_check: ${scanned} files in core/, ui/ and app/ follow the layout rules")
