/* Opening a capture file: plain, or compressed with gzip, zstd or xz
 * (recognised by their magic bytes, not the name), decompressed as it is
 * read through a stdio stream libpcap reads like any other: memory stays
 * flat in the file's size. */
#include "capfile.h"

#include <errno.h>
#include <lzma.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

enum zkind { Z_PLAIN, Z_GZIP, Z_ZSTD, Z_XZ };

#define ZIN_SIZE (128u << 10)

typedef struct zstream {
	FILE *raw;
	bool own_raw;
	enum zkind kind;
	uint8_t pre[8];  /* bytes read to recognise the format, handed out first */
	size_t pre_len, pre_pos;
	uint8_t *in;
	size_t in_len, in_pos;
	bool raw_eof, end, failed;
	z_stream gz;
	ZSTD_DStream *zd;
	lzma_stream xz;
	off64_t pos;
} zstream;

static size_t raw_read(zstream *z, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (z->pre_pos < z->pre_len && got < n)
		buf[got++] = z->pre[z->pre_pos++];
	if (got < n)
		got += fread(buf + got, 1, n - got, z->raw);
	return got;
}

static bool fill(zstream *z)
{
	if (z->in_pos < z->in_len)
		return true;
	if (z->raw_eof)
		return false;
	z->in_len = raw_read(z, z->in, ZIN_SIZE);
	z->in_pos = 0;
	if (z->in_len == 0) {
		z->raw_eof = true;
		if (ferror(z->raw))
			z->failed = true;
		return false;
	}
	return true;
}

static bool decoder_init(zstream *z)
{
	switch (z->kind) {
	case Z_PLAIN: return true;
	case Z_GZIP:
		memset(&z->gz, 0, sizeof(z->gz));
		return inflateInit2(&z->gz, 15 + 32) == Z_OK;  /* gzip or zlib header */
	case Z_ZSTD:
		z->zd = ZSTD_createDStream();
		return z->zd && !ZSTD_isError(ZSTD_initDStream(z->zd));
	case Z_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		z->xz = init;
		return lzma_stream_decoder(&z->xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
	}
	}
	return false;
}

static void decoder_end(zstream *z)
{
	switch (z->kind) {
	case Z_PLAIN: break;
	case Z_GZIP: inflateEnd(&z->gz); break;
	case Z_ZSTD: ZSTD_freeDStream(z->zd); z->zd = NULL; break;
	case Z_XZ: lzma_end(&z->xz); break;
	}
}

static ssize_t z_read(void *cookie, char *buf, size_t size)
{
	zstream *z = cookie;
	size_t out = 0;
	if (z->kind == Z_PLAIN) {
		out = raw_read(z, (uint8_t *)buf, size);
		z->pos += (off64_t)out;
		return ferror(z->raw) && !out ? -1 : (ssize_t)out;
	}
	while (out < size && !z->end && !z->failed) {
		bool more = fill(z);
		size_t avail = z->in_len - z->in_pos;
		if (z->kind == Z_GZIP) {
			if (!more)
				break;  /* a stream cut short: the reader reports the truncated record */
			z->gz.next_in = z->in + z->in_pos;
			z->gz.avail_in = (uInt)avail;
			z->gz.next_out = (Bytef *)buf + out;
			z->gz.avail_out = (uInt)(size - out);
			int r = inflate(&z->gz, Z_NO_FLUSH);
			out = size - z->gz.avail_out;
			z->in_pos = z->in_len - z->gz.avail_in;
			if (r == Z_STREAM_END) {
				/* concatenated members (gzip a; gzip b; cat) go on */
				if (!fill(z))
					z->end = true;
				else if (inflateReset(&z->gz) != Z_OK)
					z->failed = true;
			} else if (r != Z_OK && r != Z_BUF_ERROR) {
				z->failed = true;
			}
		} else if (z->kind == Z_ZSTD) {
			if (!more)
				break;
			ZSTD_inBuffer ib = {z->in, z->in_len, z->in_pos};
			ZSTD_outBuffer ob = {buf, size, out};
			size_t r = ZSTD_decompressStream(z->zd, &ob, &ib);
			if (ZSTD_isError(r))
				z->failed = true;
			out = ob.pos;
			z->in_pos = ib.pos;
		} else {
			z->xz.next_in = z->in + z->in_pos;
			z->xz.avail_in = avail;
			z->xz.next_out = (uint8_t *)buf + out;
			z->xz.avail_out = size - out;
			lzma_ret r = lzma_code(&z->xz, more ? LZMA_RUN : LZMA_FINISH);
			out = size - z->xz.avail_out;
			z->in_pos = z->in_len - z->xz.avail_in;
			if (r == LZMA_STREAM_END)
				z->end = true;
			else if (r != LZMA_OK)
				z->failed = !(r == LZMA_BUF_ERROR && !more);
			if (!more && r != LZMA_OK)
				break;
		}
	}
	z->pos += (off64_t)out;
	if (!out && z->failed) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)out;
}

