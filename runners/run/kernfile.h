/* kernfile.h: the kernel's small files (cgroup counters, /proc/PID/...),
 * read into the caller's buffer without allocation or messages (the
 * sampler's thread calls them), and their parsers. */
#ifndef JOCKEY_RUN_KERNFILE_H
#define JOCKEY_RUN_KERNFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Read dir/file into buf (NUL-terminated); its length, or -1. */
ssize_t kernfile_read(const char *dir, const char *file, char *buf, size_t size);
/* A file holding one integer; -1 when missing or unreadable. */
long long kernfile_integer(const char *dir, const char *file);
/* Write s to dir/file; 0 or -1 with errno set. */
int kernfile_write(const char *dir, const char *file, const char *s);

/* The network counters of process pid's namespace (/proc/PID/net/dev) into
 * net[0] (received) and net[1] (sent), and its storage I/O with its reaped
 * descendants' (/proc/PID/io) into io[0] (read) and io[1] (written); a pair
 * whose file cannot be read is left as it is. */
void kernfile_proc_counters(long pid, long long net[2], long long io[2]);

/* The parsers, exposed for the unit tests too. Each returns 0, or -1 when
 * the text holds nothing it understands. */
/* "key value" lines (cpuacct.stat, cpu.stat, memory.stat). */
int kernfile_parse_keyed(const char *text, const char *key, long long *val);
/* v1 blkio.*io_service_bytes*: sums "MAJ:MIN Read N" and "... Write N" lines;
 * returns how many devices it listed (0 for a bare "Total 0"), or -1. */
int kernfile_parse_blkio(const char *text, long long *rd, long long *wr);
/* v2 io.stat: sums rbytes= and wbytes= over devices. */
int kernfile_parse_iostat(const char *text, long long *rd, long long *wr);
/* /proc/PID/net/dev: sums bytes over every interface but lo. */
int kernfile_parse_netdev(const char *text, long long *rx, long long *tx);

#endif
