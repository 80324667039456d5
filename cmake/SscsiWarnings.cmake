# sscsi_strict(target): our own code builds with warnings as errors. Generated code (protobuf,
# gRPC stubs) does not use this, so a newer generator cannot break the build.
function(sscsi_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
                                           -Wcast-align -Wformat=2 -Wimplicit-fallthrough)
endfunction()

# sscsi_plugin(target): a provider plugin. Hidden visibility plus a version script, so that the
# entry symbol is the only thing it exports (visibility alone lets libstdc++ template
# instantiations leak into the dynamic table); no undefined symbols left for the host to satisfy.
function(sscsi_plugin target)
  set_target_properties(${target} PROPERTIES
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib")
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,-z,now -Wl,-z,relro
                      -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin_exports.map)
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS
               ${PROJECT_SOURCE_DIR}/cmake/plugin_exports.map)
  target_link_libraries(${target} PRIVATE sscsi_sdk)
endfunction()
