#!/usr/bin/python3
"""tests/stats/reference.py: reference values for tests/unit/t-stats.c from
independent implementations, printed as the C block that t-stats.c keeps
between its "BEGIN reference" and "END reference" lines.

  tests/stats/reference.py > /tmp/ref.c    (then paste, or diff against t-stats.c)

Run once, by hand, when a case is added: the unit test holds the numbers and
needs neither Python nor scipy. Needs Debian's python3-scipy and
python3-statsmodels (apt-get install python3-scipy python3-statsmodels); run
with /usr/bin/python3 so that a pyenv or venv python does not hide them.

Sources:
  Mann-Whitney   scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
                 use_continuity=True), method='exact' where jockey uses the exact
                 distribution (no ties, both sizes <= 20), else 'asymptotic'
                 (normal, tie and continuity corrections).
  BH             statsmodels.stats.multitest.multipletests(p, method='fdr_bh'):
                 scipy.stats.false_discovery_control is scipy >= 1.11 and Debian 12
                 has 1.10.1. Checked here against the textbook definition too.
  median CI      the order-statistics interval from scipy.stats.binom: the most
                 trimmed [x_(k+1), x_(n-k)] whose coverage 1 - 2 P(B <= k) >= 95%.
  ratio CI       the pairwise ratios a_i / b_j, sorted, and the rank k from the
                 exact null distribution of U (scipy's own, scipy.stats.
                 _mannwhitneyu._mwu_state.cdf: private, but what mannwhitneyu's
                 exact p is made of) or, past 20 a side, scipy.stats.norm with a
                 continuity correction.
"""
import sys
import numpy as np
import scipy
import scipy.stats as st
import statsmodels
from scipy.stats._mannwhitneyu import _mwu_state
from statsmodels.stats.multitest import multipletests

out = []
def emit(s=""):
    out.append(s)

def num(x):
    """the shortest text that reads back as the same double"""
    return repr(float(x))

def c_array(name, v):
    v = [num(x) for x in v]
    if len(v) <= 6:
        emit("static const double %s[] = { %s };" % (name, ", ".join(v)))
        return
    emit("static const double %s[] = {" % name)
    for i in range(0, len(v), 6):
        emit("\t" + ", ".join(v[i:i + 6]) + ",")
    emit("};")

rng = np.random.RandomState(15)

def sample(n, loc=100.0, sd=5.0, digits=3):
    return [round(float(x), digits) for x in rng.normal(loc, sd, n)]

# --- Mann-Whitney -----------------------------------------------------------
mw_cases = [
    ("7 vs 13, no ties: exact", sample(7, 100), sample(13, 104)),
    ("4 vs 17, no ties: exact", sample(4, 100), sample(17, 96)),
    ("1 vs 5: exact", sample(1, 100), sample(5, 100)),
    ("3 vs 9, separated: exact", [1.5, 2.5, 3.5], [10.0 + i for i in range(9)]),
    ("20 vs 20, no ties: exact at the largest size", sample(20, 100), sample(20, 103)),
    ("21 vs 20, no ties: one side past 20, asymptotic", sample(21, 100), sample(20, 103)),
    ("25 vs 30, no ties: asymptotic", sample(25, 100), sample(30, 102)),
    ("40 vs 35, no ties: asymptotic", sample(40, 100), sample(35, 100.5)),
    ("8 vs 6, ties: asymptotic", sample(8, 100, 3, 0), sample(6, 102, 3, 0)),
    ("30 vs 25, heavy ties: asymptotic", [float(x) for x in rng.randint(1, 6, 30)],
     [float(x) for x in rng.randint(2, 7, 25)]),
    ("5 vs 5, ties, U near its mean", [1.0, 2.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 3.0, 4.0]),
    ("5 vs 5, the same values: U at its mean, p capped at 1", [1.0, 2.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 2.0, 1.0]),
]
emit("/* Mann-Whitney: U of a and the two-sided p from scipy.stats.mannwhitneyu */")
for i, (what, a, b) in enumerate(mw_cases):
    c_array("mw_a%d" % i, a)
    c_array("mw_b%d" % i, b)
emit("static const struct mw_ref {")
emit("\tconst char *what;")
emit("\tconst double *a, *b;")
emit("\tsize_t na, nb;")
emit("\tdouble u, p;")
emit("} mw_refs[] = {")
for i, (what, a, b) in enumerate(mw_cases):
    ties = len(set(a + b)) < len(a + b)
    method = "exact" if not ties and len(a) <= 20 and len(b) <= 20 else "asymptotic"
    r = st.mannwhitneyu(a, b, use_continuity=True, alternative="two-sided", method=method)
    emit('\t{ "%s", mw_a%d, mw_b%d, %d, %d, %s, %s },' % (what, i, i, len(a), len(b), num(r.statistic), num(r.pvalue)))
emit("};")
emit()

