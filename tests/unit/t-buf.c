/* t-buf.c: the string buffer and the file helpers. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "tap.h"
#include "base/util.h"

int
main(void)
{
	struct buf b = BUF_INIT;
	char dir[] = "/tmp/jockey-t-buf.XXXXXX", *path, *data;
	size_t len, i;
	struct stat st1, st2;

	is_str(b.data, "", "a fresh buffer is the empty string");
	buf_puts(&b, "abc");
	buf_printf(&b, "-%d-", 42);
	buf_putc(&b, 'z');
	is_str(b.data, "abc-42-z", "puts, printf and putc append");
	is_int(b.len, 8, "len counts the bytes");
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%05zu", i);
	is_int(b.len, 8 + 5000, "printf grows past the first allocation");
	ok(b.data[b.len] == '\0', "content stays NUL-terminated");
	buf_reset(&b);
	is_str(b.data, "", "reset empties");
	buf_add(&b, "a\0b", 3);
	is_int(b.len, 3, "binary content keeps its NUL bytes");
	data = buf_detach(&b, &len);
	is_int(len, 3, "detach hands over the length");
	is_str(b.data, "", "detach leaves the buffer empty");
	free(data);
	buf_release(&b);

	if (!mkdtemp(dir))
		return 1;
	path = xasprintf("%s/a/b/stamp", dir);
	is_int(write_file_if_changed(path, "x\n", 2), 1, "a new stamp is written, folders made");
	stat(path, &st1);
	sleep(0);
	is_int(write_file_if_changed(path, "x\n", 2), 0, "the same content is not rewritten");
	stat(path, &st2);
	ok(st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec && st1.st_ino == st2.st_ino, "an unchanged stamp keeps its inode and mtime");
	is_int(write_file_if_changed(path, "y\n", 2), 1, "new content is written");
	read_file(path, &data, &len);
	is_str(data, "y\n", "and reads back");
	free(data);
	unlink(path);
	free(path);
	path = xasprintf("rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	free(path);
	return tap_done();
}
