// The loop's selector: BaseSelectorEventLoop's fd -> (events, (reader,
// writer)) table over selectors.EpollSelector (selector_events.py
// _add_reader, _remove_reader, _add_writer, _remove_writer,
// _process_events), in front of the run's Network, which stands for the
// epoll object. The prelude's transports call it through _add_reader etc.
// (engine/asyncio/sockets.cpp); EventLoop::run_once calls select() and
// process_events() where _run_once does.
#pragma once

#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/asyncio/network.h"
#include "engine/python/objects.h"

namespace corun {

class EventLoop;

class Selector {
 public:
  explicit Selector(Network& net) : net_(net) {}

  // _add_reader(fd, handle): the handle replaces the fd's reader (which is
  // cancelled); the fd is registered, or its mask modified, as
  // EpollSelector does (epoll is told only when the mask changes).
  void add_reader(int fd, Ref<HandleObj> handle);
  void add_writer(int fd, Ref<HandleObj> handle);
  // _remove_reader(fd): whether there was a reader (now cancelled).
  bool remove_reader(int fd);
  bool remove_writer(int fd);
  bool empty() const { return keys_.empty(); }
  // selector.close() (BaseSelectorEventLoop.close): every fd forgotten, its
  // handles left as they are.
  void clear();

  // _process_events(event_list): for each (fd, events), the reader and/or
  // writer join the ready queue; a cancelled one found there is removed.
  void process_events(EventLoop& loop, const std::vector<std::pair<int, int>>& events);

 private:
  struct Key {
    int events = 0;
    Ref<HandleObj> reader, writer;
  };
  void modify(int fd, Key& key, int events);  // unregisters at 0

  Network& net_;
  std::unordered_map<int, Key> keys_;
};

}  // namespace corun
