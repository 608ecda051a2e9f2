/*
 * QR codes as PNG images, made in memory: the barcode of the otpauth URL
 * that POST /resource/otp/generate_qrcode returns (user-api.md §5.11).
 * Barong gets it from Vault's TOTP engine (qr_size 300), which draws the
 * code at error-correction level M and scales it to the requested size;
 * we do the same with libqrencode and libpng, with the four-module quiet
 * zone the QR specification asks for around the code.
 */
#ifndef BARONG_QRPNG_H
#define BARONG_QRPNG_H

#include <stddef.h>

struct arena;

#define QRPNG_QUIET	4	/* modules of white border on each side */
#define QRPNG_MAXTEXT	2048	/* bytes; longer text is refused */

/*
 * A size x size 1-bit grayscale PNG of text's QR code (level M, 8-bit
 * mode), each module a square of size / (modules + 2 * QRPNG_QUIET)
 * pixels, centred on white.  0 with *png and *len (in the arena), or -1
 * when text is empty or too long, the code does not fit, or a library
 * fails.
 */
int	qrpng_make(struct arena *, const char *text, int size,
	    unsigned char **png, size_t *len);

#endif
