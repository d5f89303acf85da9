// The socket object of the asyncio prelude's transports (CPython's
// socket.socket, a non-blocking AF_INET SOCK_STREAM socket) and the
// selector calls (_add_reader ...), over the loop's Network.
#pragma once

namespace corun {

class Interp;
struct Builtins;

// The private prelude builtins: _socket, _add_reader, _remove_reader,
// _add_writer, _remove_writer and the constants _AF_INET, _SOCK_STREAM,
// _IPPROTO_TCP, _SOL_SOCKET, _SO_ERROR, _SO_REUSEADDR, _TCP_NODELAY,
// _SHUT_RD, _SHUT_WR, _SHUT_RDWR.
void add_socket_helpers(Interp& in, Builtins& b);

}  // namespace corun
