#!/usr/bin/env python3
"""What Linux loopback TCP and a level-triggered epoll do, printed: the facts
engine/asyncio/virtual_network.cpp models (its file-head comment) and
tests/unit/virtual_network_test.cpp expects. Run it with python3 on Linux and
compare; a kernel that differs is a reason to revisit the model."""

import select
import socket
import time

# ---- connect, refused connect, recv/send around FIN and RST, errors, reprs, capacity
E = select
def names(ev):
    return '|'.join(n for n in ['EPOLLIN','EPOLLOUT','EPOLLERR','EPOLLHUP','EPOLLRDHUP'] if ev & getattr(select,n))
def ns():
    s = socket.socket(); s.setblocking(False); return s
def tryc(f, *a):
    try: return f(*a)
    except OSError as e: return f'{type(e).__name__}({e.errno})'
# 1 connect to a listener
L = ns(); L.bind(('127.0.0.1', 0)); L.listen(100)
ep = select.epoll()
c = ns()
print('connect listener:', tryc(c.connect, L.getsockname()))
ep.register(L.fileno(), E.EPOLLIN); ep.register(c.fileno(), E.EPOLLOUT)
print('after connect poll:', [(fd==L.fileno() and 'L' or 'c', names(e)) for fd, e in ep.poll(0)])
print('so_error', c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
a, addr = L.accept(); a.setblocking(False)
print('accept 2nd:', tryc(L.accept))
print('connect again:', tryc(c.connect, L.getsockname()))
# 2 refused
r = ns(); p = ns(); p.bind(('127.0.0.1',0)); port = p.getsockname()[1]; p.close()
print('connect refused:', tryc(r.connect, ('127.0.0.1', port)))
ep.register(r.fileno(), E.EPOLLOUT)
print('refused poll:', [names(e) for fd, e in ep.poll(0) if fd == r.fileno()])
print('refused so_error', r.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), r.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
print('refused recv', tryc(r.recv, 10), 'send', tryc(r.send, b'x'))
print('refused connect again:', tryc(r.connect, ('127.0.0.1', port)))
ep.unregister(r.fileno())
# 3 recv empty, data, EOF
print('recv empty', tryc(a.recv, 10))
c.send(b'hello')
print('recv', tryc(a.recv, 3), tryc(a.recv, 10))
c.shutdown(socket.SHUT_WR)
ep.register(a.fileno(), E.EPOLLIN)
print('after shutdown poll a:', [names(e) for fd, e in ep.poll(0) if fd == a.fileno()])
print('recv after SHUT_WR', tryc(a.recv, 10), tryc(a.recv, 10))
print('send after own SHUT_WR', tryc(c.send, b'x'))
a.send(b'back'); print('c recv after own SHUT_WR', tryc(c.recv, 10))
ep.modify(c.fileno(), E.EPOLLIN|E.EPOLLOUT)
c.close()
print('a poll after peer close:', [names(e) for fd, e in ep.poll(0) if fd == a.fileno()])
print('a send after peer close', tryc(a.send, b'x'))
time.sleep(0.01)
print('a poll after send to closed:', [names(e) for fd, e in ep.poll(0) if fd == a.fileno()])
print('a recv', tryc(a.recv, 10), tryc(a.recv, 10))
print('a send again', tryc(a.send, b'x'), tryc(a.send, b'x'))
ep.unregister(a.fileno()); a.close()
# 4 close with unread data -> RST
c = ns(); c.connect_ex(L.getsockname()); a,_ = L.accept(); a.setblocking(False)
c.send(b'unread'); time.sleep(0.001)
ep.register(c.fileno(), E.EPOLLIN)
a.close()
print('c poll after peer close w/ unread:', [names(e) for fd, e in ep.poll(0) if fd == c.fileno()])
print('so_error', c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
c2 = c
print('c recv', tryc(c.recv, 10), tryc(c.recv, 10))
print('c poll after:', [names(e) for fd, e in ep.poll(0) if fd == c.fileno()])
print('c send', tryc(c.send, b'x'), tryc(c.send, b'x'))
ep.unregister(c.fileno()); c.close()
# RST pending then send first
c = ns(); c.connect_ex(L.getsockname()); a,_ = L.accept(); a.setblocking(False)
c.send(b'unread'); time.sleep(0.001); a.close()
print('rst then send', tryc(c.send, b'x'), tryc(c.send, b'x'), tryc(c.recv, 10))
c.close()
# 5 fd numbering
print('fds', L.fileno(), ep.fileno())
# 6 accept queue order and getpeername
c1 = ns(); c1.connect_ex(L.getsockname()); c2 = ns(); c2.connect_ex(L.getsockname())
a1, ad1 = L.accept(); a2, ad2 = L.accept()
print('accept order ok', ad1 == c1.getsockname(), ad2 == c2.getsockname(), a1.getsockname() == L.getsockname())
print('getpeername unconnected', tryc(ns().getpeername))
print('recv unconnected', tryc(ns().recv, 1), 'send', tryc(ns().send, b'x'), 'shutdown', tryc(ns().shutdown, 1))
s = ns(); print('listen unbound', tryc(s.listen, 5), s.getsockname()[0])
s = ns(); print('getsockname fresh', s.getsockname())
s = ns(); print('bind in use', tryc(s.bind, L.getsockname()), 'bind twice', tryc(L.bind, ('127.0.0.1', 0)))
s = ns(); print('bind nonlocal', tryc(s.bind, ('10.1.2.3', 0)))
s = ns(); print('accept not listening', tryc(s.accept))
s.close(); print('closed fileno', s.fileno(), tryc(s.recv, 1), repr(s))
print(repr(L))
print(repr(c1))
# 7 capacity
c = ns(); c.connect_ex(L.getsockname()); a,_ = L.accept(); a.setblocking(False)
tot = 0
while True:
    try: tot += c.send(b'x'*65536)
    except BlockingIOError as e: print('full after', tot, e); break
ep.register(c.fileno(), E.EPOLLOUT)
print('full poll', ep.poll(0))
got = 0
while got < 100000: got += len(a.recv(65536))
print('after reading 100000 poll', [names(e) for fd,e in ep.poll(0)])

# ---- RST and FIN details, shutdown, wakeup order
def part2():
    import socket, select, time
    def names(ev):
        return '|'.join(n for n in ['EPOLLIN','EPOLLOUT','EPOLLERR','EPOLLHUP','EPOLLRDHUP'] if ev & getattr(select,n))
    def ns():
        s = socket.socket(); s.setblocking(False); return s
    def tryc(f, *a):
        try: return f(*a)
        except OSError as e: return f'{type(e).__name__}({e.errno})'
    L = ns(); L.bind(('127.0.0.1', 0)); L.listen(100)
    ep = select.epoll()
    def pair():
        c = ns(); c.connect_ex(L.getsockname()); a,_ = L.accept(); a.setblocking(False); return c, a
    c, a = pair(); c.send(b'unread'); a.send(b'tocdata'); a.close()
    print('RST with data buffered: recv', tryc(c.recv, 3), tryc(c.recv, 10), tryc(c.recv, 10))
    c, a = pair(); c.send(b'unread'); a.close()
    print('RST: recv', tryc(c.recv, 10), tryc(c.recv, 10), 'send', tryc(c.send, b'x'))
    c, a = pair(); a.close()
    print('FIN: poll'); ep.register(c.fileno(), select.EPOLLOUT); print([names(e) for fd,e in ep.poll(0)])
    ep.modify(c.fileno(), select.EPOLLIN); print([names(e) for fd,e in ep.poll(0)])
    print('FIN: send', tryc(c.send, b'x')); time.sleep(0.001)
    print('after RST for send', [names(e) for fd,e in ep.poll(0)], 'so_error', c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    ep.unregister(c.fileno())
    c, a = pair(); a.close(); c.send(b'x'); time.sleep(0.001)
    print('CLOSE_WAIT+RST: recv', tryc(c.recv, 10), 'send', tryc(c.send, b'y'))
    c, a = pair(); a.shutdown(socket.SHUT_WR); 
    print('peer SHUT_WR: recv', tryc(c.recv, 10), 'send', tryc(c.send, b'y'), 'a recv', tryc(a.recv, 10))
    ep.register(a.fileno(), select.EPOLLIN|select.EPOLLOUT); print('a own SHUT_WR poll', [names(e) for fd,e in ep.poll(0)])
    c.shutdown(socket.SHUT_WR); print('both SHUT_WR poll a', [names(e) for fd,e in ep.poll(0)])
    ep.unregister(a.fileno())
    # shutdown RD
    c, a = pair(); c.shutdown(socket.SHUT_RD); a.send(b'z'); print('SHUT_RD recv', tryc(c.recv, 10), tryc(c.recv,10))
    ep.register(c.fileno(), select.EPOLLIN); print('SHUT_RD poll', [names(e) for fd,e in ep.poll(0)]); ep.unregister(c.fileno())
    # close with data unread by peer? (we sent data, peer didn't read, we close) -> FIN normally
    c, a = pair(); c.send(b'abc'); c.close(); print('peer closed after sending: recv', tryc(a.recv, 10), tryc(a.recv, 10))
    # order: register c for OUT before connect
    c = ns(); ep.register(L.fileno(), select.EPOLLIN); ep.register(c.fileno(), select.EPOLLOUT|select.EPOLLIN)
    c.connect_ex(L.getsockname()); print('order registered before connect', [('L' if fd==L.fileno() else 'c', names(e)) for fd,e in ep.poll(0)])
    # shutdown twice / shutdown after close
    print('shutdown WR twice', tryc(c.shutdown, 1), tryc(c.shutdown, 1))
    print('peer name', c.getpeername() == L.getsockname())
    # send zero bytes / recv 0
    print('send empty', tryc(c.send, b''), 'recv 0', tryc(c.recv, 0))
part2()

# ---- ready-list order
def part3():
    import socket, select
    def ns():
        s = socket.socket(); s.setblocking(False); return s
    L = ns(); L.bind(('127.0.0.1', 0)); L.listen(100)
    ep = select.epoll()
    def pair():
        c = ns(); c.connect_ex(L.getsockname()); a,_ = L.accept(); a.setblocking(False); return c, a
    (c1,a1),(c2,a2),(c3,a3) = pair(), pair(), pair()
    nm = {a1.fileno():'a1', a2.fileno():'a2', a3.fileno():'a3', c1.fileno(): 'c1', c2.fileno(): 'c2', c3.fileno(): 'c3', L.fileno(): 'L'}
    def poll(): return [nm[fd] for fd, e in ep.poll(0)]
    for a in (a1,a2,a3): ep.register(a.fileno(), select.EPOLLIN)
    c2.send(b'b'); c3.send(b'c'); c1.send(b'a'); c2.send(b'b')
    print(poll())
    a3.recv(10); c3.send(b'c')
    print(poll())
    a2.recv(10); a3.recv(10)
    print(poll())
    c3.send(b'c'); c2.send(b'b')
    print(poll())
    # RST wakes a writer-only registration
    c, a = pair(); a.send(b'to c'); c.send(b'unread')
    ep.register(c.fileno(), select.EPOLLIN); nm[c.fileno()]='c'
    print('c R', [nm[fd] for fd,e in ep.poll(0) if fd == c.fileno()])
    ep.modify(c.fileno(), select.EPOLLOUT)
    print('c W', [(nm[fd], e) for fd,e in ep.poll(0) if fd == c.fileno()])
    a.close()
    print('after rst', [(nm[fd], e) for fd,e in ep.poll(0) if fd == c.fileno()])
    # listener close resets unaccepted
    c = ns(); L2 = ns(); L2.bind(('127.0.0.1',0)); L2.listen(5); c.connect_ex(L2.getsockname()); L2.close()
    print('listener closed', c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    # fresh socket registered for OUT
    f = ns(); ep.register(f.fileno(), select.EPOLLOUT); nm[f.fileno()]='f'
    print('fresh', [(nm[fd], e) for fd,e in ep.poll(0) if fd == f.fileno()])
    # capacity via small SO_SNDBUF not done
part3()
