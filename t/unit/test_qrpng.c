/*
 * lib/qrpng.c: the PNG is decoded back with libpng (signature, IHDR 300x300
 * 1-bit grayscale, no trailing garbage) and every module of the QR matrix
 * libqrencode gives for the same text (level M) is found at its place in
 * the image, with the quiet zone white; the refusals (empty, too long, a
 * size too small for the code).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "arena.h"
#include "qrpng.h"
#include "unit.h"

#define URL	"otpauth://totp/Barong:alice@example.com?algorithm=SHA1" \
		"&digits=6&issuer=Barong&period=30" \
		"&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

struct img {
	png_uint_32	  w, h;
	int		  depth, color;
	unsigned char	**rows;		/* 8-bit gray, one byte per pixel */
};

struct in {
	const unsigned char	*p;
	size_t			 len, off;
};

static void
in_read(png_structp png, png_bytep data, png_size_t n)
{
	struct in	*i = png_get_io_ptr(png);

	if (n > i->len - i->off)
		png_error(png, "short PNG");
	memcpy(data, i->p + i->off, n);
	i->off += n;
}

/* Decode into img (rows malloc'd); 0, or -1 when libpng refuses it. */
static int
decode(const unsigned char *p, size_t len, struct img *img, size_t *used)
{
	png_structp	 png;
	png_infop	 info;
	struct in	 in = { p, len, 0 };
	png_uint_32	 y;

	memset(img, 0, sizeof(*img));
	if (png_sig_cmp(p, 0, 8) != 0)
		return -1;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		return -1;
	}
	png_set_read_fn(png, &in, in_read);
	png_read_info(png, info);
	img->w = png_get_image_width(png, info);
	img->h = png_get_image_height(png, info);
	img->depth = png_get_bit_depth(png, info);
	img->color = png_get_color_type(png, info);
	png_set_expand_gray_1_2_4_to_8(png);
	png_read_update_info(png, info);
	img->rows = calloc(img->h, sizeof(*img->rows));
	for (y = 0; y < img->h; y++)
		img->rows[y] = malloc(png_get_rowbytes(png, info));
	png_read_image(png, img->rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	*used = in.off;
	return 0;
}

static void
img_free(struct img *img)
{
	png_uint_32	y;

	for (y = 0; img->rows != NULL && y < img->h; y++)
		free(img->rows[y]);
	free(img->rows);
}

static void
test_header(void)
{
	struct arena	*a = arena_new(0);
	unsigned char	*png;
	size_t		 len, used;
	struct img	 img;

	CU_ASSERT_EQUAL_FATAL(qrpng_make(a, URL, 300, &png, &len), 0);
	CU_ASSERT(len > 100 && len < 20000);
	CU_ASSERT(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	CU_ASSERT(memcmp(png + 12, "IHDR", 4) == 0);
	CU_ASSERT_EQUAL_FATAL(decode(png, len, &img, &used), 0);
	CU_ASSERT_EQUAL(img.w, 300);
	CU_ASSERT_EQUAL(img.h, 300);
	CU_ASSERT_EQUAL(img.depth, 1);
	CU_ASSERT_EQUAL(img.color, PNG_COLOR_TYPE_GRAY);
	CU_ASSERT_EQUAL(used, len);	/* IEND is the last byte */
	img_free(&img);
	arena_free(a);
}

/* Every module of libqrencode's matrix, sampled at its centre. */
static void
check_matrix(const char *text, int size)
{
	struct arena	*a = arena_new(0);
	unsigned char	*png;
	size_t		 len, used;
	struct img	 img;
	QRcode		*qr;
	int		 scale, off, x, y, bad = 0, dark = 0;

	CU_ASSERT_EQUAL_FATAL(qrpng_make(a, text, size, &png, &len), 0);
	CU_ASSERT_EQUAL_FATAL(decode(png, len, &img, &used), 0);
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(qr);
	scale = size / (qr->width + 2 * QRPNG_QUIET);
	CU_ASSERT(scale >= 1);
	off = (size - scale * qr->width) / 2;
	CU_ASSERT(off >= QRPNG_QUIET * scale);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++) {
			int want = qr->data[y * qr->width + x] & 1;
			int px = img.rows[off + y * scale + scale / 2]
			    [off + x * scale + scale / 2];

			dark += want;
			if ((px == 0) != want)
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(dark > 0);
	/* The quiet zone and the borders are white. */
	for (x = 0; x < size; x++) {
		CU_ASSERT_EQUAL(img.rows[0][x], 255);
		CU_ASSERT_EQUAL(img.rows[off - 1][x], 255);
		CU_ASSERT_EQUAL(img.rows[off + scale * qr->width][x], 255);
		CU_ASSERT_EQUAL(img.rows[x][off - 1], 255);
		CU_ASSERT_EQUAL(img.rows[size - 1][x], 255);
	}
	/* The top-left finder pattern's corner is dark. */
	CU_ASSERT_EQUAL(img.rows[off][off], 0);
	QRcode_free(qr);
	img_free(&img);
	arena_free(a);
}

static void
test_matrix(void)
{
	char	long_url[400];

	check_matrix(URL, 300);
	check_matrix("x", 300);
	check_matrix(URL, 97);
	snprintf(long_url, sizeof(long_url), "otpauth://totp/Barong:%0255d"
	    "@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 7);
	check_matrix(long_url, 300);
}

static void
test_refusals(void)
{
	struct arena	*a = arena_new(0);
	unsigned char	*png;
	size_t		 len;
	char		*big = malloc(QRPNG_MAXTEXT + 2);

	CU_ASSERT_EQUAL(qrpng_make(a, "", 300, &png, &len), -1);
	CU_ASSERT_PTR_NULL(png);
	CU_ASSERT_EQUAL(qrpng_make(a, URL, 20, &png, &len), -1);
	CU_ASSERT_EQUAL(qrpng_make(a, URL, 0, &png, &len), -1);
	CU_ASSERT_EQUAL(qrpng_make(a, URL, 100000, &png, &len), -1);
	memset(big, 'a', QRPNG_MAXTEXT + 1);
	big[QRPNG_MAXTEXT + 1] = '\0';
	CU_ASSERT_EQUAL(qrpng_make(a, big, 300, &png, &len), -1);
	/* The longest text makes a code too wide for 150 pixels. */
	big[QRPNG_MAXTEXT] = '\0';
	CU_ASSERT_EQUAL(qrpng_make(a, big, 150, &png, &len), -1);
	CU_ASSERT_EQUAL(qrpng_make(a, big, 300, &png, &len), 0);
	free(big);
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "PNG header and size", test_header },
	{ "QR matrix round trip", test_matrix },
	{ "refusals", test_refusals },
	{ NULL, NULL }
};

UNIT_MAIN("qrpng", tests)
