#include "ui/start/process_clock.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace latentlab::ui {

double msSinceProcessStart() {
  std::string stat;
  std::getline(std::ifstream("/proc/self/stat"), stat);
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // field 3 onwards
  std::string skipped;
  for (int field = 3; field < 22; ++field) fields >> skipped;
  unsigned long long startTicks = 0;
  fields >> startTicks;
  double uptimeSeconds = 0.0;
  std::ifstream("/proc/uptime") >> uptimeSeconds;
  return uptimeSeconds * 1000.0 - double(startTicks) * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

}  // namespace latentlab::ui
