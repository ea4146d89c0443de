/* assets.h: the files report.html is made of, runners/report/report.css,
 * report.js and flame.js, embedded by the build (embed.sh writes build/runners/report/
 * assets.c from them): NUL-terminated, as the files hold them. */
#ifndef JOCKEY_REPORT_ASSETS_H
#define JOCKEY_REPORT_ASSETS_H

/* report.html's style sheet. */
extern const char report_css[];
/* report.html's script: it reads the JSON in #data and draws the page:
 * bar charts with error bars per benchmark and metric, the baseline tables,
 * the failures, and per cell its statistics, time series, history and
 * provenance (drawn when the cell is opened, so 1000 cells stay fast).
 * body[data-status] becomes "ok" when it finished, or the first error. */
extern const char report_js[];
/* After it, the lifecycle charts (phases stacked per cell, density's
 * containers ready over time), when the cells have them. */
extern const char lifecycle_js[];
/* The flame graphs' search (profhtml.c draws them): it marks the frames
 * whose function or DSO matches and shows the share of samples they hold. */
extern const char flame_js[];

#endif
