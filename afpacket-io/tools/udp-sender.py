#!/usr/bin/python3
"""Kernel UDP sender for RxLatency: each datagram carries time.monotonic_ns() (8 bytes, big-endian)
and a sequence number (4 bytes; 0xFFFFFFFF marks warm-up datagrams, which are not measured).

usage: udp-sender.py DST PORT COUNT INTERVAL_US [WARMUP]   (INTERVAL_US 0 = back to back)
"""
import socket
import sys
import time

dst, port, count, interval_us = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 5000
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# Unconnected: the receiving host has no UDP socket and answers ICMP port unreachable, which a
# connected socket would report as ECONNREFUSED on the next send.
addr = (dst, port)
pad = bytes(20)
for _ in range(warmup):
    s.sendto(time.monotonic_ns().to_bytes(8, "big") + b"\xff\xff\xff\xff" + pad, addr)
time.sleep(0.3)
interval_ns = interval_us * 1000
next_ns = time.monotonic_ns()
for i in range(count):
    if interval_ns:
        while True:
            left = next_ns - time.monotonic_ns()
            if left <= 0:
                break
            if left > 2_000_000:
                time.sleep((left - 1_000_000) / 1e9)
        next_ns += interval_ns
    s.sendto(time.monotonic_ns().to_bytes(8, "big") + i.to_bytes(4, "big") + pad, addr)
