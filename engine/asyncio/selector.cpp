#include "engine/asyncio/selector.h"

#include "engine/asyncio/loop.h"

namespace corun {

namespace {

void cancel(const Ref<HandleObj>& h) {
  if (h) h->cancelled = true;  // Handle.cancel() of a plain Handle: no timer to drop
}

}  // namespace

void Selector::modify(int fd, Key& key, int events) {
  if (events == key.events) return;  // EpollSelector.modify calls epoll only when the mask changes
  key.events = events;
  net_.set_interest(fd, events);
}

void Selector::add_reader(int fd, Ref<HandleObj> handle) {
  auto [it, fresh] = keys_.try_emplace(fd);
  Key& key = it->second;
  Ref<HandleObj> old = std::move(key.reader);
  key.reader = std::move(handle);
  modify(fd, key, key.events | kEventRead);
  if (!fresh) cancel(old);
}

void Selector::add_writer(int fd, Ref<HandleObj> handle) {
  auto [it, fresh] = keys_.try_emplace(fd);
  Key& key = it->second;
  Ref<HandleObj> old = std::move(key.writer);
  key.writer = std::move(handle);
  modify(fd, key, key.events | kEventWrite);
  if (!fresh) cancel(old);
}

bool Selector::remove_reader(int fd) {
  auto it = keys_.find(fd);
  if (it == keys_.end()) return false;
  Ref<HandleObj> reader = std::move(it->second.reader);
  int events = it->second.events & ~kEventRead;
  if (!events) {
    net_.set_interest(fd, 0);
    keys_.erase(it);
  } else {
    modify(fd, it->second, events);
  }
  if (!reader) return false;
  cancel(reader);
  return true;
}

bool Selector::remove_writer(int fd) {
  auto it = keys_.find(fd);
  if (it == keys_.end()) return false;
  Ref<HandleObj> writer = std::move(it->second.writer);
  int events = it->second.events & ~kEventWrite;
  if (!events) {
    net_.set_interest(fd, 0);
    keys_.erase(it);
  } else {
    modify(fd, it->second, events);
  }
  if (!writer) return false;
  cancel(writer);
  return true;
}

void Selector::clear() {
  for (auto& [fd, key] : keys_) net_.set_interest(fd, 0);
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
