#pragma once
// Ctrl-C and SIGTERM stop the benchmark between calls instead of killing it, so that the round
// in progress still stops its host, unmounts its volumes and removes its directory.

namespace sscsi::bench {

// SIGINT and SIGTERM set a flag instead of ending the process.
void install_interrupt_handlers();

// Throws std::runtime_error once SIGINT or SIGTERM has arrived.
void throw_if_interrupted();

}  // namespace sscsi::bench
