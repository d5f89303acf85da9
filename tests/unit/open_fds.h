// Test helper: how many descriptors this process holds open, read from
// /proc/self/fd, for the tests that check a run leaks none.
#pragma once

#include <dirent.h>

namespace corun::testing {

inline int count_open_fds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -1;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n - 1;  // the directory's own fd
}

}  // namespace corun::testing
