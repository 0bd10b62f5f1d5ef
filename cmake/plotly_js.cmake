# The HTML report and plot pages inline plotly.js so they work offline. scripts/setup.sh installs
# the version pinned in third_party/package.json with npm; the bundle is then assembled into the
# library (src/report/plotly_js.cc, `.incbin`), so the binary needs no file at run time.
set(MALSCOPE_PLOTLY_DIR ${CMAKE_SOURCE_DIR}/third_party/node_modules/plotly.js-dist-min)
set(MALSCOPE_PLOTLY_JS ${MALSCOPE_PLOTLY_DIR}/plotly.min.js)
if(NOT EXISTS ${MALSCOPE_PLOTLY_JS})
  message(FATAL_ERROR
    "plotly.js is missing (${MALSCOPE_PLOTLY_JS}); the HTML report embeds it.\n"
    "Install it with scripts/setup.sh, or: npm ci --prefix ${CMAKE_SOURCE_DIR}/third_party")
endif()
file(READ ${MALSCOPE_PLOTLY_DIR}/package.json MALSCOPE_PLOTLY_PACKAGE)
string(JSON MALSCOPE_PLOTLY_VERSION GET "${MALSCOPE_PLOTLY_PACKAGE}" version)
message(STATUS "plotly.js ${MALSCOPE_PLOTLY_VERSION}: ${MALSCOPE_PLOTLY_JS}")
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/report/plotly_js.cc PROPERTIES
  COMPILE_DEFINITIONS "MALSCOPE_PLOTLY_JS_PATH=\"${MALSCOPE_PLOTLY_JS}\";MALSCOPE_PLOTLY_VERSION=\"${MALSCOPE_PLOTLY_VERSION}\""
  OBJECT_DEPENDS ${MALSCOPE_PLOTLY_JS})
