#pragma once
// How long this process has run, for the start-up lines of docs/performance.md.

namespace latentlab::ui {

// Milliseconds since this process started, from its start time in /proc (10 ms resolution), so
// that the loading of shared libraries before main() counts too.
double msSinceProcessStart();

}  // namespace latentlab::ui