/* libpcap reads forward only; the one seek asked for is back to the start
 * (after peeking at the magic), which restarts the decoder */
static int z_seek(void *cookie, off64_t *offset, int whence)
{
	zstream *z = cookie;
	if (whence == SEEK_CUR && *offset == 0) {
		*offset = z->pos;
		return 0;
	}
	if (whence != SEEK_SET || *offset != 0 || fseek(z->raw, 0, SEEK_SET) != 0)
		return -1;
	decoder_end(z);
	z->pre_len = z->pre_pos = 0;
	z->in_len = z->in_pos = 0;
	z->raw_eof = z->end = z->failed = false;
	z->pos = 0;
	return decoder_init(z) ? 0 : -1;
}

static int z_close(void *cookie)
{
	zstream *z = cookie;
	decoder_end(z);
	int r = z->own_raw ? fclose(z->raw) : 0;
	g_free(z->in);
	g_free(z);
	return r;
}

static enum zkind sniff(const uint8_t *m, size_t n)
{
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return Z_GZIP;
	if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return Z_ZSTD;
	if (n >= 6 && !memcmp(m, "\xfd" "7zXZ\0", 6))
		return Z_XZ;
	return Z_PLAIN;
}

static const char *kind_name(enum zkind k)
{
	return k == Z_GZIP ? "gzip" : k == Z_ZSTD ? "zstd" : k == Z_XZ ? "xz" : "";
}

FILE *capfile_open(const char *path, capfile_info *info, char **err)
{
	memset(info, 0, sizeof(*info));
	bool is_stdin = !strcmp(path, "-");
	FILE *raw = is_stdin ? stdin : fopen(path, "rb");
	if (!raw) {
		*err = g_strdup_printf("cannot open %s: %s%s", path, strerror(errno),
				       errno == ENOENT ? " (check the path given with -r)" : "");
		return NULL;
	}
	if (!is_stdin) {
		struct stat st;
		if (fstat(fileno(raw), &st) == 0 && S_ISDIR(st.st_mode)) {
			fclose(raw);
			*err = g_strdup_printf("%s is a directory, not a capture file", path);
			return NULL;
		}
		if (fstat(fileno(raw), &st) == 0 && S_ISREG(st.st_mode))
			info->size = (uint64_t)st.st_size;
	}
	uint8_t m[6];
	size_t n = fread(m, 1, sizeof(m), raw);
	enum zkind k = sniff(m, n);
	if (k == Z_PLAIN && !is_stdin) {
		rewind(raw);
		info->seekable = true;
		info->raw = raw;
		return raw;
	}
	info->pcapng = k == Z_PLAIN && n >= 4 && !memcmp(m, "\x0a\x0d\x0d\x0a", 4);
	zstream *z = g_new0(zstream, 1);
	z->raw = raw;
	z->own_raw = !is_stdin;
	z->kind = k;
	memcpy(z->pre, m, n);
	z->pre_len = n;
	z->in = g_malloc(ZIN_SIZE);
	if (!decoder_init(z)) {
		*err = g_strdup_printf("cannot start the %s decompressor for %s", kind_name(k), path);
		z_close(z);
		return NULL;
	}
	cookie_io_functions_t io = {z_read, NULL, z_seek, z_close};
	FILE *f = fopencookie(z, "rb", io);
	if (!f) {
		*err = g_strdup_printf("cannot open %s: %s", path, strerror(errno));
		z_close(z);
		return NULL;
	}
	info->compression = k == Z_PLAIN ? NULL : kind_name(k);
	info->seekable = !is_stdin;
	info->raw = raw;
	return f;
}
