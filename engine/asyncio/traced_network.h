// Sockets in the trace (issue 14 item 5): when a run is traced, the loop's
// Network is wrapped in one that reports each socket call -- socket,
// listen, connect and its outcome, accept, recv, send, shutdown, close --
// as a TraceKind::Io event (engine/trace/trace.h) with its fd, its byte
// count or the errno's name, and who made it (the running task, or the
// selector callback: BaseSelectorEventLoop's _read_ready and the like).
//
// Why here, under the socket object and the prelude: every path to the
// network goes through this one interface, whichever backend (virtual or
// OS) and whichever Python layer (streams, transports, loop.sock_* calls)
// made the call, so nothing in the prelude has to remember to trace.
//
// Addresses and ports are never reported: on the real clock a port is
// ephemeral, and golden traces must be the same on every run. fds are:
// the kernel and the virtual network both give the lowest free number.
// A run that is not traced has no wrapper and pays nothing.
#pragma once

#include <memory>

#include "engine/asyncio/network.h"

namespace corun {

class Interp;

std::unique_ptr<Network> make_traced_network(std::unique_ptr<Network> inner, Interp& in);

}  // namespace corun
