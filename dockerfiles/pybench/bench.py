"""bench.py [ROUNDS]: pyperformance-style workloads, written for jockey's case
study with the standard library only (Debian packages no pyperformance).

Each workload does a fixed amount of work per round, so that rounds compare
across images and settings; after one warm-up round, ROUNDS rounds (default
5) are timed and the median is reported, in milliseconds:

  nbody          the five-body planetary simulation, 80000 steps (floats)
  float          400000 points made, normalised and maximised (objects, math)
  spectral_norm  the spectral norm of a 240x240 matrix (function calls)
  fannkuch       the pancake-flipping permutations of 9 (lists)
  json_dumps     a nested document of 2000 records to text, 100 times
  json_loads     that text back, 100 times
  regex          nine patterns over 1 MB of text (the re module)

The last line: "pybench: nbody_ms=... float_ms=... ... total_ms=..."
"""
import json
import math
import re
import statistics
import sys
import time


def nbody(steps=80000):
    pi = math.pi
    days = 365.24
    mass = 4 * pi * pi
    bodies = [
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], mass],
        [[4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
         [1.66007664274403694e-03 * days, 7.69901118419740425e-03 * days, -6.90460016972063023e-05 * days],
         9.54791938424326609e-04 * mass],
        [[8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
         [-2.76742510726862411e-03 * days, 4.99852801234917238e-03 * days, 2.30417297573763929e-05 * days],
         2.85885980666130812e-04 * mass],
        [[1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
         [2.96460137564761618e-03 * days, 2.37847173959480950e-03 * days, -2.96589568540237556e-05 * days],
         4.36624404335156298e-05 * mass],
        [[1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
         [2.68067772490389322e-03 * days, 1.62824170038242295e-03 * days, -9.51592254519715870e-05 * days],
         5.15138902046611451e-05 * mass],
    ]
    pairs = [(bodies[i], bodies[j]) for i in range(5) for j in range(i + 1, 5)]
    dt = 0.01
    for _ in range(steps):
        for ((x1, y1, z1), v1, m1), ((x2, y2, z2), v2, m2) in pairs:
            dx, dy, dz = x1 - x2, y1 - y2, z1 - z2
            mag = dt * ((dx * dx + dy * dy + dz * dz) ** -1.5)
            b1, b2 = m1 * mag, m2 * mag
            v1[0] -= dx * b2
            v1[1] -= dy * b2
            v1[2] -= dz * b2
            v2[0] += dx * b1
            v2[1] += dy * b1
            v2[2] += dz * b1
        for r, (vx, vy, vz), _m in bodies:
            r[0] += dt * vx
            r[1] += dt * vy
            r[2] += dt * vz
    return bodies[0][0][0]


class Point:
    __slots__ = ("x", "y", "z")

    def __init__(self, i):
        self.x = x = math.sin(i)
        self.y = math.cos(i) * 3
        self.z = (x * x) / 2

    def normalize(self):
        norm = math.sqrt(self.x * self.x + self.y * self.y + self.z * self.z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def maximize(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


def float_(n=400000):
    points = [Point(i) for i in range(n)]
    for p in points:
        p.normalize()
    best = points[0]
    for p in points[1:]:
        best = best.maximize(p)
    return best.x


def spectral_norm(n=240):
    def a(i, j):
        return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)

    def av(u):
        return [sum(a(i, j) * uj for j, uj in enumerate(u)) for i in range(n)]

    def atv(u):
        return [sum(a(j, i) * uj for j, uj in enumerate(u)) for i in range(n)]

    u = [1.0] * n
    for _ in range(10):
        v = atv(av(u))
        u = atv(av(v))
    vbv = sum(x * y for x, y in zip(u, v))
    vv = sum(x * x for x in v)
    return math.sqrt(vbv / vv)


def fannkuch(n=9):
    count = list(range(1, n + 1))
    perm1 = list(range(n))
    max_flips = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        if perm1[0] != 0 and perm1[-1] != n - 1:
            perm = perm1[:]
            flips = 0
            k = perm[0]
            while k:
                perm[: k + 1] = perm[k::-1]
                flips += 1
                k = perm[0]
            max_flips = max(max_flips, flips)
        while r != n:
            perm1.insert(r, perm1.pop(0))
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        else:
            return max_flips


DOC = {
    "records": [
        {"id": i, "name": "record %d" % i, "ok": i % 3 == 0, "score": i * 0.5,
         "tags": ["a", "b", str(i % 7)], "child": {"k": "v" * (i % 10), "n": [i, i + 1, None]}}
        for i in range(2000)
    ],
    "meta": {"version": 3, "source": "jockey", "unicode": "caf\u00e9 \u2603"},
}
TEXT = json.dumps(DOC)


def json_dumps(times=100):
    for _ in range(times):
        s = json.dumps(DOC)
    return len(s)


def json_loads(times=100):
    for _ in range(times):
        d = json.loads(TEXT)
    return len(d["records"])


CORPUS = "\n".join(
    "%d user%d@example.com http://www.example%d.org/path/%d?q=%d GET /index.html 200 %d.%d.%d.%d"
    % (i, i % 997, i % 13, i, i * 7, i % 256, (i * 3) % 256, (i * 7) % 256, (i * 11) % 256)
    for i in range(14000)
)
PATTERNS = [re.compile(p) for p in (
    r"[\w.+-]+@[\w-]+\.[\w.]+",
    r"https?://[^\s/]+(/[^\s?]*)?",
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
    r"GET (/\S*)",
    r"user(\d+)7@",
    r"(?i)EXAMPLE1[0-2]",
    r"q=(\d+)\b",
    r"^\d+ ",
    r"(\w+)\.html",
)]


def regex():
    n = 0
    for p in PATTERNS:
        n += len(p.findall(CORPUS)) + sum(1 for _ in p.finditer(CORPUS))
    n += len(PATTERNS[0].sub("<email>", CORPUS))
    return n


WORKLOADS = [
    ("nbody", nbody), ("float", float_), ("spectral_norm", spectral_norm),
    ("fannkuch", fannkuch), ("json_dumps", json_dumps), ("json_loads", json_loads),
    ("regex", regex),
]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print("python %s" % sys.version.replace("\n", " "), flush=True)
    results = []
    for name, fn in WORKLOADS:
        fn()  # warm-up
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        med = statistics.median(times)
        results.append((name, med))
        print("%-14s median %.2f ms of %d rounds (min %.2f, max %.2f)"
              % (name, med, rounds, min(times), max(times)), flush=True)
    words = " ".join("%s_ms=%.3f" % (n, v) for n, v in results)
    print("pybench: %s total_ms=%.3f" % (words, sum(v for _, v in results)))


if __name__ == "__main__":
    main()
