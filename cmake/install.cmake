# `cmake --install`: the programs, the bundled models, and what makes LatentLab a desktop
# application (desktop entry, AppStream metainfo, icons, MIME type, man pages, bash completion).
# Paths come from GNUInstallDirs; every file that names the application uses LATENTLAB_APP_ID.
# The target `installable` builds everything this installs (`cmake --install` builds nothing).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_program(RSVG_CONVERT rsvg-convert REQUIRED)  # librsvg2-bin
find_program(GZIP gzip REQUIRED)

set(LATENTLAB_HOMEPAGE_URL "https://github.com/latentlab/latentlab" CACHE STRING
    "Home page named by the AppStream metainfo and the Debian package")
set(LATENTLAB_SCREENSHOT_URL "${LATENTLAB_HOMEPAGE_URL}/raw/main/docs/images/gui.png" CACHE STRING
    "Where software centres fetch docs/images/gui.png from")

# The release history is resources/changelog (Debian's format, shipped in the package); its top
# entry gives the version, which must be the project's, and the release date for the metainfo and
# the man pages.
file(STRINGS ${PROJECT_SOURCE_DIR}/resources/changelog changelog_lines)
list(GET changelog_lines 0 changelog_top)
if(NOT changelog_top MATCHES "^latentlab \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "resources/changelog: the top entry is not version ${PROJECT_VERSION}: "
                      "add an entry for it")
endif()
list(FILTER changelog_lines INCLUDE REGEX "^ -- .*  [A-Z][a-z][a-z], ")
list(GET changelog_lines 0 changelog_trailer)
string(REGEX MATCH "([0-9][0-9]) ([A-Z][a-z][a-z]) ([0-9][0-9][0-9][0-9])" _ "${changelog_trailer}")
set(months Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
list(FIND months "${CMAKE_MATCH_2}" month)
math(EXPR month "${month} + 1" OUTPUT_FORMAT DECIMAL)
string(LENGTH "${month}" month_digits)
if(month_digits EQUAL 1)
  set(month "0${month}")
endif()
set(LATENTLAB_RELEASE_DATE "${CMAKE_MATCH_3}-${month}-${CMAKE_MATCH_1}")

# The screenshot's size, as AppStream wants it: from the PNG header (width, height at byte 16).
file(READ ${PROJECT_SOURCE_DIR}/docs/images/gui.png png_size OFFSET 16 LIMIT 8 HEX)
string(SUBSTRING "${png_size}" 0 8 png_width)
string(SUBSTRING "${png_size}" 8 8 png_height)
math(EXPR LATENTLAB_SCREENSHOT_WIDTH "0x${png_width}")
math(EXPR LATENTLAB_SCREENSHOT_HEIGHT "0x${png_height}")

set(generated ${PROJECT_BINARY_DIR}/installed-files)
set(desktop_file ${generated}/${LATENTLAB_APP_ID}.desktop)
set(metainfo_file ${generated}/${LATENTLAB_APP_ID}.metainfo.xml)
set(mime_file ${generated}/${LATENTLAB_APP_ID}.xml)
configure_file(${PROJECT_SOURCE_DIR}/resources/latentlab.desktop.in ${desktop_file} @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/resources/latentlab.metainfo.xml.in ${metainfo_file} @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/resources/latentlab-mime.xml.in ${mime_file} COPYONLY)

# The 256x256 PNG icon from the one SVG; man pages and completions from the programs' --help
# (scripts/help_to_docs.py); gzip -n: no name or time stamp, the same bytes every build.
set(icon_svg ${PROJECT_SOURCE_DIR}/resources/icons/latentlab.svg)
set(icon_png ${generated}/${LATENTLAB_APP_ID}.png)
add_custom_command(OUTPUT ${icon_png}
  COMMAND ${RSVG_CONVERT} --width 256 --height 256 --output ${icon_png} ${icon_svg}
  DEPENDS ${icon_svg}
  COMMENT "256x256 icon from latentlab.svg" VERBATIM)
set(man_pages ${generated}/latentlab.1 ${generated}/latentlab-cli.1)
set(completions ${generated}/completions/latentlab ${generated}/completions/latentlab-cli)
add_custom_command(OUTPUT ${man_pages} ${completions} ${generated}/latentlab.1.gz
                          ${generated}/latentlab-cli.1.gz
  COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/scripts/help_to_docs.py
          --gui $<TARGET_FILE:latentlab> --cli $<TARGET_FILE:latentlab-cli>
          --version ${PROJECT_VERSION} --date ${LATENTLAB_RELEASE_DATE} --out ${generated}
  COMMAND ${GZIP} -9 -n -k -f ${man_pages}
  DEPENDS latentlab latentlab-cli ${PROJECT_SOURCE_DIR}/scripts/help_to_docs.py
  COMMENT "Man pages and bash completions from --help" VERBATIM)
add_custom_command(OUTPUT ${generated}/changelog.gz
  COMMAND ${GZIP} -9 -n -c ${PROJECT_SOURCE_DIR}/resources/changelog > ${generated}/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/resources/changelog
  COMMENT "changelog.gz")
add_custom_target(installed_files ALL
  DEPENDS ${icon_png} ${man_pages} ${completions} ${generated}/changelog.gz)
add_custom_target(installable)
add_dependencies(installable latentlab latentlab-gui latentlab-cli installed_files)

install(TARGETS latentlab latentlab-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS latentlab-gui LIBRARY DESTINATION ${LATENTLAB_MODULE_INSTALL_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/ DESTINATION ${LATENTLAB_MODELS_INSTALL_DIR}
        FILES_MATCHING PATTERN "*.llckpt" PATTERN "*.md" PATTERN "*.png")  # cards and their images
install(FILES ${desktop_file} DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${metainfo_file} DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${mime_file} DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages)
install(FILES ${icon_svg} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
        RENAME ${LATENTLAB_APP_ID}.svg)
install(FILES ${icon_png} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/256x256/apps)
install(FILES ${generated}/latentlab.1.gz ${generated}/latentlab-cli.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${completions} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
# Named after the package (Debian policy), not GNUInstallDirs' DOCDIR (share/doc/LatentLab).
install(FILES ${PROJECT_SOURCE_DIR}/resources/copyright ${generated}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/latentlab)
