#include "engine/asyncio/selector.h"

#include "engine/asyncio/loop.h"

namespace corun {

namespace {

void cancel(const Ref<HandleObj>& h) {
  if (h) h->cancelled = true;  // Handle.cancel() of a plain Handle: no timer to drop
}

}  // namespace

int Selector::add(int fd, Ref<HandleObj> handle, int event) {
  auto it = keys_.find(fd);
  if (it == keys_.end()) {
    // selector.register: no key when epoll refuses the fd.
    if (int r = net_.epoll_ctl(Network::EpollOp::Add, fd, event); r < 0) return r;
    Key key;
    key.events = event;
    slot(key, event) = std::move(handle);
    keys_.emplace(fd, std::move(key));
    return 0;
  }
  Key& key = it->second;
  int events = key.events | event;
  if (events != key.events) {
    if (int r = net_.epoll_ctl(Network::EpollOp::Mod, fd, events); r < 0) return r;
    key.events = events;
  }
  Ref<HandleObj> old = std::move(slot(key, event));
  slot(key, event) = std::move(handle);
  cancel(old);
  return 0;
}

int Selector::remove(int fd, int event) {
  auto it = keys_.find(fd);
  if (it == keys_.end()) return 0;
  Key& key = it->second;
  int events = key.events & ~event;
  Ref<HandleObj> handle;
  if (!events) {
    net_.epoll_ctl(Network::EpollOp::Del, fd, 0);  // selector.unregister ignores epoll's OSError
    handle = std::move(slot(key, event));
    keys_.erase(it);
  } else {
    if (events != key.events) {
      if (int r = net_.epoll_ctl(Network::EpollOp::Mod, fd, events); r < 0) return r;
      key.events = events;
    }
    handle = std::move(slot(key, event));
  }
  if (!handle) return 0;
  cancel(handle);
  return 1;
}

void Selector::clear() {
  for (auto& [fd, key] : keys_) net_.epoll_ctl(Network::EpollOp::Del, fd, 0);
  keys_.clear();
}

void Selector::process_events(EventLoop& loop, const std::vector<std::pair<int, int>>& events) {
  for (auto [fd, mask] : events) {
    auto it = keys_.find(fd);
    if (it == keys_.end()) continue;
    if ((mask & kEventRead) && it->second.reader) {
      if (it->second.reader->cancelled) remove_reader(fd);
      else loop.call_handle_soon(it->second.reader);  // _add_callback: the handle is not cancelled
    }
    it = keys_.find(fd);  // remove_reader may have unregistered it
    if (it == keys_.end()) continue;
    if ((mask & kEventWrite) && it->second.writer) {
      if (it->second.writer->cancelled) remove_writer(fd);
      else loop.call_handle_soon(it->second.writer);
    }
  }
}

}  // namespace corun
