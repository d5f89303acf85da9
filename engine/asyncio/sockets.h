// The socket object of the asyncio prelude's transports (CPython's
// socket.socket, a non-blocking AF_INET SOCK_STREAM socket) and the
// selector calls (_add_reader ...), over the loop's Network.
#pragma once

#include "engine/python/value.h"

namespace corun {

class Interp;
struct Builtins;
struct CallArgs;

// The private prelude builtins: _socket, _add_reader, _remove_reader,
// _add_writer, _remove_writer and the constants _AF_INET, _SOCK_STREAM,
// _IPPROTO_TCP, _SOL_SOCKET, _SO_ERROR, _SO_REUSEADDR, _TCP_NODELAY,
// _SHUT_RD, _SHUT_WR, _SHUT_RDWR.
void add_socket_helpers(Interp& in, Builtins& b);

// sock.send(data) and sock.recv(bufsize), as the transport's ports
// (selector_events.cpp) make them per message: for a socket of this module
// its method at once, with no bound method made; anything else by name.
Value socket_send(Interp& in, const Value& sock, const Value& data);
Value socket_recv(Interp& in, const Value& sock, const Value& bufsize);
// sock.connect(address) as _sock_connect's port makes it: for a socket of
// this module, 0 or the errno connect() failed with (EINPROGRESS for a
// connection under way), so that what the caller catches at once is never
// made into an exception; -1 for any other socket, whose connect the caller
// calls by name. A bad address raises as sock.connect would.
int socket_connect_errno(Interp& in, const Value& sock, const Value& address);

// loop.add_reader(fd, callback, *args) -> None, loop.remove_reader(fd) ->
// bool, and the writer pair: BaseSelectorEventLoop's public methods.
Value loop_add_reader(Interp& in, const Value& self, CallArgs& a);
Value loop_remove_reader(Interp& in, const Value& self, CallArgs& a);
Value loop_add_writer(Interp& in, const Value& self, CallArgs& a);
Value loop_remove_writer(Interp& in, const Value& self, CallArgs& a);

}  // namespace corun
