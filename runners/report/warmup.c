/* warmup.c: a warm-up trend at the start of the measured repetitions; see
 * warmup.h. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/report/stats.h"
#include "runners/report/warmup.h"

int
warmup_trend(const double *v, size_t n, int higher_better, struct warmup_trend *t)
{
	size_t k = (n + 2) / 3;
	double *tmp, med_first, med_rest, u, p2, worse;

	memset(t, 0, sizeof(*t));
	if (n < 3)
		return -1;
	tmp = xcalloc(n, sizeof(*tmp));
	memcpy(tmp, v, n * sizeof(*tmp));
	med_first = stats_median(tmp, k);
	memcpy(tmp, v + k, (n - k) * sizeof(*tmp));
	med_rest = stats_median(tmp, n - k);
	free(tmp);
	if (med_rest == 0)
		return -1;
	t->first = k;
	t->change = higher_better ? 1 - med_first / med_rest : med_first / med_rest - 1;
	/* U counts the pairs (first > rest): worse is above the middle for a
	 * lower-is-better metric, below it for a higher-is-better one */
	p2 = stats_mann_whitney(v, k, v + k, n - k, &u);
	worse = higher_better ? (double)k * (n - k) / 2 - u : u - (double)k * (n - k) / 2;
	t->p = worse > 0 ? p2 / 2 : 1 - p2 / 2;
	t->tested = stats_mw_min_p(k, n - k) / 2 <= WARMUP_ALPHA;
	t->trend = t->tested && t->p <= WARMUP_ALPHA && t->change >= WARMUP_MIN_CHANGE;
	return 0;
}
