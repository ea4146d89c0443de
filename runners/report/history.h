/* history.h: DIR/history.jsonl, every completed cell result ever aggregated.
 *
 * One JSON object a line ("schema": 1), appended in the order results were
 * recorded, never edited: a partial rerun overwrites a cell's samples.json but
 * its earlier numbers stay here. Each line carries two hashes: "inputs" (what
 * produced the result: image ids, build context trees, the cell's resolved
 * configuration) and "key" (the cell, its samples and the times of its
 * repetitions), so aggregating the same samples again records nothing new.
 */
#ifndef JOCKEY_HISTORY_H
#define JOCKEY_HISTORY_H

#include <jansson.h>

#define HISTORY_FILE "history.jsonl"

/* Set "inputs_hash" (the image ids its repetitions ran, the tree ids of its
 * build contexts, its cell.json) and "result_hash" (the cell id, the finish
 * times of its repetitions and its samples) on an aggregated cell
 * (results.json shape), reading cells/ID/cell.json, the repetitions'
 * metrics.json and stamps/ctx/ from the working folder. */
void history_hash_cell(json_t *cell);

/* Append to PATH a line for every done cell of results whose result_hash is
 * not recorded yet; rewrites the file atomically. Returns the number of
 * lines added, or -1 with a message. */
int history_record(const char *path, json_t *results);
/* history_record with PATH's lines already loaded in hist (history_load),
 * to which the lines it adds are appended as history_load would read them:
 * the aggregate then hands hist to the report instead of reading the file
 * again. */
int history_record_into(const char *path, json_t *results, json_t *hist);

/* Every well-formed line of PATH, oldest first (new reference; an empty
 * array when there is no file). A damaged line is skipped with a warning. */
json_t *history_load(const char *path);

/* The cell's result that came before the one with result hash key (or, when
 * key is not recorded, the cell's latest result): the nearest earlier line of
 * the cell with another key. Borrowed from hist; NULL if there is none. */
json_t *history_previous(json_t *hist, const char *cell, const char *key);

/* The line of the cell with result hash key (borrowed), or NULL. */
json_t *history_find(json_t *hist, const char *cell, const char *key);

#endif
