/* runners/aggregate.h: moved to runners/report/aggregate.h. This forwarding
 * header keeps the files of the other branch (refactor-gen) that include the
 * old path building until the merge points them at the new one; then it
 * goes. It brought base/files.h with it, which they may count on. */
#include "base/files.h"
#include "runners/report/aggregate.h"
