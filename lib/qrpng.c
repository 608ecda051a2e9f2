/*
 * QR codes as PNG images in memory (see qrpng.h).
 */
#include "config.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "arena.h"
#include "qrpng.h"

#define QRPNG_MAXSIZE	4096	/* pixels per side */

/* The PNG stream as libpng writes it, grown in the arena. */
struct out {
	struct arena	*a;
	unsigned char	*p;
	size_t		 len, cap;
};

static void
out_write(png_structp png, png_bytep data, png_size_t n)
{
	struct out	*o = png_get_io_ptr(png);
	unsigned char	*np;
	size_t		 cap;

	if (n > o->cap - o->len) {
		cap = o->cap * 2;
		while (cap - o->len < n)
			cap *= 2;
		np = arena_alloc(o->a, cap);
		memcpy(np, o->p, o->len);
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, data, n);
	o->len += n;
}

static void
out_flush(png_structp png)
{
	(void)png;
}

/* Whether the pixel (x, y) of the image is a dark module. */
static int
dark(const QRcode *qr, int size, int scale, int x, int y)
{
	int	off = (size - scale * qr->width) / 2;

	if (x < off || y < off)
		return 0;
	x = (x - off) / scale;
	y = (y - off) / scale;
	if (x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

/* Packed 1-bit rows, 1 = white, most significant bit first. */
static unsigned char **
draw(struct arena *a, const QRcode *qr, int size, int scale)
{
	unsigned char	**rows;
	size_t		  stride = ((size_t)size + 7) / 8;
	int		  x, y;

	rows = arena_alloc(a, (size_t)size * sizeof(*rows));
	for (y = 0; y < size; y++) {
		rows[y] = arena_alloc(a, stride);
		memset(rows[y], 0xff, stride);
		for (x = 0; x < size; x++)
			if (dark(qr, size, scale, x, y))
				rows[y][x / 8] &= ~(0x80 >> (x % 8));
	}
	return rows;
}

/* libpng reports through longjmp; nothing here may be live across it. */
static int
encode(struct out *o, unsigned char **rows, int size)
{
	png_structp	png;
	png_infop	info = NULL;
	volatile int	rc = -1;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
	    NULL);
	if (png == NULL)
		return -1;
	if ((info = png_create_info_struct(png)) == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, o, out_write, out_flush);
	png_set_IHDR(png, info, (png_uint_32)size, (png_uint_32)size, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	png_write_image(png, rows);
	png_write_end(png, NULL);
	rc = 0;
out:
	png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	return rc;
}

int
qrpng_make(struct arena *a, const char *text, int size, unsigned char **png,
    size_t *len)
{
	QRcode		*qr;
	struct out	 o;
	int		 scale, rc;

	*png = NULL;
	*len = 0;
	if (*text == '\0' || strlen(text) > QRPNG_MAXTEXT || size < 1 ||
	    size > QRPNG_MAXSIZE)
		return -1;
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return -1;
	scale = size / (qr->width + 2 * QRPNG_QUIET);
	if (scale < 1) {
		QRcode_free(qr);
		return -1;
	}
	o.a = a;
	o.cap = 4096;
	o.len = 0;
	o.p = arena_alloc(a, o.cap);
	rc = encode(&o, draw(a, qr, size, scale), size);
	QRcode_free(qr);
	if (rc == -1)
		return -1;
	*png = o.p;
	*len = o.len;
	return 0;
}
