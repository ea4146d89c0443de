/* outcome.h: how a step of a cell's repetition ended.
 *
 * A benchmark that fails (a non-zero exit, a timeout, an OOM kill, a server
 * that never became ready, a parser that finds nothing) is the cell's
 * outcome, not an error of jockey: it is data, written to failed.json. The
 * step that finds it keeps the reason as a fresh string named failure (a
 * field, struct run's or struct proc's, or a char **failure out-parameter),
 * prints nothing, and returns OUTCOME_FAILED (or, where the caller reads the
 * state anyway, 0). An error of jockey's own (the engine unreachable, a file
 * that cannot be written) is printed where it happens, with error() and the
 * context, and returns OUTCOME_ERROR, which is -1 as everywhere else.
 */
#ifndef JOCKEY_RUN_OUTCOME_H
#define JOCKEY_RUN_OUTCOME_H

enum outcome {
	OUTCOME_ERROR = -1, /* printed already */
	OUTCOME_OK = 0,
	OUTCOME_FAILED = 1  /* the cell failed: its failure says why */
};

#endif
