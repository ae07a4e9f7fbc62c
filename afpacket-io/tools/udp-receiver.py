#!/usr/bin/python3
"""Kernel baseline for RxLatency: a blocking UDP socket that records monotonic_ns() - sent for each
measured datagram and prints the same percentiles. usage: udp-receiver.py BIND PORT COUNT"""
import socket
import sys
import time

bind, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((bind, port))
print("ready", flush=True)
lat = []
while len(lat) < count:
    data = s.recv(2048)
    now = time.monotonic_ns()
    if data[8:12] != b"\xff\xff\xff\xff":
        lat.append(now - int.from_bytes(data[:8], "big"))
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000
print("%-28s n=%d p50=%.1fus p90=%.1fus p99=%.1fus max=%.1fus" % ("kernel UDP socket (python)", len(lat), pct(0.5), pct(0.9), pct(0.99), lat[-1] / 1000))
