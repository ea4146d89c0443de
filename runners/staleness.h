/* runners/staleness.h: moved to runners/report/staleness.h (and probe_base to
 * runners/run/probe.h). This forwarding header keeps the
 * files of the other branch (refactor-gen) that include the old path
 * building until the merge points them at the new one; then it goes. */
#include "runners/report/staleness.h"
/* probe_base, declared here before */
#include "runners/run/probe.h"
