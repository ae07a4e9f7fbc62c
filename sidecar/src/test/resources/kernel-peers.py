#!/usr/bin/python3
"""Kernel-socket peers for Ferry's interop tests: clients of ferry serve, and a server for the
engine's own client connections. They run in the peer namespace on the kernel's TCP.

Every command prints "key value" lines the Java test parses, ending with "result ok" or
"result failed"; problems are listed as "bad <connection> <reason>" lines. Data is generated from
a seed, so a failing run can be replayed with the same --seed.

  echo HOST PORT   N connections at once, each sends its own bytes and must read them back
                   exactly (sha256 of what was sent == sha256 of what came back).
                   --half-close: shut down the write side after sending and read until EOF.
  reset HOST PORT  N connections that send bytes and then abort with a reset (SO_LINGER 0).
  echo-server HOST PORT
                   a thread per connection writes back everything it reads; at the client's
                   FIN it closes. (socat's PIPE deadlocks on bulk data: one thread blocks writing
                   into its full pipe and so never drains it.)
"""
import argparse
import hashlib
import random
import selectors
import socket
import struct
import sys
import threading
import time


class Conn:
    def __init__(self, index, data, half_close):
        self.index = index
        self.data = data
        self.sent = 0
        self.received = 0
        self.digest = hashlib.sha256()
        self.half_close = half_close
        self.shut = False
        self.eof = False
        self.error = None
        self.sock = None

    def done(self):
        if self.error is not None:
            return True
        if self.half_close:
            return self.eof
        return self.received >= len(self.data)


def payload(seed, index, size):
    return random.Random(seed * 1_000_003 + index).randbytes(size)


def echo(args):
    sel = selectors.DefaultSelector()
    conns = []
    for i in range(args.conns):
        c = Conn(i, payload(args.seed, i, args.bytes), args.half_close)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((args.host, args.port))
        if err not in (0, 115):  # EINPROGRESS
            c.error = "connect errno %d" % err
        c.sock = s
        conns.append(c)
        if c.error is None:
            sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
    start = time.monotonic()
    deadline = start + args.timeout
    open_count = sum(1 for c in conns if c.error is None)
    while open_count > 0 and time.monotonic() < deadline:
        for key, mask in sel.select(timeout=0.5):
            c = key.data
            try:
                if mask & selectors.EVENT_WRITE:
                    if c.sent < len(c.data):
                        c.sent += c.sock.send(c.data[c.sent:c.sent + 65536])
                    if c.sent >= len(c.data):
                        if c.half_close and not c.shut:
                            c.sock.shutdown(socket.SHUT_WR)
                            c.shut = True
                        sel.modify(c.sock, selectors.EVENT_READ, c)
                if mask & selectors.EVENT_READ:
                    chunk = c.sock.recv(262144)
                    if chunk:
                        c.digest.update(chunk)
                        c.received += len(chunk)
                        if c.received > len(c.data):
                            c.error = "received %d bytes, more than the %d sent" % (c.received, len(c.data))
                    else:
                        c.eof = True
                        if c.received < len(c.data):
                            c.error = "EOF after %d of %d bytes" % (c.received, len(c.data))
            except OSError as e:
                c.error = "%s after sending %d and receiving %d bytes" % (e, c.sent, c.received)
            if c.done():
                sel.unregister(c.sock)
                c.sock.close()
                open_count -= 1
    seconds = time.monotonic() - start
    ok = 0
    for c in conns:
        if c.error is None and not c.done():
            c.error = "timed out after sending %d and receiving %d of %d bytes" % (c.sent, c.received, len(c.data))
        if c.error is None and c.digest.digest() != hashlib.sha256(c.data).digest():
            c.error = "echoed bytes differ from the sent bytes (sha256)"
        if c.error is None:
            ok += 1
        else:
            print("bad %d %s" % (c.index, c.error))
            try:
                c.sock.close()
            except OSError:
                pass
    print("connections %d" % len(conns))
    print("ok %d" % ok)
    print("bytes %d" % sum(c.received for c in conns))
    print("seconds %.3f" % seconds)
    print("result %s" % ("ok" if ok == len(conns) else "failed"))


def reset(args):
    ok = 0
    for i in range(args.conns):
        try:
            s = socket.create_connection((args.host, args.port), timeout=args.timeout)
            s.sendall(payload(args.seed, i, args.bytes))
            # Abortive close: with a zero linger time close() sends RST instead of FIN.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
            ok += 1
        except OSError as e:
            print("bad %d %s" % (i, e))
    print("connections %d" % args.conns)
    print("ok %d" % ok)
    print("result %s" % ("ok" if ok == args.conns else "failed"))


def echo_server(args):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(1024)
    print("listening %s:%d" % (args.host, args.port), flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=echo_one, args=(conn,), daemon=True).start()


def echo_one(conn):
    try:
        while True:
            chunk = conn.recv(262144)
            if not chunk:
                break
            conn.sendall(chunk)
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["echo", "reset", "echo-server"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--conns", type=int, default=1)
    p.add_argument("--bytes", type=int, default=1024)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--half-close", action="store_true")
    args = p.parse_args()
    {"echo": echo, "reset": reset, "echo-server": echo_server}[args.command](args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