# --- Benjamini-Hochberg -----------------------------------------------------
def bh_textbook(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    q = np.empty(m)
    run = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        run = min(run, m * p[i] / rank)
        q[i] = run
    return q

bh_cases = [
    ("Benjamini and Hochberg's 1995 example, 15 tests",
     [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
      0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0]),
    ("unsorted, with ties and p = 1",
     [0.04, 0.001, 0.5, 0.04, 1.0, 0.012, 0.2, 0.04, 0.0005, 0.9]),
    ("one test", [0.03]),
    ("all equal", [0.04, 0.04, 0.04, 0.04, 0.04]),
    ("30 tests, 5 of them real changes",
     [round(float(x), 6) for x in np.concatenate([rng.uniform(0, 0.004, 5), rng.uniform(0, 1, 25)])]),
]
emit("/* BH: q-values from statsmodels' multipletests(method='fdr_bh') */")
for i, (what, p) in enumerate(bh_cases):
    q05 = multipletests(p, alpha=0.05, method="fdr_bh")
    q10 = multipletests(p, alpha=0.10, method="fdr_bh")
    assert np.allclose(q05[1], bh_textbook(p), rtol=1e-13, atol=0), what
    c_array("bh_p%d" % i, p)
    c_array("bh_q%d" % i, q05[1])
emit("static const struct bh_ref {")
emit("\tconst char *what;")
emit("\tconst double *p, *q;")
emit("\tsize_t n, reject05, reject10; /* rejected at FDR 0.05 and 0.10 */")
emit("} bh_refs[] = {")
for i, (what, p) in enumerate(bh_cases):
    r05 = int(multipletests(p, alpha=0.05, method="fdr_bh")[0].sum())
    r10 = int(multipletests(p, alpha=0.10, method="fdr_bh")[0].sum())
    emit('\t{ "%s", bh_p%d, bh_q%d, %d, %d, %d },' % (what, i, i, len(p), r05, r10))
emit("};")
emit()

# --- the median's order-statistics interval ---------------------------------
emit("/* the median's interval for x = 1..n: [lo, hi] = [k + 1, n - k] and its")
emit(" * coverage 1 - 2 P(B <= k), B ~ scipy.stats.binom(n, 1/2) */")
emit("static const struct median_ref {")
emit("\tsize_t n;")
emit("\tdouble lo, hi, coverage;")
emit("} median_refs[] = {")
for n in [2, 3, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 50, 100]:
    k, cover = 0, 1 - 2 * st.binom.cdf(0, n, 0.5)
    while 2 * (k + 1) < n and 1 - 2 * st.binom.cdf(k + 1, n, 0.5) >= 0.95:
        k += 1
        cover = 1 - 2 * st.binom.cdf(k, n, 0.5)
    emit("\t{ %d, %d, %d, %s }," % (n, k + 1, n - k, num(cover)))
emit("};")
emit()

# --- the ratio interval -----------------------------------------------------
def ratio_interval(a, b, level=0.95):
    m, n = len(a), len(b)
    r = sorted(x / y for x in a for y in b)
    mn = m * n
    if m <= 20 and n <= 20:
        cover = lambda k: 1 - 2 * _mwu_state.cdf(k - 1, m, n)
    else:
        sd = np.sqrt(mn * (m + n + 1) / 12.0)
        cover = lambda k: 1 - 2 * st.norm.cdf((k - 0.5 - mn / 2.0) / sd)
    k = 1
    while 2 * (k + 1) <= mn + 1 and cover(k + 1) >= level:
        k += 1
    return r[k - 1], r[mn - k], float(cover(k))

ratio_cases = [
    ("3 vs 3: the range of the ratios, 90%", sample(3, 110), sample(3, 100)),
    ("5 vs 5", sample(5, 110), sample(5, 100)),
    ("7 vs 12", sample(7, 95), sample(12, 100)),
    ("20 vs 20", sample(20, 101), sample(20, 100)),
    ("25 vs 22: normal approximation", sample(25, 100), sample(22, 100)),
    ("6 vs 8, ties", sample(6, 100, 3, 0), sample(8, 103, 3, 0)),
]
emit("/* the ratio interval: sorted a_i / b_j, the rank from scipy's exact U")
emit(" * distribution (or scipy.stats.norm past 20 a side) */")
for i, (what, a, b) in enumerate(ratio_cases):
    c_array("ratio_a%d" % i, a)
    c_array("ratio_b%d" % i, b)
emit("static const struct ratio_ref {")
emit("\tconst char *what;")
emit("\tconst double *a, *b;")
emit("\tsize_t na, nb;")
emit("\tdouble lo, hi, coverage;")
emit("} ratio_refs[] = {")
for i, (what, a, b) in enumerate(ratio_cases):
    lo, hi, cover = ratio_interval(a, b)
    emit('\t{ "%s", ratio_a%d, ratio_b%d, %d, %d, %s, %s, %s },' % (what, i, i, len(a), len(b), num(lo), num(hi), num(cover)))
emit("};")

print("/* BEGIN reference values: generated by tests/stats/reference.py with scipy %s,"
      % scipy.__version__)
print(" * statsmodels %s, numpy %s (Debian 12's python3-scipy and python3-statsmodels);"
      % (statsmodels.__version__, np.__version__))
print(" * do not edit by hand: rerun the script and paste its output. */")
print("\n".join(out))
print("/* END reference values */")
