# SSCSI_SANITIZE=address → ASan + UBSan for every target (host, plugins, tests);
# SSCSI_SANITIZE=thread → TSan. Set once per build directory.
if(SSCSI_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(SSCSI_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT SSCSI_SANITIZE STREQUAL "")
  message(FATAL_ERROR "SSCSI_SANITIZE must be '', 'address' or 'thread', not '${SSCSI_SANITIZE}'")
endif()
