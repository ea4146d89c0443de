/* fuzz-engine-stream.c: libFuzzer entry for the Engine API stream decoders:
 * the progress streams' JSON lines (engine.c's jsonlines_data, behind
 * engine_stream_json: /build, /images/create) and the multiplexed log stream
 * (engine_api.c's engine_demux_data: 8-byte frame headers and payloads).
 * The first byte of an input is the size of the pieces the rest arrives in
 * (1 to 256 bytes, as curl may cut a reply anywhere); both decoders read the
 * same bytes. A crash, a sanitizer report, a leak or a hang is a bug; so is a
 * demultiplexed log longer than the stream, or a stream that is not
 * multiplexed (first byte > 2) not copied as it is.
 *
 * jsonlines_data is file-local: engine.c is included here so that its
 * static decoder is the one tested, not a copy. */
#include "runners/run/engine.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
count_msg(json_t *msg, void *arg)
{
	(void)msg;
	++*(size_t *)arg;
	return 0;
}

static void
fuzz_jsonlines(const char *p, size_t n, size_t piece)
{
	size_t msgs = 0, off;
	struct jsonlines jl = { BUF_INIT, count_msg, &msgs, NULL };

	for (off = 0; off < n; off += piece)
		if (jsonlines_data(p + off, n - off < piece ? n - off : piece, &jl))
			break;
	if (!jl.error && jl.line.len > 0)
		jsonlines_one(&jl, jl.line.data, jl.line.len);
	free(jl.error);
	buf_release(&jl.line);
}

static void
fuzz_demux(const char *p, size_t n, size_t piece)
{
	char *text = NULL;
	size_t len = 0, off;
	FILE *f = open_memstream(&text, &len);
	struct engine_demux d = { f, { 0 }, 0, 0, 0 };

	if (!f)
		abort();
	for (off = 0; off < n; off += piece)
		if (engine_demux_data(p + off, n - off < piece ? n - off : piece, &d))
			abort();
	if (fclose(f) != 0)
		abort();
	if (len > n || (n > 0 && (unsigned char)p[0] > 2 && (len != n || memcmp(text, p, n) != 0)))
		abort();
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t piece;

	if (size < 1)
		return 0;
	piece = (size_t)data[0] + 1;
	fuzz_jsonlines((const char *)data + 1, size - 1, piece);
	fuzz_demux((const char *)data + 1, size - 1, piece);
	return 0;
}
