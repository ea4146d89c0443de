#!/usr/bin/env python3
"""tests/proxy.py: the end-to-end tests' forwarding proxy, one for all of them.

    python3 tests/proxy.py LISTEN UPSTREAM [--portfile F] [--tls CERTDIR]
                           [--fake-kernel] [--hang-file F]

LISTEN   "tcp": 127.0.0.1 on a free port (written to --portfile F, through a
         temporary and a rename, else printed on the first line); or the path
         of a unix socket to make.
UPSTREAM unix:PATH (an engine's socket) or HOST:PORT.
--tls CERTDIR   TLS in front, requiring a client certificate signed by
                CERTDIR/ca.pem (server.pem, server-key.pem), as
                'dockerd --tlsverify' does (t0510).
--fake-kernel   the upstream's "KernelVersion" in its answers changed to one of
                the same length that is not this machine's: an engine in a VM
                behind a forwarded socket (t0906).
--hang-file F   while F exists, accept and never answer (t0975).
"""
import argparse
import os
import socket
import ssl
import threading

ap = argparse.ArgumentParser()
ap.add_argument("listen")
ap.add_argument("upstream")
ap.add_argument("--portfile")
ap.add_argument("--tls")
ap.add_argument("--fake-kernel", action="store_true")
ap.add_argument("--hang-file")
a = ap.parse_args()

real = os.uname().release.encode()
rewrite = (b'"KernelVersion":"' + real, b'"KernelVersion":"' + real[:-2] + b"vm")

ctx = None
if a.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(a.tls, "server.pem"), os.path.join(a.tls, "server-key.pem"))
    ctx.load_verify_locations(os.path.join(a.tls, "ca.pem"))
    ctx.verify_mode = ssl.CERT_REQUIRED

if a.listen == "tcp":
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
else:
    ls = socket.socket(socket.AF_UNIX)
    ls.bind(a.listen)
ls.listen(16)
if a.listen == "tcp":
    port = str(ls.getsockname()[1])
    if a.portfile:
        with open(a.portfile + ".tmp", "w") as f:
            f.write(port)
        os.rename(a.portfile + ".tmp", a.portfile)
    else:
        print(port, flush=True)


def connect():
    if a.upstream.startswith("unix:"):
        u = socket.socket(socket.AF_UNIX)
        u.connect(a.upstream[len("unix:"):])
        return u
    host, port = a.upstream.rsplit(":", 1)
    return socket.create_connection((host, int(port)))


def pipe(src, dst, fake):
    try:
        while True:
            d = src.recv(65536)
            if not d:
                break
            dst.sendall(d.replace(*rewrite) if fake else d)
    except OSError:
        pass
    # a half close, as TCP has it; a TLS stream is closed both ways (its
    # close_notify cannot be half of one)
    for s, how in ((src, socket.SHUT_RDWR), (dst, socket.SHUT_RDWR)) if ctx else ((dst, socket.SHUT_WR),):
        try:
            s.shutdown(how)
        except OSError:
            pass


def serve(c):
    if ctx:
        try:
            c = ctx.wrap_socket(c, server_side=True)
        except (ssl.SSLError, OSError):
            c.close()
            return
    u = connect()
    threading.Thread(target=pipe, args=(u, c, a.fake_kernel), daemon=True).start()
    pipe(c, u, False)


held = []
while True:
    c, _ = ls.accept()
    if a.hang_file and os.path.exists(a.hang_file):
        held.append(c)
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
